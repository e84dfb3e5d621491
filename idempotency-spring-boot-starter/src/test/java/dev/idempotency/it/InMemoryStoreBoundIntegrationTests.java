package dev.idempotency.it;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.idempotency.testsupport.HttpTestClient;

import static dev.idempotency.testsupport.HttpTestClient.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Spec §5, in-memory store at its bound ({@code idempotency.store.in-memory.max-records=2}): the oldest
 * completed answer makes room, and when only requests in progress are left a new key gets
 * {@code 503 store-unavailable} with {@code Retry-After}.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "idempotency.store.type=in-memory", "idempotency.store.in-memory.max-records=2" })
class InMemoryStoreBoundIntegrationTests {

	@LocalServerPort
	int port;

	@Autowired
	TestApplication.Executions executions;

	@Test
	void spec5_atTheBoundTheOldestAnswerIsEvictedAndWithOnlyRequestsInProgressANewKeyGets503() throws Exception {
		HttpTestClient http = new HttpTestClient(this.port);
		String oldest = key();
		String newer = key();
		assertThat(http.postWithKey("/it/payments", oldest, "{}").statusCode()).isEqualTo(201);
		assertThat(http.postWithKey("/it/payments", newer, "{}").statusCode()).isEqualTo(201);

		assertThat(http.postWithKey("/it/payments", key(), "{}").statusCode()).as("evicts the oldest answer")
			.isEqualTo(201);
		assertThat(http.postWithKey("/it/payments", newer, "{}").headers().firstValue("Idempotent-Replayed"))
			.hasValue("true");
		HttpResponse<byte[]> evicted = http.postWithKey("/it/payments", oldest, "{}");
		assertThat(evicted.statusCode()).isEqualTo(201);
		assertThat(evicted.headers().firstValue("Idempotent-Replayed")).as("its record was evicted: it runs again")
			.isEmpty();
		assertThat(this.executions.count("payments", oldest)).isEqualTo(2);

		String gate = key();
		List<String> running = List.of(key(), key());
		ExecutorService executor = Executors.newFixedThreadPool(2);
		try {
			List<Future<HttpResponse<byte[]>>> slow = running.stream()
				.map((key) -> executor.submit(() -> http.postWithKey("/it/slow/" + gate, key, "{}")))
				.toList();
			for (String key : running) {
				awaitExecution(key);
			}

			HttpResponse<byte[]> full = http.postWithKey("/it/payments", key(), "{}");
			assertThat(full.statusCode()).isEqualTo(503);
			assertThat(full.headers().firstValue("Retry-After")).hasValue("1");
			assertThat(text(full)).contains("\"type\":\"https://idempotency.dev/problems/store-unavailable\"");
			assertThat(http.postWithKey("/it/slow/" + gate, running.get(0), "{}").statusCode())
				.as("a request in progress is never evicted")
				.isEqualTo(409);

			TestController.gates.computeIfAbsent(gate, (g) -> new CountDownLatch(1)).countDown();
			for (Future<HttpResponse<byte[]>> response : slow) {
				assertThat(response.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
			}
		}
		finally {
			TestController.gates.computeIfAbsent(gate, (g) -> new CountDownLatch(1)).countDown();
			executor.shutdownNow();
		}
		assertThat(http.postWithKey("/it/payments", key(), "{}").statusCode()).as("room again once they completed")
			.isEqualTo(201);
	}

	private void awaitExecution(String key) throws InterruptedException {
		for (int i = 0; i < 300 && this.executions.count("slow", key) < 1; i++) {
			Thread.sleep(20);
		}
		assertThat(this.executions.count("slow", key)).isEqualTo(1);
	}

	private static String key() {
		return UUID.randomUUID().toString();
	}

}
