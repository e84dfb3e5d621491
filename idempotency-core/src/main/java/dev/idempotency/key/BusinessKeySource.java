package dev.idempotency.key;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonPointer;
import tools.jackson.core.JsonToken;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.filter.FilteringParserDelegate;
import tools.jackson.core.filter.JsonPointerBasedFilter;
import tools.jackson.core.filter.TokenFilter;
import tools.jackson.core.json.JsonFactory;

import dev.idempotency.BusinessKey;

/**
 * Where a handler's business key is read from, and the reading: a path variable, a JSON Pointer into the
 * body, a query parameter (of the query string only, never a form field) or a header. A value is a
 * non-empty text of at most the maximum key length; from a JSON body, a string or an integer. A query
 * parameter or header that appears more than once is refused, as is a JSON body with duplicate members.
 * @param kind the kind of source
 * @param name the variable, pointer, parameter or header name
 * @param headerFirst whether an {@code Idempotency-Key} header, when present, is the key instead
 */
public record BusinessKeySource(Kind kind, String name, boolean headerFirst) {

	private static final JsonFactory JSON = JsonFactory.builder()
		.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
		.build();

	/** The kinds of source, each with the label that enters the record id and the messages. */
	public enum Kind {

		PATH_VARIABLE("path variable"), JSON_POINTER("JSON body member"), QUERY_PARAMETER("query parameter"),
		HEADER("header");

		private final String label;

		Kind(String label) {
			this.label = label;
		}

		public String label() {
			return this.label;
		}

	}

	/**
	 * The source an annotation declares, or {@code null} when it declares none.
	 * @throws IllegalArgumentException when it declares more than one, or a malformed JSON Pointer
	 */
	public static @Nullable BusinessKeySource of(BusinessKey businessKey) {
		BusinessKeySource source = null;
		int declared = 0;
		if (!businessKey.pathVariable().isEmpty()) {
			source = new BusinessKeySource(Kind.PATH_VARIABLE, businessKey.pathVariable(), businessKey.headerFirst());
			declared++;
		}
		if (!businessKey.jsonPointer().isEmpty()) {
			try {
				JsonPointer.compile(businessKey.jsonPointer());
			}
			catch (IllegalArgumentException ex) {
				throw new IllegalArgumentException("Invalid JSON Pointer '" + businessKey.jsonPointer()
						+ "' in @BusinessKey: use e.g. /orderId (RFC 6901)", ex);
			}
			if (businessKey.jsonPointer().equals("/") || !businessKey.jsonPointer().startsWith("/")) {
				throw new IllegalArgumentException("@BusinessKey(jsonPointer) must point into the body, e.g. /orderId");
			}
			source = new BusinessKeySource(Kind.JSON_POINTER, businessKey.jsonPointer(), businessKey.headerFirst());
			declared++;
		}
		if (!businessKey.queryParameter().isEmpty()) {
			source = new BusinessKeySource(Kind.QUERY_PARAMETER, businessKey.queryParameter(), businessKey.headerFirst());
			declared++;
		}
		if (!businessKey.header().isEmpty()) {
			source = new BusinessKeySource(Kind.HEADER, businessKey.header(), businessKey.headerFirst());
			declared++;
		}
		if (declared > 1) {
			throw new IllegalArgumentException("@BusinessKey declares " + declared + " sources; declare exactly one");
		}
		if (source == null && businessKey.headerFirst()) {
			throw new IllegalArgumentException("@BusinessKey(headerFirst = true) declares no source");
		}
		return source;
	}

	/** What enters the record id besides the value, e.g. {@code path variable:orderId}. */
	public String id() {
		return this.kind.label + ":" + this.name;
	}

	/** For messages, e.g. {@code the path variable 'orderId'}. */
	public String describe() {
		return "the " + this.kind.label + " '" + this.name + "'";
	}

	/**
	 * Reads the value.
	 * @param pathVariables the request's URI template variables
	 * @param body the buffered request body
	 * @return the value, or {@code null} when the request has none
	 * @throws InvalidIdempotencyKeyException when the value is empty, too long, not a JSON string or
	 * integer, or the body is not JSON
	 */
	public @Nullable String read(HttpServletRequest request, Map<String, String> pathVariables, byte[] body,
			int maxLength) {
		String value = switch (this.kind) {
			case PATH_VARIABLE -> pathVariables.get(this.name);
			case JSON_POINTER -> readJson(body);
			case QUERY_PARAMETER -> single(queryValues(request.getQueryString()));
			case HEADER -> single(Collections.list(request.getHeaders(this.name)));
		};
		if (value == null) {
			return null;
		}
		if (value.isEmpty()) {
			throw new InvalidIdempotencyKeyException("The business key, " + describe() + ", is empty.");
		}
		if (value.length() > maxLength) {
			throw new InvalidIdempotencyKeyException("The business key, " + describe() + ", is longer than "
					+ maxLength + " characters.");
		}
		return value;
	}

	/** The one value, or none; two or more are ambiguous, since the handler might bind another one. */
	private @Nullable String single(List<String> values) {
		if (values.size() > 1) {
			throw new InvalidIdempotencyKeyException("The business key, " + describe() + ", appears "
					+ values.size() + " times; send it once.");
		}
		return values.isEmpty() ? null : values.get(0);
	}

	/** The values of this query parameter, decoded like the servlet container does; form fields never count. */
	private List<String> queryValues(@Nullable String query) {
		List<String> values = new ArrayList<>(1);
		if (query == null || query.isEmpty()) {
			return values;
		}
		try {
			for (String pair : query.split("&")) {
				int equals = pair.indexOf('=');
				String name = URLDecoder.decode((equals >= 0) ? pair.substring(0, equals) : pair, StandardCharsets.UTF_8);
				if (name.equals(this.name)) {
					values.add((equals >= 0) ? URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8) : "");
				}
			}
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidIdempotencyKeyException(
					"The business key, " + describe() + ", cannot be read: the query string is not well encoded.");
		}
		return values;
	}

	/**
	 * The value at the pointer, reading the whole body: a body with a duplicate member name is refused,
	 * since the handler's JSON binding might take another of the duplicates than the key did.
	 */
	private @Nullable String readJson(byte[] body) {
		if (body.length == 0) {
			return null;
		}
		JsonToken found = null;
		String value = null;
		try (JsonParser parser = new FilteringParserDelegate(JSON.createParser(body),
				new JsonPointerBasedFilter(this.name), TokenFilter.Inclusion.ONLY_INCLUDE_ALL, true)) {
			for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
				if (found == null) {
					found = token;
					value = token.isScalarValue() ? parser.getString() : null;
				}
			}
		}
		catch (JacksonException ex) {
			throw new InvalidIdempotencyKeyException("The business key, " + describe()
					+ ", cannot be read: the request body is not valid JSON (or has a duplicate member name).");
		}
		if (found == null || found == JsonToken.VALUE_NULL) {
			return null;
		}
		if (found != JsonToken.VALUE_STRING && found != JsonToken.VALUE_NUMBER_INT) {
			throw new InvalidIdempotencyKeyException(
					"The business key, " + describe() + ", must be a JSON string or integer, not " + found + ".");
		}
		return value;
	}

}
