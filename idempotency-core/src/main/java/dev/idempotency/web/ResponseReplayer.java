package dev.idempotency.web;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpHeaders;

import dev.idempotency.store.CompletedRecord;

/**
 * Decides which response headers are stored, and writes a stored answer back: status, allowlisted
 * headers, body byte for byte, and {@value #REPLAYED_HEADER}{@code : true}.
 */
public final class ResponseReplayer {

	/** Added to every replayed answer, never to a first execution. */
	public static final String REPLAYED_HEADER = "Idempotent-Replayed";

	private final Set<String> replayedHeaders;

	/**
	 * @param allowed the header names to store and replay; names in {@code never} are dropped from it
	 */
	public ResponseReplayer(Collection<String> allowed, Collection<String> never) {
		Set<String> names = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
		names.addAll(allowed);
		never.forEach(names::remove);
		this.replayedHeaders = Collections.unmodifiableSet(names);
	}

	/** The header names stored and replayed, in a stable order. */
	public List<String> replayedHeaders() {
		return List.copyOf(this.replayedHeaders);
	}

	/**
	 * The allowlisted headers of a finished response, as the client receives them: {@code Content-Type}
	 * with the charset the container adds, the {@code Content-Language} of {@code setLocale}, and only
	 * the {@code Content-Encoding} the application set (the held-back body is the one it wrote, before
	 * any compression by the container).
	 */
	public List<CompletedRecord.Header> captureHeaders(CapturingResponseWrapper response) {
		List<CompletedRecord.Header> headers = new ArrayList<>(4);
		for (String name : this.replayedHeaders) {
			if (name.equalsIgnoreCase(HttpHeaders.CONTENT_TYPE)) {
				String contentType = response.getContentType();
				if (contentType != null) {
					headers.add(new CompletedRecord.Header(HttpHeaders.CONTENT_TYPE, contentType));
				}
				continue;
			}
			for (String value : values(response, name)) {
				headers.add(new CompletedRecord.Header(name, value));
			}
		}
		return headers;
	}

	private static Collection<String> values(CapturingResponseWrapper response, String name) {
		if (name.equalsIgnoreCase(HttpHeaders.CONTENT_LANGUAGE)) {
			return response.contentLanguages();
		}
		if (name.equalsIgnoreCase(HttpHeaders.CONTENT_ENCODING)) {
			return response.contentEncodings();
		}
		return response.getHeaders(name);
	}

	/**
	 * The allowlisted headers of a response that ended in {@code sendError} whose page was rendered out of
	 * the filter's sight: the page brings its own {@code Content-Type} and {@code Content-Language}.
	 */
	public List<CompletedRecord.Header> captureHeadersOfSentError(CapturingResponseWrapper response) {
		List<CompletedRecord.Header> headers = new ArrayList<>(captureHeaders(response));
		headers.removeIf((header) -> header.name().equalsIgnoreCase(HttpHeaders.CONTENT_TYPE)
				|| header.name().equalsIgnoreCase(HttpHeaders.CONTENT_LANGUAGE));
		return headers;
	}

	/**
	 * Writes a stored, replayable answer to the response. An answer stored as a sent error is sent again
	 * with {@code sendError}, for the container to render its page as it did the first time.
	 */
	public void replay(CompletedRecord record, HttpServletResponse response) throws IOException {
		response.setStatus(record.status());
		for (CompletedRecord.Header header : record.headers()) {
			if (header.name().equalsIgnoreCase(HttpHeaders.CONTENT_TYPE)) {
				response.setContentType(header.value());
			}
			else if (this.replayedHeaders.contains(header.name())) {
				response.addHeader(header.name(), header.value());
			}
		}
		response.setHeader(REPLAYED_HEADER, "true");
		CompletedRecord.SentError sentError = record.sentError();
		if (sentError != null) {
			if (sentError.message() != null) {
				response.sendError(record.status(), sentError.message());
			}
			else {
				response.sendError(record.status());
			}
			return;
		}
		response.setContentLength(record.body().length);
		if (record.body().length > 0) {
			response.getOutputStream().write(record.body());
		}
	}

}
