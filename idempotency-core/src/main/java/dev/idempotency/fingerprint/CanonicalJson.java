package dev.idempotency.fingerprint;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.json.JsonFactory;

/**
 * Canonical form of a single JSON value, in the style of RFC 8785 (JCS).
 * <p>
 * Object members are sorted by name in UTF-16 code unit order, insignificant
 * whitespace is dropped, and strings use only the escapes of ECMAScript
 * {@code JSON.stringify}; everything else is written as literal UTF-8.
 * <p>
 * Numbers deliberately deviate from RFC 8785: they never pass through
 * {@code double}. A number is written as
 * {@code new BigDecimal(text).stripTrailingZeros().toString()}, so {@code 1},
 * {@code 1.0} and {@code 1e0} are equal while values that differ beyond double
 * precision stay different; every zero is written as {@code 0}.
 * <p>
 * Input that is not exactly one well-formed JSON value (syntax error, duplicate
 * member name, trailing content, unpaired surrogate, empty input, or a document
 * beyond Jackson's default {@link tools.jackson.core.StreamReadConstraints}) is
 * rejected with {@link IllegalArgumentException}.
 */
public final class CanonicalJson {

	private static final JsonFactory FACTORY = JsonFactory.builder()
		.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
		.build();

	private static final Object NULL = new Object();

	private static final char[] HEX = "0123456789abcdef".toCharArray();

	private CanonicalJson() {
	}

	/**
	 * Return the canonical UTF-8 form of the given JSON document.
	 * @param json one JSON value, encoded as UTF-8
	 * @return the canonical form as UTF-8 bytes
	 * @throws IllegalArgumentException if {@code json} is not exactly one valid
	 * JSON value
	 */
	public static byte[] canonicalize(byte[] json) {
		Object value;
		try (JsonParser parser = FACTORY.createParser(json)) {
			JsonToken first = parser.nextToken();
			if (first == null) {
				throw new IllegalArgumentException("Empty JSON document");
			}
			value = read(parser, first);
			if (parser.nextToken() != null) {
				throw new IllegalArgumentException("Trailing content after the JSON value");
			}
		}
		catch (JacksonException | NumberFormatException | ArithmeticException ex) {
			throw new IllegalArgumentException("Invalid JSON: " + ex.getMessage(), ex);
		}
		StringBuilder out = new StringBuilder(json.length);
		write(value, out);
		return out.toString().getBytes(StandardCharsets.UTF_8);
	}

	private static Object read(JsonParser parser, @Nullable JsonToken token) {
		if (token == null) {
			throw new IllegalArgumentException("Unexpected end of JSON input");
		}
		return switch (token) {
			case START_OBJECT -> readObject(parser);
			case START_ARRAY -> readArray(parser);
			case VALUE_STRING -> checkedString(parser.getString());
			case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> new BigDecimal(parser.getString()).stripTrailingZeros();
			case VALUE_TRUE -> Boolean.TRUE;
			case VALUE_FALSE -> Boolean.FALSE;
			case VALUE_NULL -> NULL;
			default -> throw new IllegalArgumentException("Unexpected JSON token " + token);
		};
	}

	private static Map<String, Object> readObject(JsonParser parser) {
		Map<String, Object> members = new TreeMap<>();
		JsonToken token;
		while ((token = parser.nextToken()) != JsonToken.END_OBJECT) {
			if (token != JsonToken.PROPERTY_NAME) {
				throw new IllegalArgumentException("Expected a member name but got " + token);
			}
			String name = checkedString(parser.currentName());
			Object value = read(parser, parser.nextToken());
			if (members.put(name, value) != null) {
				throw new IllegalArgumentException("Duplicate member name \"" + name + "\"");
			}
		}
		return members;
	}

	private static List<Object> readArray(JsonParser parser) {
		List<Object> elements = new ArrayList<>();
		JsonToken token;
		while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
			elements.add(read(parser, token));
		}
		return elements;
	}

	private static String checkedString(String value) {
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			if (Character.isHighSurrogate(c) && i + 1 < value.length()
					&& Character.isLowSurrogate(value.charAt(i + 1))) {
				i++;
			}
			else if (Character.isSurrogate(c)) {
				throw new IllegalArgumentException("Unpaired surrogate in JSON string");
			}
		}
		return value;
	}

	@SuppressWarnings("unchecked")
	private static void write(Object value, StringBuilder out) {
		if (value instanceof Map<?, ?> map) {
			out.append('{');
			boolean first = true;
			for (Map.Entry<String, Object> member : ((Map<String, Object>) map).entrySet()) {
				if (!first) {
					out.append(',');
				}
				first = false;
				writeString(member.getKey(), out);
				out.append(':');
				write(member.getValue(), out);
			}
			out.append('}');
		}
		else if (value instanceof List<?> list) {
			out.append('[');
			for (int i = 0; i < list.size(); i++) {
				if (i > 0) {
					out.append(',');
				}
				write(list.get(i), out);
			}
			out.append(']');
		}
		else if (value instanceof String string) {
			writeString(string, out);
		}
		else if (value instanceof BigDecimal number) {
			out.append(number.signum() == 0 ? "0" : number.toString());
		}
		else if (value instanceof Boolean bool) {
			out.append(bool.booleanValue() ? "true" : "false");
		}
		else {
			out.append("null");
		}
	}

	private static void writeString(String value, StringBuilder out) {
		out.append('"');
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			switch (c) {
				case '"' -> out.append("\\\"");
				case '\\' -> out.append("\\\\");
				case '\b' -> out.append("\\b");
				case '\f' -> out.append("\\f");
				case '\n' -> out.append("\\n");
				case '\r' -> out.append("\\r");
				case '\t' -> out.append("\\t");
				default -> {
					if (c < 0x20) {
						out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
					}
					else {
						out.append(c);
					}
				}
			}
		}
		out.append('"');
	}

}
