package dev.idempotency.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.Part;

import org.springframework.http.MediaType;

/**
 * Reads what a request's fingerprint is computed over, never more than a limit. Raw bodies are read and
 * kept so the handler can read them again; form and multipart bodies are left to the container (which
 * must parse them itself) and their parameters or parts are digested instead.
 */
public final class RequestBodies {

	private RequestBodies() {
	}

	/** The body bytes to fingerprint and the request the handler should see. */
	public record Body(byte[] bytes, HttpServletRequest request) {
	}

	/** The request body is larger than the limit. */
	public static final class TooLargeException extends Exception {

		TooLargeException() {
			super(null, null, false, false);
		}

	}

	/**
	 * @throws TooLargeException when the body (or the declared {@code Content-Length}) exceeds {@code limit}
	 */
	public static Body read(HttpServletRequest request, int limit) throws IOException, ServletException, TooLargeException {
		if (request.getContentLengthLong() > limit) {
			throw new TooLargeException();
		}
		String contentType = request.getContentType();
		if (contentType != null) {
			if (contentType.regionMatches(true, 0, MediaType.APPLICATION_FORM_URLENCODED_VALUE, 0,
					MediaType.APPLICATION_FORM_URLENCODED_VALUE.length())) {
				return new Body(formParameters(request, limit), request);
			}
			if (contentType.regionMatches(true, 0, "multipart/", 0, 10)) {
				return new Body(multipartParts(request, limit), request);
			}
		}
		if (request.getContentLengthLong() == 0) {
			return new Body(new byte[0], request);
		}
		byte[] body = readAtMost(request.getInputStream(), limit);
		return new Body(body, new CachedBodyRequest(request, body));
	}

	private static byte[] readAtMost(InputStream in, int limit) throws IOException, TooLargeException {
		byte[] body = in.readNBytes(limit);
		if (body.length == limit && in.read() != -1) {
			throw new TooLargeException();
		}
		return body;
	}

	private static byte[] formParameters(HttpServletRequest request, int limit) throws TooLargeException {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		for (Map.Entry<String, String[]> parameter : new TreeMap<>(request.getParameterMap()).entrySet()) {
			for (String value : parameter.getValue()) {
				writeField(out, parameter.getKey().getBytes(StandardCharsets.UTF_8));
				writeField(out, value.getBytes(StandardCharsets.UTF_8));
			}
			if (out.size() > limit) {
				throw new TooLargeException();
			}
		}
		return out.toByteArray();
	}

	private static byte[] multipartParts(HttpServletRequest request, int limit)
			throws IOException, ServletException, TooLargeException {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		for (Part part : request.getParts()) {
			writeField(out, part.getName().getBytes(StandardCharsets.UTF_8));
			writeField(out, String.valueOf(part.getSubmittedFileName()).getBytes(StandardCharsets.UTF_8));
			writeField(out, String.valueOf(part.getContentType()).getBytes(StandardCharsets.UTF_8));
			try (InputStream in = part.getInputStream()) {
				writeField(out, readAtMost(in, limit));
			}
			if (out.size() > limit) {
				throw new TooLargeException();
			}
		}
		return out.toByteArray();
	}

	private static void writeField(ByteArrayOutputStream out, byte[] field) {
		int length = field.length;
		out.write(length >>> 24);
		out.write(length >>> 16);
		out.write(length >>> 8);
		out.write(length);
		out.writeBytes(field);
	}

}
