package dev.idempotency.web;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import jakarta.servlet.MultipartConfigElement;
import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;

/**
 * Reads a request's body, never more than a limit, into memory, once: the bytes its fingerprint is computed
 * over, and a {@link BufferedBodyRequest} that serves the body to the handler as the container would have. A form
 * body is fingerprinted as its parameters sorted by name (the same form in another order is the same request), a
 * multipart body as its parts in order (not the boundary, preamble or epilogue), any other body as it is. The
 * container never parses the body itself: the filter never calls {@code getParameter} or {@code getParts}.
 */
public final class RequestBodies {

	static final String FORM = "application/x-www-form-urlencoded";

	private final int limit;

	private final @Nullable MultipartConfigElement multipartConfig;

	/**
	 * @param limit the largest body read, in bytes
	 * @param multipartConfig the multipart configuration of the application's servlet, or {@code null} when it
	 * has none (multipart disabled): {@code getParts()} then fails as the container's does
	 */
	public RequestBodies(int limit, @Nullable MultipartConfigElement multipartConfig) {
		this.limit = limit;
		this.multipartConfig = multipartConfig;
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
	 * @throws TooLargeException when the body (or the declared {@code Content-Length}) exceeds the limit
	 */
	public Body read(HttpServletRequest request) throws IOException, TooLargeException {
		if (request.getContentLengthLong() > this.limit) {
			throw new TooLargeException();
		}
		if (request.getContentLengthLong() == 0) {
			return new Body(new byte[0], request);
		}
		byte[] body = readAtMost(request.getInputStream(), this.limit);
		String contentType = request.getContentType();
		String mediaType = mediaType(contentType);
		if (mediaType.equals(FORM)) {
			return new Body(formFingerprint(body, request), new BufferedBodyRequest(request, body, null, null));
		}
		if (contentType != null && mediaType.startsWith("multipart/")) {
			MultipartBody.Parsed parsed = MultipartBody.parse(body, contentType, headerCharset(request));
			byte[] fingerprint = (parsed.parts() != null) ? MultipartBody.fingerprint(contentType, parsed.parts())
					: body;
			return new Body(fingerprint, new BufferedBodyRequest(request, body, parsed, this.multipartConfig));
		}
		return new Body(body, new BufferedBodyRequest(request, body, null, null));
	}

	/** The media type of a {@code Content-Type}, lowercased, without parameters; empty when there is none. */
	static String mediaType(@Nullable String contentType) {
		if (contentType == null) {
			return "";
		}
		int semicolon = contentType.indexOf(';');
		return ((semicolon >= 0) ? contentType.substring(0, semicolon) : contentType).trim().toLowerCase(Locale.ROOT);
	}

	private static byte[] readAtMost(InputStream in, int limit) throws IOException, TooLargeException {
		byte[] body = in.readNBytes(limit);
		if (body.length == limit && in.read() != -1) {
			throw new TooLargeException();
		}
		return body;
	}

	/**
	 * The form's parameters in canonical order. A body found empty was read before the filter (a filter that
	 * called {@code getParameter}, Spring's {@code FormContentFilter} for {@code PUT}, {@code PATCH} and
	 * {@code DELETE}): the parameters the request already has then stand for it. A malformed form counts as its
	 * bytes.
	 */
	private static byte[] formFingerprint(byte[] body, HttpServletRequest request) {
		try {
			if (body.length == 0) {
				List<Map.Entry<String, String>> parameters = new ArrayList<>();
				request.getParameterMap().forEach((name, values) -> {
					for (String value : values) {
						parameters.add(Map.entry(name, value));
					}
				});
				return FormBody.canonical(parameters);
			}
			return FormBody.canonical(FormBody.parse(body, bodyCharset(request)));
		}
		catch (FormBody.MalformedException | RuntimeException ex) {
			return body;
		}
	}

	/** The request's character encoding, or Tomcat's default for a body, ISO-8859-1. */
	static Charset bodyCharset(HttpServletRequest request) {
		Charset charset = charset(request);
		return (charset != null) ? charset : StandardCharsets.ISO_8859_1;
	}

	private static Charset headerCharset(HttpServletRequest request) {
		Charset charset = charset(request);
		return (charset != null) ? charset : Charset.defaultCharset();
	}

	private static @Nullable Charset charset(HttpServletRequest request) {
		String encoding = request.getCharacterEncoding();
		if (encoding == null) {
			return null;
		}
		try {
			return Charset.forName(encoding.trim());
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

}
