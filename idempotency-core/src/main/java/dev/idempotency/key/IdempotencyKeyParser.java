package dev.idempotency.key;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Parses the {@code Idempotency-Key} request header, whose value is an RFC 8941
 * structured field {@code sf-string} such as {@code Idempotency-Key: "8e03978e"}.
 * <p>
 * In strict mode only the quoted form is accepted. In lenient mode a bare value
 * ({@code Idempotency-Key: 8e03978e}) is also accepted, as long as it consists of
 * printable ASCII characters and contains no comma, double quote or backslash.
 * Either way the resulting key must be between 1 and {@code maxLength} characters
 * long. Rejections are reported as {@link InvalidIdempotencyKeyException} whose
 * message never echoes the key.
 * <p>
 * Instances are immutable and thread-safe.
 */
public final class IdempotencyKeyParser {

	private final boolean lenient;

	private final int maxLength;

	/**
	 * Create a new parser.
	 * @param lenient whether bare (unquoted) values are accepted
	 * @param maxLength the maximum length of the key after unquoting, at least 1
	 * @throws IllegalArgumentException if {@code maxLength} is less than 1
	 */
	public IdempotencyKeyParser(boolean lenient, int maxLength) {
		if (maxLength < 1) {
			throw new IllegalArgumentException("maxLength must be at least 1, but was " + maxLength);
		}
		this.lenient = lenient;
		this.maxLength = maxLength;
	}

	/**
	 * Parse the key from the values of the {@code Idempotency-Key} header fields of a
	 * request.
	 * @param fieldValues the value of every {@code Idempotency-Key} field line of the
	 * request, in order
	 * @return the key, or {@code null} if the request has no {@code Idempotency-Key}
	 * header field
	 * @throws InvalidIdempotencyKeyException if the header is present but invalid
	 */
	public @Nullable String parse(List<String> fieldValues) {
		int fields = fieldValues.size();
		if (fields == 0) {
			return null;
		}
		if (fields > 1) {
			throw new InvalidIdempotencyKeyException("Exactly one Idempotency-Key header field is allowed");
		}
		String value = fieldValues.get(0);
		int start = 0;
		int end = value.length();
		while (start < end && isWhitespace(value.charAt(start))) {
			start++;
		}
		while (end > start && isWhitespace(value.charAt(end - 1))) {
			end--;
		}
		if (start == end) {
			throw new InvalidIdempotencyKeyException("The Idempotency-Key header must not be empty");
		}
		String key = (value.charAt(start) == '"') ? parseQuoted(value, start, end) : parseBare(value, start, end);
		if (key.isEmpty()) {
			throw new InvalidIdempotencyKeyException("The Idempotency-Key must not be empty");
		}
		if (key.length() > this.maxLength) {
			throw new InvalidIdempotencyKeyException(
					"The Idempotency-Key must be at most " + this.maxLength + " characters long");
		}
		return key;
	}

	private static String parseQuoted(String value, int start, int end) {
		char[] unescaped = null;
		int length = 0;
		int i = start + 1;
		while (i < end) {
			char c = value.charAt(i);
			if (c == '"') {
				if (i + 1 != end) {
					throw new InvalidIdempotencyKeyException(
							"The Idempotency-Key header must contain a single quoted string and nothing after it");
				}
				return (unescaped != null) ? new String(unescaped, 0, length) : value.substring(start + 1, i);
			}
			if (c == '\\') {
				if (i + 1 == end) {
					break;
				}
				char escaped = value.charAt(i + 1);
				if (escaped != '"' && escaped != '\\') {
					throw new InvalidIdempotencyKeyException(
							"The Idempotency-Key string may only escape '\"' and '\\' with a backslash");
				}
				if (unescaped == null) {
					unescaped = new char[end - start - 2];
					value.getChars(start + 1, i, unescaped, 0);
				}
				unescaped[length++] = escaped;
				i += 2;
				continue;
			}
			if (!isPrintableAscii(c)) {
				throw new InvalidIdempotencyKeyException(
						"The Idempotency-Key must contain only printable ASCII characters");
			}
			if (unescaped != null) {
				unescaped[length] = c;
			}
			length++;
			i++;
		}
		throw new InvalidIdempotencyKeyException("The Idempotency-Key string is missing its closing double quote");
	}

	private String parseBare(String value, int start, int end) {
		if (!this.lenient) {
			throw new InvalidIdempotencyKeyException(
					"The Idempotency-Key must be a quoted RFC 8941 string, for example Idempotency-Key: \"a1b2c3\"");
		}
		for (int i = start; i < end; i++) {
			char c = value.charAt(i);
			if (c == ',') {
				throw new InvalidIdempotencyKeyException("The Idempotency-Key header must not be a list");
			}
			if (c == '"' || c == '\\') {
				throw new InvalidIdempotencyKeyException(
						"An unquoted Idempotency-Key must not contain '\"' or '\\'");
			}
			if (!isPrintableAscii(c)) {
				throw new InvalidIdempotencyKeyException(
						"The Idempotency-Key must contain only printable ASCII characters");
			}
		}
		return value.substring(start, end);
	}

	private static boolean isWhitespace(char c) {
		return c == ' ' || c == '\t';
	}

	private static boolean isPrintableAscii(char c) {
		return c >= 0x20 && c <= 0x7E;
	}

}
