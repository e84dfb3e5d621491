package dev.idempotency.web;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * A {@code multipart/*} body split at its boundary (RFC 2046): the parts in order, each with its header lines and
 * content, the preamble and epilogue left out. Parsing is as strict as Tomcat's: a boundary line must end with
 * CRLF or {@code --}, and the body must end with the close delimiter.
 */
final class MultipartBody {

	private static final byte[] CRLF = { '\r', '\n' };

	private static final byte[] HEADER_END = { '\r', '\n', '\r', '\n' };

	private MultipartBody() {
	}

	/** The body is not a well-formed multipart body. */
	static final class MalformedException extends Exception {

		MalformedException(String message) {
			super(message, null, false, false);
		}

	}

	/**
	 * One part.
	 * @param headerBlock the header lines as sent, without the blank line that ends them
	 * @param headers the header fields in order, names as sent
	 * @param content the content
	 */
	record RawPart(byte[] headerBlock, List<Map.Entry<String, String>> headers, byte[] content) {

		@Nullable String header(String name) {
			for (Map.Entry<String, String> header : this.headers) {
				if (header.getKey().equalsIgnoreCase(name)) {
					return header.getValue();
				}
			}
			return null;
		}

		/** The {@code name} of a {@code form-data} Content-Disposition, trimmed, as Tomcat reads it. */
		@Nullable String name() {
			String disposition = header("Content-Disposition");
			if (disposition == null || !disposition.toLowerCase(Locale.ROOT).startsWith("form-data")) {
				return null;
			}
			String name = parameters(disposition).get("name");
			return (name != null) ? name.trim() : null;
		}

		/** The {@code filename} of a {@code form-data} or {@code attachment} disposition, as Tomcat reads it. */
		@Nullable String fileName() {
			String disposition = header("Content-Disposition");
			if (disposition == null) {
				return null;
			}
			String lower = disposition.toLowerCase(Locale.ROOT);
			if (!lower.startsWith("form-data") && !lower.startsWith("attachment")) {
				return null;
			}
			Map<String, @Nullable String> parameters = parameters(disposition);
			if (!parameters.containsKey("filename")) {
				return null;
			}
			String fileName = parameters.get("filename");
			return (fileName != null) ? fileName.trim() : "";
		}

	}

	/**
	 * A body's parts, or why it has none.
	 * @param parts the parts, or {@code null} when the body is malformed
	 * @param malformed the reason, when it is
	 */
	record Parsed(@Nullable List<RawPart> parts, @Nullable String malformed) {
	}

	/** The parts of a body of {@code contentType}; header lines are decoded with {@code headerCharset}. */
	static Parsed parse(byte[] body, String contentType, Charset headerCharset) {
		String boundary = boundary(contentType);
		if (boundary == null) {
			return new Parsed(null, "the request was rejected because no multipart boundary was found");
		}
		try {
			return new Parsed(split(body, boundary, headerCharset), null);
		}
		catch (MalformedException ex) {
			return new Parsed(null, ex.getMessage());
		}
	}

	/** The {@code boundary} parameter of a multipart content type, or {@code null}. */
	static @Nullable String boundary(String contentType) {
		String boundary = parameters(contentType).get("boundary");
		return (boundary != null && !boundary.isEmpty()) ? boundary : null;
	}

	/** The parts of {@code body} at {@code boundary}; header lines are decoded with {@code headerCharset}. */
	static List<RawPart> split(byte[] body, String boundary, Charset headerCharset) throws MalformedException {
		byte[] dashBoundary = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
		byte[] delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
		int position = indexOf(body, dashBoundary, 0);
		if (position < 0) {
			throw new MalformedException("the request was rejected because no multipart boundary was found");
		}
		position += dashBoundary.length;
		List<RawPart> parts = new ArrayList<>();
		while (true) {
			if (startsWith(body, position, new byte[] { '-', '-' })) {
				return parts;
			}
			if (!startsWith(body, position, CRLF)) {
				throw new MalformedException("Unexpected characters follow a boundary");
			}
			position += CRLF.length;
			int headerEnd;
			int contentStart;
			if (startsWith(body, position, CRLF)) {
				headerEnd = position;
				contentStart = position + CRLF.length;
			}
			else {
				headerEnd = indexOf(body, HEADER_END, position);
				if (headerEnd < 0) {
					throw new MalformedException("Stream ended unexpectedly");
				}
				contentStart = headerEnd + HEADER_END.length;
			}
			int contentEnd = indexOf(body, delimiter, contentStart);
			if (contentEnd < 0) {
				throw new MalformedException("Stream ended unexpectedly");
			}
			byte[] headerBlock = slice(body, position, headerEnd);
			parts.add(new RawPart(headerBlock, headers(new String(headerBlock, headerCharset)),
					slice(body, contentStart, contentEnd)));
			position = contentEnd + delimiter.length;
		}
	}

	/**
	 * What the fingerprint covers: the media type without its parameters, then each part's header lines and
	 * content in order, so neither the boundary nor the preamble or epilogue count, and every part does,
	 * named or not.
	 */
	static byte[] fingerprint(String contentType, List<RawPart> parts) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		int semicolon = contentType.indexOf(';');
		String mediaType = ((semicolon >= 0) ? contentType.substring(0, semicolon) : contentType).trim()
			.toLowerCase(Locale.ROOT);
		Fields.write(out, mediaType.getBytes(StandardCharsets.UTF_8));
		for (RawPart part : parts) {
			Fields.write(out, part.headerBlock());
			Fields.write(out, part.content());
		}
		return out.toByteArray();
	}

	/** Header lines, a line that starts with a space or tab continuing the one before. */
	private static List<Map.Entry<String, String>> headers(String block) {
		List<Map.Entry<String, String>> headers = new ArrayList<>();
		String name = null;
		StringBuilder value = new StringBuilder();
		for (String line : block.split("\r\n")) {
			if (!line.isEmpty() && (line.charAt(0) == ' ' || line.charAt(0) == '\t') && name != null) {
				value.append(' ').append(line.trim());
				continue;
			}
			if (name != null) {
				headers.add(Map.entry(name, value.toString()));
			}
			int colon = line.indexOf(':');
			name = (colon > 0) ? line.substring(0, colon).trim() : null;
			value.setLength(0);
			if (name != null) {
				value.append(line.substring(colon + 1).trim());
			}
		}
		if (name != null) {
			headers.add(Map.entry(name, value.toString()));
		}
		return headers;
	}

	/** The {@code ;}-separated parameters of a header value, names lowercased, quoted values unquoted. */
	static Map<String, @Nullable String> parameters(String headerValue) {
		Map<String, @Nullable String> parameters = new HashMap<>();
		int i = headerValue.indexOf(';');
		while (i >= 0 && i < headerValue.length()) {
			int start = i + 1;
			int equals = -1;
			StringBuilder value = null;
			boolean quoted = false;
			int end = start;
			while (end < headerValue.length()) {
				char c = headerValue.charAt(end);
				if (value == null) {
					if (c == ';') {
						break;
					}
					if (c == '=') {
						equals = end;
						value = new StringBuilder();
					}
				}
				else if (quoted) {
					if (c == '\\' && end + 1 < headerValue.length()) {
						value.append(headerValue.charAt(++end));
					}
					else if (c == '"') {
						quoted = false;
					}
					else {
						value.append(c);
					}
				}
				else if (c == '"') {
					quoted = true;
				}
				else if (c == ';') {
					break;
				}
				else {
					value.append(c);
				}
				end++;
			}
			String name = headerValue.substring(start, (equals >= 0) ? equals : end).trim().toLowerCase(Locale.ROOT);
			if (!name.isEmpty()) {
				parameters.putIfAbsent(name, (value != null) ? value.toString().trim() : null);
			}
			i = end;
		}
		return parameters;
	}

	private static byte[] slice(byte[] body, int start, int end) {
		byte[] slice = new byte[end - start];
		System.arraycopy(body, start, slice, 0, slice.length);
		return slice;
	}

	private static boolean startsWith(byte[] body, int position, byte[] prefix) {
		if (position + prefix.length > body.length) {
			return false;
		}
		for (int i = 0; i < prefix.length; i++) {
			if (body[position + i] != prefix[i]) {
				return false;
			}
		}
		return true;
	}

	private static int indexOf(byte[] body, byte[] pattern, int from) {
		for (int i = from; i <= body.length - pattern.length; i++) {
			if (startsWith(body, i, pattern)) {
				return i;
			}
		}
		return -1;
	}

}
