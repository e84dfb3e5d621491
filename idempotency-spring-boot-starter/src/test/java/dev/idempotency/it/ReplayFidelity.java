package dev.idempotency.it;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;

import dev.idempotency.IdempotencySettings;
import dev.idempotency.testsupport.HttpTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checks that the filter is invisible in an answer: the first answer with a key equals the same
 * handler's answer without the filter, and the replay equals the first answer — status, every header but
 * {@code Date}, {@code Content-Length}, the replay marker and the never-replayed ones, and the body bytes.
 */
final class ReplayFidelity {

	private static final Set<String> IGNORED = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);

	static {
		IGNORED.addAll(IdempotencySettings.NEVER_REPLAYED_HEADERS);
		IGNORED.addAll(List.of("Date", "Content-Length", "Idempotent-Replayed"));
	}

	private final HttpTestClient http;

	ReplayFidelity(HttpTestClient http) {
		this.http = http;
	}

	/**
	 * POSTs to {@code plainPath} without a key, then twice to {@code idempotentPath} with one key, and
	 * compares the three answers.
	 * @return the first answer with the key
	 */
	HttpResponse<byte[]> assertFaithful(String idempotentPath, String plainPath, String... headers) {
		String key = UUID.randomUUID().toString();
		HttpResponse<byte[]> plain = this.http.send(post(plainPath, headers).build());
		HttpResponse<byte[]> first = this.http.send(post(idempotentPath, headers).header("Idempotency-Key", key).build());
		HttpResponse<byte[]> replay = this.http.send(post(idempotentPath, headers).header("Idempotency-Key", key).build());
		assertThat(first.headers().firstValue("Idempotent-Replayed")).isEmpty();
		assertThat(replay.headers().firstValue("Idempotent-Replayed")).hasValue("true");
		assertSame("first answer with the filter", first, "answer without the filter", plain);
		assertSame("replay", replay, "first answer", first);
		return first;
	}

	private HttpRequest.Builder post(String path, String... headers) {
		return this.http.request(path, headers)
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("{}"));
	}

	private static void assertSame(String actualName, HttpResponse<byte[]> actual, String expectedName,
			HttpResponse<byte[]> expected) {
		assertThat(actual.statusCode()).as("status of the %s", actualName).isEqualTo(expected.statusCode());
		assertThat(comparedHeaders(actual)).as("headers of the %s against the %s", actualName, expectedName)
			.isEqualTo(comparedHeaders(expected));
		assertThat(actual.body()).as("body of the %s against the %s", actualName, expectedName)
			.isEqualTo(expected.body());
	}

	private static Map<String, List<String>> comparedHeaders(HttpResponse<byte[]> response) {
		Map<String, List<String>> headers = new TreeMap<>();
		response.headers().map().forEach((name, values) -> {
			if (!IGNORED.contains(name)) {
				headers.put(name.toLowerCase(Locale.ROOT), new ArrayList<>(values));
			}
		});
		return headers;
	}

}
