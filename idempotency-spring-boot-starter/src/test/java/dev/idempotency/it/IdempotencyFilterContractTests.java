package dev.idempotency.it;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.idempotency.store.IdempotencyStore;
import dev.idempotency.testsupport.HttpTestClient;

import static dev.idempotency.testsupport.HttpTestClient.basic;
import static dev.idempotency.testsupport.HttpTestClient.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The behaviour contract (shared/spec/semantics.md) checked over real HTTP against the embedded server,
 * for every store. Test names start with the section they check.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "idempotency.lease=1s", "idempotency.max-request-body=64KB", "idempotency.max-response-body=64KB",
				"idempotency.replayed-headers=X-Request-Id", "idempotency.tokens.enabled=true",
				"idempotency.tokens.path=/it/secure/idempotency-tokens" })
abstract class IdempotencyFilterContractTests implements KeyMechanismsContract {

	@LocalServerPort
	int port;

	@Autowired
	TestApplication.Executions executions;

	@Autowired
	IdempotencyStore store;

	@Autowired
	io.micrometer.core.instrument.MeterRegistry meters;

	HttpTestClient http;

	@BeforeEach
	void client() {
		this.http = new HttpTestClient(this.port);
	}

	CountingStore counting() {
		return (CountingStore) this.store;
	}

	@Override
	public HttpTestClient http() {
		return this.http;
	}

	@Override
	public TestApplication.Executions executions() {
		return this.executions;
	}

	@Override
	public CountingStore countingStore() {
		return counting();
	}

	static String newKey() {
		return UUID.randomUUID().toString();
	}

	static boolean replayed(HttpResponse<?> response) {
		return response.headers().firstValue("Idempotent-Replayed").isPresent();
	}

	@Test
	void spec1_unannotatedHandlerPassesThroughWithoutStoreCall() {
		String key = newKey();
		int before = counting().total();
		HttpResponse<byte[]> first = this.http.post("/it/plain", "{}", "Idempotency-Key", key);
		HttpResponse<byte[]> second = this.http.post("/it/plain", "{}", "Idempotency-Key", key);
		HttpResponse<byte[]> get = this.http.send(this.http.request("/it/plain", "Idempotency-Key", "a,b").GET().build());
		assertThat(text(first)).isEqualTo("plain run 1");
		assertThat(text(second)).isEqualTo("plain run 2");
		assertThat(get.statusCode()).isEqualTo(200);
		assertThat(replayed(second)).isFalse();
		assertThat(counting().total()).isEqualTo(before);
	}

	@Test
	void spec2_missingKeyOnRequiredHandlerIs400ProblemAndNeverTouchesTheStore() {
		int before = counting().total();
		HttpResponse<byte[]> response = this.http.post("/it/payments", "{\"amount\":\"10.00\"}");
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
		assertThat(text(response)).contains("\"type\":\"https://idempotency.dev/problems/missing-key\"")
			.contains("\"status\":400");
		assertThat(counting().total()).isEqualTo(before);
	}

	@ParameterizedTest
	@ValueSource(strings = { "a,b", "\"a\", \"b\"", "\"unterminated", "\"bad\\escape\"", "\"x\";param=1", "\"\"",
			"TOO_LONG" })
	void spec2_invalidKeysAre400AndNeverTouchTheStore(String key) {
		String value = key.equals("TOO_LONG") ? "k".repeat(256) : key;
		int before = counting().total();
		HttpResponse<byte[]> response = this.http.postWithKey("/it/payments", value, "{}");
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(text(response)).contains("https://idempotency.dev/problems/invalid-key").doesNotContain(value);
		assertThat(counting().total()).isEqualTo(before);
	}

	@Test
	void spec2_twoKeyHeaderFieldsAre400() {
		HttpResponse<byte[]> response = this.http.post("/it/payments", "{}", "Idempotency-Key", newKey(),
				"Idempotency-Key", newKey());
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(text(response)).contains("invalid-key");
	}

	@Test
	void spec2_quotedAndBareFormsOfOneKeyAreOneRecord() {
		String key = newKey();
		HttpResponse<byte[]> bare = this.http.postWithKey("/it/payments", key, "{\"amount\":\"1\"}");
		HttpResponse<byte[]> quoted = this.http.postWithKey("/it/payments", "\"" + key + "\"", "{\"amount\":\"1\"}");
		assertThat(bare.statusCode()).isEqualTo(201);
		assertThat(replayed(quoted)).isTrue();
		assertThat(quoted.body()).isEqualTo(bare.body());
	}

	@Test
	void spec2_optionalKeyRunsWithoutIdempotency() {
		assertThat(text(this.http.post("/it/optional", "{}"))).isEqualTo("optional run 1");
		assertThat(text(this.http.post("/it/optional", "{}"))).isEqualTo("optional run 2");
		String key = newKey();
		this.http.postWithKey("/it/optional", key, "{}");
		HttpResponse<byte[]> again = this.http.postWithKey("/it/optional", key, "{}");
		assertThat(replayed(again)).isTrue();
		assertThat(this.executions.count("optional", key)).isEqualTo(1);
	}

	@Test
	void spec3_twoPrincipalsWithOneKeyDoNotShareRecords() {
		String key = newKey();
		HttpResponse<byte[]> alice = this.http.postWithKey("/it/payments", key, "{}", "Authorization", basic("alice"));
		HttpResponse<byte[]> bob = this.http.postWithKey("/it/payments", key, "{}", "Authorization", basic("bob"));
		HttpResponse<byte[]> anonymous = this.http.postWithKey("/it/payments", key, "{}");
		HttpResponse<byte[]> aliceAgain = this.http.postWithKey("/it/payments", key, "{}", "Authorization", basic("alice"));
		assertThat(text(alice)).contains("\"principal\":\"alice\"");
		assertThat(text(bob)).contains("\"principal\":\"bob\"");
		assertThat(text(anonymous)).contains("\"principal\":\"anonymous\"");
		assertThat(replayed(bob) || replayed(anonymous)).isFalse();
		assertThat(replayed(aliceAgain)).isTrue();
		assertThat(aliceAgain.body()).isEqualTo(alice.body());
		assertThat(this.executions.count("payments", key)).isEqualTo(3);
	}

	@Test
	void spec4_sameJsonWithOtherMemberOrderAndSpacingReplays() {
		String key = newKey();
		HttpResponse<byte[]> first = this.http.postWithKey("/it/payments", key, "{\"amount\":\"10.00\",\"to\":\"x\"}");
		HttpResponse<byte[]> reordered = this.http.postWithKey("/it/payments", key,
				"{ \"to\" : \"x\",\n  \"amount\" : \"10.00\" }");
		assertThat(replayed(reordered)).isTrue();
		assertThat(reordered.body()).isEqualTo(first.body());
		assertThat(this.executions.count("payments", key)).isEqualTo(1);
	}

	@Test
	void spec4_keyReusedWithAnotherBodyIs422AndHandlerDoesNotRun() {
		String key = newKey();
		this.http.postWithKey("/it/payments", key, "{\"amount\":\"10.00\"}");
		HttpResponse<byte[]> other = this.http.postWithKey("/it/payments", key, "{\"amount\":\"99.00\"}");
		assertThat(other.statusCode()).isEqualTo(422);
		assertThat(other.headers().firstValue("Content-Type")).hasValue("application/problem+json");
		assertThat(text(other)).contains("https://idempotency.dev/problems/key-reused");
		assertThat(replayed(other)).isFalse();
		assertThat(this.executions.count("payments", key)).isEqualTo(1);
	}

	@Test
	void spec3_sameKeyOnAnotherRouteIsAnotherRecord() {
		String key = newKey();
		this.http.postWithKey("/it/payments", key, "{}");
		HttpResponse<byte[]> other = this.http.postWithKey("/it/refusals", key, "{}");
		assertThat(other.statusCode()).isEqualTo(402);
		assertThat(replayed(other)).isFalse();
		assertThat(this.executions.count("refusals", key)).isEqualTo(1);
	}

	@Test
	void spec4_keyReusedWithAnotherPathVariableIs422() {
		String key = newKey();
		HttpResponse<byte[]> first = this.http.postWithKey("/it/missing/1", key, "{}");
		HttpResponse<byte[]> other = this.http.postWithKey("/it/missing/2", key, "{}");
		assertThat(first.statusCode()).isEqualTo(404);
		assertThat(other.statusCode()).isEqualTo(422);
		assertThat(text(other)).contains("https://idempotency.dev/problems/key-reused");
		assertThat(this.executions.count("missing", key)).isEqualTo(1);
	}

	@Test
	void spec5_firstCallAndReplayAreIdentical() {
		String key = newKey();
		HttpResponse<byte[]> first = this.http.postWithKey("/it/payments", key, "{\"amount\":\"10.00\"}");
		HttpResponse<byte[]> replay = this.http.postWithKey("/it/payments", key, "{\"amount\":\"10.00\"}");
		assertThat(first.statusCode()).isEqualTo(201);
		assertThat(replay.statusCode()).isEqualTo(201);
		assertThat(replay.body()).isEqualTo(first.body());
		for (String header : List.of("Location", "Content-Type", "X-Request-Id", "Cache-Control")) {
			assertThat(replay.headers().allValues(header)).as(header).isEqualTo(first.headers().allValues(header));
		}
		assertThat(first.headers().firstValue("Idempotent-Replayed")).isEmpty();
		assertThat(replay.headers().firstValue("Idempotent-Replayed")).hasValue("true");
		assertThat(this.executions.count("payments", key)).isEqualTo(1);
	}

	@Test
	void spec5_firstExecutionCostsOneClaimAndOneCompletionAndReplayOneClaim() {
		String key = newKey();
		int claims = counting().claims.get();
		int completions = counting().completions.get();
		this.http.postWithKey("/it/payments", key, "{}");
		assertThat(counting().claims.get() - claims).isEqualTo(1);
		assertThat(counting().completions.get() - completions).isEqualTo(1);
		this.http.postWithKey("/it/payments", key, "{}");
		assertThat(counting().claims.get() - claims).isEqualTo(2);
		assertThat(counting().completions.get() - completions).isEqualTo(1);
	}

	@Test
	void spec5_slowHandlerKeepsItsLeaseThroughHeartbeats() throws Exception {
		String key = newKey();
		String gate = newKey();
		int extensions = counting().leaseExtensions.get();
		ExecutorService executor = Executors.newSingleThreadExecutor();
		try {
			Future<HttpResponse<byte[]>> first = executor.submit(() -> this.http.postWithKey("/it/slow/" + gate, key, "{}"));
			awaitExecutions("slow", key, 1);
			Thread.sleep(2500);
			HttpResponse<byte[]> duplicate = this.http.postWithKey("/it/slow/" + gate, key, "{}");
			assertThat(duplicate.statusCode()).as("still in flight after more than twice the 1 s lease").isEqualTo(409);
			assertThat(counting().leaseExtensions.get()).isGreaterThan(extensions);
			assertThat(this.meters.get("idempotency.lease.extensions").counter().count()).isPositive();
			TestController.gates.get(gate).countDown();
			assertThat(first.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
		}
		finally {
			TestController.gates.computeIfAbsent(gate, (g) -> new CountDownLatch(1)).countDown();
			executor.shutdownNow();
		}
		assertThat(this.executions.count("slow", key)).isEqualTo(1);
	}

	@Test
	void spec6_inFlightDuplicateGets409WithRetryAfterThenReplay() throws Exception {
		String key = newKey();
		String gate = newKey();
		ExecutorService executor = Executors.newSingleThreadExecutor();
		try {
			Future<HttpResponse<byte[]>> first = executor.submit(() -> this.http.postWithKey("/it/slow/" + gate, key, "{}"));
			awaitExecutions("slow", key, 1);
			HttpResponse<byte[]> duplicate = this.http.postWithKey("/it/slow/" + gate, key, "{}");
			assertThat(duplicate.statusCode()).isEqualTo(409);
			assertThat(duplicate.headers().firstValue("Retry-After")).hasValue("1");
			assertThat(duplicate.headers().firstValue("Content-Type")).hasValue("application/problem+json");
			assertThat(text(duplicate)).contains("\"type\":\"https://idempotency.dev/problems/in-progress\"")
				.contains("\"title\":")
				.contains("\"status\":409")
				.contains("\"detail\":")
				.contains("\"instance\":\"/it/slow/" + gate + "\"");
			TestController.gates.computeIfAbsent(gate, (g) -> new CountDownLatch(1)).countDown();
			HttpResponse<byte[]> original = first.get(30, TimeUnit.SECONDS);
			HttpResponse<byte[]> replay = this.http.postWithKey("/it/slow/" + gate, key, "{}");
			assertThat(replayed(replay)).isTrue();
			assertThat(replay.body()).isEqualTo(original.body());
		}
		finally {
			TestController.gates.computeIfAbsent(gate, (g) -> new CountDownLatch(1)).countDown();
			executor.shutdownNow();
		}
		assertThat(this.executions.count("slow", key)).isEqualTo(1);
	}

	@Test
	void spec6_sixtyFourConcurrentRequestsWithOneKeyRunTheHandlerOnce() throws Exception {
		String key = newKey();
		int threads = 64;
		CyclicBarrier start = new CyclicBarrier(threads);
		ExecutorService executor = Executors.newFixedThreadPool(threads);
		List<Future<HttpResponse<byte[]>>> futures = new ArrayList<>();
		try {
			for (int i = 0; i < threads; i++) {
				futures.add(executor.submit(() -> {
					start.await(30, TimeUnit.SECONDS);
					return this.http.postWithKey("/it/payments", key, "{\"amount\":\"5.00\"}");
				}));
			}
			int executed = 0;
			int replays = 0;
			int conflicts = 0;
			byte[] body = null;
			for (Future<HttpResponse<byte[]>> future : futures) {
				HttpResponse<byte[]> response = future.get(60, TimeUnit.SECONDS);
				if (response.statusCode() == 409) {
					conflicts++;
				}
				else {
					assertThat(response.statusCode()).isEqualTo(201);
					if (replayed(response)) {
						replays++;
					}
					else {
						executed++;
						body = response.body();
					}
				}
			}
			assertThat(executed).isEqualTo(1);
			assertThat(executed + replays + conflicts).isEqualTo(threads);
			assertThat(this.executions.count("payments", key)).isEqualTo(1);
			HttpResponse<byte[]> after = this.http.postWithKey("/it/payments", key, "{\"amount\":\"5.00\"}");
			assertThat(after.body()).isEqualTo(body);
		}
		finally {
			executor.shutdownNow();
		}
	}

	@Test
	void spec7_businessRefusal4xxIsStoredAndReplayed() {
		String key = newKey();
		HttpResponse<byte[]> first = this.http.postWithKey("/it/refusals", key, "{}");
		HttpResponse<byte[]> replay = this.http.postWithKey("/it/refusals", key, "{}");
		assertThat(first.statusCode()).isEqualTo(402);
		assertThat(replay.statusCode()).isEqualTo(402);
		assertThat(replayed(replay)).isTrue();
		assertThat(replay.body()).isEqualTo(first.body());
		assertThat(this.executions.count("refusals", key)).isEqualTo(1);
	}

	@Test
	void spec7_serverErrorIsReleasedAndTheRetryRunsAgain() {
		String key = newKey();
		HttpResponse<byte[]> first = this.http.postWithKey("/it/failures", key, "{}");
		HttpResponse<byte[]> retry = this.http.postWithKey("/it/failures", key, "{}");
		assertThat(first.statusCode()).isEqualTo(502);
		assertThat(text(first)).contains("\"run\":1");
		assertThat(retry.statusCode()).isEqualTo(502);
		assertThat(text(retry)).contains("\"run\":2");
		assertThat(replayed(retry)).isFalse();
	}

	@Test
	void spec7_exceptionIsReleasedAndTheRetryRunsAgain() {
		String key = newKey();
		HttpResponse<byte[]> first = this.http.postWithKey("/it/exceptions", key, "{}");
		HttpResponse<byte[]> retry = this.http.postWithKey("/it/exceptions", key, "{}");
		assertThat(first.statusCode()).isEqualTo(500);
		assertThat(retry.statusCode()).isEqualTo(500);
		assertThat(replayed(retry)).isFalse();
		assertThat(this.executions.count("exceptions", key)).isEqualTo(2);
	}

	@Test
	void spec7_errorPageOfSendErrorIsStoredAndReplayed() {
		String key = newKey();
		HttpResponse<byte[]> first = this.http.postWithKey("/it/missing/42", key, "{}");
		HttpResponse<byte[]> replay = this.http.postWithKey("/it/missing/42", key, "{}");
		assertThat(first.statusCode()).isEqualTo(404);
		assertThat(replay.statusCode()).isEqualTo(404);
		assertThat(replayed(replay)).isTrue();
		assertThat(replay.body()).isEqualTo(first.body());
		assertThat(this.executions.count("missing", key)).isEqualTo(1);
	}

	@Test
	void spec7_unauthorizedRequestNeverClaimsTheKey() {
		String key = newKey();
		int claims = counting().claims.get();
		HttpResponse<byte[]> anonymous = this.http.postWithKey("/it/secure/payments", key, "{}");
		HttpResponse<byte[]> wrongPassword = this.http.postWithKey("/it/secure/payments", key, "{}", "Authorization",
				"Basic " + java.util.Base64.getEncoder().encodeToString("alice:nope".getBytes()));
		assertThat(anonymous.statusCode()).isEqualTo(401);
		assertThat(wrongPassword.statusCode()).isEqualTo(401);
		assertThat(counting().claims.get()).isEqualTo(claims);
		HttpResponse<byte[]> alice = this.http.postWithKey("/it/secure/payments", key, "{}", "Authorization", basic("alice"));
		assertThat(alice.statusCode()).isEqualTo(201);
		assertThat(replayed(alice)).isFalse();
		assertThat(this.executions.count("secure", key)).isEqualTo(1);
	}

	@Test
	void spec7_asyncTimeoutIsAnUnknownOutcomeThatKeepsTheLease() {
		String key = newKey();
		HttpResponse<byte[]> first = this.http.postWithKey("/it/never", key, "{}");
		HttpResponse<byte[]> retry = this.http.postWithKey("/it/never", key, "{}");
		assertThat(first.statusCode()).isEqualTo(503);
		assertThat(replayed(first)).isFalse();
		assertThat(retry.statusCode()).isEqualTo(409);
		assertThat(text(retry)).contains("https://idempotency.dev/problems/in-progress");
		assertThat(this.executions.count("never", key)).isEqualTo(1);
	}

	@Test
	void spec8_setCookieIsNeverReplayedAndAllowlistedHeadersAre() {
		String key = newKey();
		HttpResponse<byte[]> first = this.http.postWithKey("/it/payments", key, "{}");
		HttpResponse<byte[]> replay = this.http.postWithKey("/it/payments", key, "{}");
		assertThat(first.headers().firstValue("Set-Cookie")).isPresent();
		assertThat(replay.headers().firstValue("Set-Cookie")).isEmpty();
		assertThat(replay.headers().firstValue("Location")).isEqualTo(first.headers().firstValue("Location"));
		assertThat(replay.headers().firstValue("X-Request-Id")).isEqualTo(first.headers().firstValue("X-Request-Id"));
	}

	@Test
	void spec11_requestBodyAboveTheLimitIs413AndNeverClaimed() {
		int claims = counting().claims.get();
		HttpResponse<byte[]> response = this.http.postWithKey("/it/echo", newKey(), "\"" + "x".repeat(70 * 1024) + "\"");
		assertThat(response.statusCode()).isEqualTo(413);
		assertThat(text(response)).contains("https://idempotency.dev/problems/request-too-large");
		assertThat(counting().claims.get()).isEqualTo(claims);
	}

	@Test
	void spec11_chunkedRequestBodyAboveTheLimitIs413() {
		byte[] big = new byte[70 * 1024];
		HttpRequest request = this.http.request("/it/echo", "Idempotency-Key", newKey(), "Content-Type", "text/plain")
			.POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(big)))
			.build();
		assertThat(this.http.send(request).statusCode()).isEqualTo(413);
	}

	@Test
	void spec11_oversizedAnswerIsDeliveredLiveAndNeverExecutedAgain() {
		String key = newKey();
		HttpResponse<byte[]> first = this.http.postWithKey("/it/large", key, "{}");
		HttpResponse<byte[]> retry = this.http.postWithKey("/it/large", key, "{}");
		assertThat(first.statusCode()).isEqualTo(200);
		assertThat(first.body().length).isGreaterThan(100 * 1024);
		assertThat(retry.statusCode()).isEqualTo(409);
		assertThat(text(retry)).contains("https://idempotency.dev/problems/not-replayable");
		assertThat(this.executions.count("large", key)).isEqualTo(1);
	}

	@Test
	void spec11_serverSentEventsAreDeliveredLiveAndNeverExecutedAgain() {
		String key = newKey();
		HttpResponse<byte[]> first = this.http.postWithKey("/it/sse", key, "{}", "Accept", "text/event-stream");
		assertThat(first.statusCode()).isEqualTo(200);
		assertThat(text(first)).contains("data:run 1 event 1").contains("data:run 1 event 3");
		HttpResponse<byte[]> retry = this.http.postWithKey("/it/sse", key, "{}", "Accept", "text/event-stream");
		assertThat(retry.statusCode()).isEqualTo(409);
		assertThat(text(retry)).contains("not-replayable");
		assertThat(this.executions.count("sse", key)).isEqualTo(1);
	}

	@Test
	void spec11_streamingResponseBodyIsDeliveredLiveAndNeverExecutedAgain() {
		String key = newKey();
		HttpResponse<byte[]> first = this.http.postWithKey("/it/stream", key, "{}");
		assertThat(first.statusCode()).isEqualTo(200);
		assertThat(text(first)).contains("chunk 0 of run 1").contains("chunk 4 of run 1");
		HttpResponse<byte[]> retry = this.http.postWithKey("/it/stream", key, "{}");
		assertThat(retry.statusCode()).isEqualTo(409);
		assertThat(text(retry)).contains("not-replayable");
		assertThat(this.executions.count("stream", key)).isEqualTo(1);
	}

	@ParameterizedTest
	@ValueSource(strings = { "callable", "future", "deferred" })
	void spec11_asyncHandlersAreCapturedAndReplayed(String handler) {
		String key = newKey();
		HttpResponse<byte[]> first = this.http.postWithKey("/it/" + handler, key, "{}");
		HttpResponse<byte[]> replay = this.http.postWithKey("/it/" + handler, key, "{}");
		assertThat(first.statusCode()).isEqualTo(201);
		assertThat(text(first)).isEqualTo(handler + " run 1");
		assertThat(replay.statusCode()).isEqualTo(201);
		assertThat(replayed(replay)).isTrue();
		assertThat(replay.body()).isEqualTo(first.body());
		assertThat(this.executions.count(handler, key)).isEqualTo(1);
	}

	@Test
	void metricsCountOutcomesAndTimeStoreCallsWithoutKeysInTags() {
		double executed = count("executed");
		double replayed = count("replayed");
		double mismatch = count("mismatch");
		double invalid = count("invalid_key");
		long claims = this.meters.get("idempotency.store.calls").tag("operation", "claim").tag("result", "success").timer().count();
		String key = newKey();
		this.http.postWithKey("/it/payments", key, "{\"amount\":\"1\"}");
		this.http.postWithKey("/it/payments", key, "{\"amount\":\"1\"}");
		this.http.postWithKey("/it/payments", key, "{\"amount\":\"2\"}");
		this.http.post("/it/payments", "{}");
		assertThat(count("executed") - executed).isEqualTo(1);
		assertThat(count("replayed") - replayed).isEqualTo(1);
		assertThat(count("mismatch") - mismatch).isEqualTo(1);
		assertThat(count("invalid_key") - invalid).isEqualTo(1);
		assertThat(this.meters.get("idempotency.store.calls").tag("operation", "claim").tag("result", "success").timer().count()
				- claims).isEqualTo(3);
		assertThat(this.meters.get("idempotency.store.calls").tag("operation", "complete").timer().count()).isPositive();
		this.meters.getMeters().stream().filter((meter) -> meter.getId().getName().startsWith("idempotency."))
			.flatMap((meter) -> meter.getId().getTags().stream())
			.forEach((tag) -> assertThat(tag.getValue()).doesNotContain(key).doesNotContain("alice"));
	}

	private double count(String outcome) {
		return this.meters.get("idempotency.requests").tag("outcome", outcome).counter().count();
	}

	void awaitExecutions(String handler, String key, int count) throws InterruptedException {
		for (int i = 0; i < 300 && this.executions.count(handler, key) < count; i++) {
			Thread.sleep(20);
		}
		assertThat(this.executions.count(handler, key)).isEqualTo(count);
	}

}
