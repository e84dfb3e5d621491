package dev.idempotency.web;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An {@code application/x-www-form-urlencoded} body decoded as Tomcat decodes it: {@code &}-separated
 * {@code name=value} pairs in order, {@code +} and {@code %XX} decoded in the given charset, empty pairs skipped,
 * a pair without {@code =} a parameter with an empty value. A pair with an empty name, a malformed escape or
 * bytes that are not valid in the charset make the whole body malformed, as in Tomcat 11.
 */
final class FormBody {

	private FormBody() {
	}

	/** The body is not a valid form. */
	static final class MalformedException extends Exception {

		MalformedException(String message) {
			super(message, null, false, false);
		}

	}

	/** The body's parameters, in order. */
	static List<Map.Entry<String, String>> parse(byte[] body, Charset charset) throws MalformedException {
		List<Map.Entry<String, String>> parameters = new ArrayList<>();
		int start = 0;
		while (start <= body.length) {
			int end = indexOf(body, (byte) '&', start);
			if (end > start) {
				int equals = indexOf(body, (byte) '=', start);
				int nameEnd = Math.min(equals, end);
				if (nameEnd == start) {
					throw new MalformedException("A form parameter has no name");
				}
				String name = decode(body, start, nameEnd, charset);
				String value = (equals < end) ? decode(body, equals + 1, end, charset) : "";
				parameters.add(Map.entry(name, value));
			}
			start = end + 1;
		}
		return parameters;
	}

	/**
	 * What the fingerprint covers: every parameter, sorted by name, each name's values in order, so the same
	 * form with its parameters in another order gives the same bytes.
	 */
	static byte[] canonical(List<Map.Entry<String, String>> parameters) {
		TreeMap<String, List<String>> sorted = new TreeMap<>();
		for (Map.Entry<String, String> parameter : parameters) {
			sorted.computeIfAbsent(parameter.getKey(), (name) -> new ArrayList<>()).add(parameter.getValue());
		}
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		sorted.forEach((name, values) -> {
			for (String value : values) {
				Fields.write(out, name.getBytes(StandardCharsets.UTF_8));
				Fields.write(out, value.getBytes(StandardCharsets.UTF_8));
			}
		});
		return out.toByteArray();
	}

	private static int indexOf(byte[] body, byte b, int from) {
		for (int i = from; i < body.length; i++) {
			if (body[i] == b) {
				return i;
			}
		}
		return body.length;
	}

	private static String decode(byte[] body, int start, int end, Charset charset) throws MalformedException {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream(end - start);
		for (int i = start; i < end; i++) {
			byte b = body[i];
			if (b == '+') {
				bytes.write(' ');
			}
			else if (b == '%') {
				if (i + 2 >= end) {
					throw new MalformedException("A form parameter has a truncated %-escape");
				}
				int high = Character.digit(body[i + 1], 16);
				int low = Character.digit(body[i + 2], 16);
				if (high < 0 || low < 0) {
					throw new MalformedException("A form parameter has a malformed %-escape");
				}
				bytes.write((high << 4) | low);
				i += 2;
			}
			else {
				bytes.write(b);
			}
		}
		try {
			return charset.newDecoder()
				.onMalformedInput(CodingErrorAction.REPORT)
				.onUnmappableCharacter(CodingErrorAction.REPORT)
				.decode(ByteBuffer.wrap(bytes.toByteArray()))
				.toString();
		}
		catch (CharacterCodingException ex) {
			throw new MalformedException("A form parameter is not valid " + charset.name());
		}
	}

}
