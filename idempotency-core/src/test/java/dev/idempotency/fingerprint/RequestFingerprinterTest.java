package dev.idempotency.fingerprint;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class RequestFingerprinterTest {

	private static final Function<String, List<String>> NO_HEADERS = (name) -> List.of();

	private final RequestFingerprinter fingerprinter = new RequestFingerprinter(List.of());

	@Test
	void spec4_fingerprintIsVersionedUnpaddedBase64UrlSha256() {
		String fingerprint = json("{}");
		assertThat(fingerprint).startsWith("v1:").matches("v1:[A-Za-z0-9_-]{43}");
		assertThat(RequestFingerprinter.VERSION).isEqualTo("v1");
	}

	@Test
	void spec4_formAndMultipartFingerprintsAreVersionTwoSoRecordsOfTheEarlierDigestStillReplay() {
		byte[] body = "a=1".getBytes(java.nio.charset.StandardCharsets.UTF_8);
		String form = this.fingerprinter.fingerprint("POST", "/f", "/f", "application/x-www-form-urlencoded", body,
				NO_HEADERS);
		String multipart = this.fingerprinter.fingerprint("POST", "/f", "/f", "multipart/related; boundary=x", body,
				NO_HEADERS);
		String raw = this.fingerprinter.fingerprint("POST", "/f", "/f", "text/plain", body, NO_HEADERS);
		assertThat(form).startsWith("v2:");
		assertThat(multipart).startsWith("v2:");
		assertThat(raw).startsWith("v1:");
		assertThat(RequestFingerprinter.matches("v1:recordOfTheEarlierFormDigest", form)).isTrue();
	}

	@Test
	void spec4_fingerprintIsDeterministic() {
		assertThat(json("{\"a\":1}")).isEqualTo(json("{\"a\":1}"));
	}

	@Test
	void spec4_reorderedJsonBodyHasTheSameFingerprint() {
		assertThat(json("{\"amount\":10.00,\"currency\":\"EUR\",\"tags\":[\"a\",\"b\"]}"))
			.isEqualTo(json("{ \"tags\" : [\"a\", \"b\"],\n\t\"currency\":\"EUR\", \"amount\": 1e1 }"));
	}

	@Test
	void spec4_differentJsonBodyHasADifferentFingerprint() {
		assertThat(json("{\"amount\":10.00}")).isNotEqualTo(json("{\"amount\":10.01}"));
		assertThat(json("[\"a\",\"b\"]")).isNotEqualTo(json("[\"b\",\"a\"]"));
	}

	@ParameterizedTest
	@ValueSource(strings = { "application/json", "application/problem+json", "application/json; charset=utf-8",
			"APPLICATION/JSON", "Application/Merge-Patch+JSON;charset=UTF-8", " application/vnd.api+json " })
	void spec4_jsonMediaTypesAreCanonicalized(String contentType) {
		assertThat(fingerprint("POST", "/orders", contentType, "{ \"b\":1, \"a\":2 }"))
			.isEqualTo(fingerprint("POST", "/orders", contentType, "{\"a\":2,\"b\":1}"));
	}

	@ParameterizedTest
	@ValueSource(strings = { "text/plain", "application/xml", "application/jsonp", "application/json-seq",
			"application/+json", "json" })
	void spec4_nonJsonMediaTypesAreDigestedAsRawBytes(String contentType) {
		assertThat(fingerprint("POST", "/orders", contentType, "{ \"b\":1, \"a\":2 }"))
			.isNotEqualTo(fingerprint("POST", "/orders", contentType, "{\"a\":2,\"b\":1}"));
	}

	@Test
	void spec4_whitespaceMattersForPlainText() {
		assertThat(fingerprint("POST", "/notes", "text/plain", "hello world"))
			.isNotEqualTo(fingerprint("POST", "/notes", "text/plain", "hello  world"));
	}

	@Test
	void spec4_missingContentTypeDigestsRawBytes() {
		assertThat(fingerprint("POST", "/orders", null, "{\"a\":1}"))
			.isEqualTo(fingerprint("POST", "/orders", "text/plain", "{\"a\":1}"))
			.isNotEqualTo(fingerprint("POST", "/orders", null, "{ \"a\":1}"));
	}

	@Test
	void spec4_invalidJsonBodyFallsBackToRawBytes() {
		String invalid = "{\"a\":1,\"a\":2}";
		assertThat(fingerprint("POST", "/orders", "application/json", invalid))
			.isEqualTo(fingerprint("POST", "/orders", "application/json", invalid))
			.isEqualTo(fingerprint("POST", "/orders", "text/plain", invalid))
			.isNotEqualTo(fingerprint("POST", "/orders", "application/json", "{\"a\":1, \"a\":2}"));
		assertThat(fingerprint("POST", "/orders", "application/json", ""))
			.isEqualTo(fingerprint("POST", "/orders", null, ""));
	}

	@Test
	void spec4_rawBodyNeverCollidesWithCanonicalJson() {
		assertThat(fingerprint("POST", "/orders", "text/plain", "{\"a\":1}"))
			.isNotEqualTo(fingerprint("POST", "/orders", "application/json", "{\"a\":1}"));
	}

	@ParameterizedTest
	@CsvSource({ "POST, /orders, PUT, /orders", "POST, /orders, POST, /payments", "POST, /orders, post, /orders",
			"POST, /a/b, POST, /a", "POST, /orders, POST/, orders" })
	void spec4_differentMethodOrRouteHasADifferentFingerprint(String method1, String route1, String method2,
			String route2) {
		assertThat(fingerprint(method1, route1, "application/json", "{}"))
			.isNotEqualTo(fingerprint(method2, route2, "application/json", "{}"));
	}

	@Test
	void spec4_fieldBoundariesAreUnambiguous() {
		assertThat(fingerprint("POST", "/ab", "text/plain", "c"))
			.isNotEqualTo(fingerprint("POST", "/a", "text/plain", "bc"));
	}

	@Test
	void spec4_configuredHeaderIsIncluded() {
		RequestFingerprinter withTenant = new RequestFingerprinter(List.of("X-Tenant-Id"));
		assertThat(withHeaders(withTenant, Map.of("x-tenant-id", List.of("acme"))))
			.isEqualTo(withHeaders(withTenant, Map.of("x-tenant-id", List.of("acme"))))
			.isNotEqualTo(withHeaders(withTenant, Map.of("x-tenant-id", List.of("globex"))))
			.isNotEqualTo(withHeaders(withTenant, Map.of()));
	}

	@Test
	void spec4_configuredHeaderValuesAreOrderedAndUnambiguous() {
		RequestFingerprinter withAccept = new RequestFingerprinter(List.of("accept"));
		assertThat(withHeaders(withAccept, Map.of("accept", List.of("a", "b"))))
			.isNotEqualTo(withHeaders(withAccept, Map.of("accept", List.of("b", "a"))))
			.isNotEqualTo(withHeaders(withAccept, Map.of("accept", List.of("a,b"))))
			.isNotEqualTo(withHeaders(withAccept, Map.of("accept", List.of("ab"))));
		assertThat(withHeaders(withAccept, Map.of("accept", List.of(""))))
			.isNotEqualTo(withHeaders(withAccept, Map.of()));
	}

	@Test
	void spec4_headerNamesAreCaseInsensitive() {
		RequestFingerprinter upper = new RequestFingerprinter(List.of("X-Tenant-Id", "Accept-Language"));
		RequestFingerprinter lower = new RequestFingerprinter(List.of("accept-language", "x-tenant-id", "X-TENANT-ID"));
		Map<String, List<String>> headers = Map.of("x-tenant-id", List.of("acme"), "accept-language", List.of("de"));
		assertThat(upper.getFingerprintedHeaders()).containsExactly("accept-language", "x-tenant-id");
		assertThat(lower.getFingerprintedHeaders()).containsExactly("accept-language", "x-tenant-id");
		assertThat(withHeaders(upper, headers)).isEqualTo(withHeaders(lower, headers));
	}

	@Test
	void spec4_unconfiguredHeaderIsIgnored() {
		RequestFingerprinter withTenant = new RequestFingerprinter(List.of("x-tenant-id"));
		assertThat(withHeaders(withTenant, Map.of("x-tenant-id", List.of("acme"), "x-trace-id", List.of("1"))))
			.isEqualTo(withHeaders(withTenant, Map.of("x-tenant-id", List.of("acme"), "x-trace-id", List.of("2"))));
		assertThat(withHeaders(this.fingerprinter, Map.of("x-trace-id", List.of("1"))))
			.isEqualTo(withHeaders(this.fingerprinter, Map.of()));
	}

	@Test
	void spec4_matchesComparesFingerprintsOfTheSameVersion() {
		assertThat(RequestFingerprinter.matches("v1:abc", "v1:abc")).isTrue();
		assertThat(RequestFingerprinter.matches("v1:abc", "v1:abd")).isFalse();
		assertThat(RequestFingerprinter.matches(json("{\"a\":1}"), json("{\"a\":1.0}"))).isTrue();
		assertThat(RequestFingerprinter.matches(json("{\"a\":1}"), json("{\"a\":2}"))).isFalse();
	}

	@ParameterizedTest
	@ValueSource(strings = { "v0:abc", "v2:xyz", "legacyhash", "", ":abc" })
	void spec4_matchesAcceptsAStoredFingerprintOfAnotherOrNoVersion(String stored) {
		assertThat(RequestFingerprinter.matches(stored, json("{}"))).isTrue();
	}

	@Test
	void spec4_requestsDifferingOnlyInAPathVariableOrQueryHaveDifferentFingerprints() {
		byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
		String account1 = this.fingerprinter.fingerprint("POST", "/accounts/{id}/payments", "/accounts/1/payments",
				"application/json", body, NO_HEADERS);
		String account2 = this.fingerprinter.fingerprint("POST", "/accounts/{id}/payments", "/accounts/2/payments",
				"application/json", body, NO_HEADERS);
		String withQuery = this.fingerprinter.fingerprint("POST", "/accounts/{id}/payments", "/accounts/1/payments?x=1",
				"application/json", body, NO_HEADERS);
		assertThat(account1).isNotEqualTo(account2).isNotEqualTo(withQuery);
	}

	private String json(String body) {
		return fingerprint("POST", "/orders", "application/json", body);
	}

	private String fingerprint(String method, String route, @Nullable String contentType, String body) {
		return this.fingerprinter.fingerprint(method, route, route, contentType, body.getBytes(StandardCharsets.UTF_8),
				NO_HEADERS);
	}

	private static String withHeaders(RequestFingerprinter fingerprinter, Map<String, List<String>> headers) {
		return fingerprinter.fingerprint("POST", "/orders", "/orders", "application/json", "{}".getBytes(StandardCharsets.UTF_8),
				(name) -> headers.getOrDefault(name, List.of()));
	}

}
