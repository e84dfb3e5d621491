package dev.idempotency.settlement;

import java.net.http.HttpResponse;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;

import static dev.idempotency.testsupport.HttpTestClient.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 11 item 2: handlers that start async processing more than once. A timeout in any cycle leaves the
 * outcome unknown (the lease is kept, retries get 409), as for a single cycle; it never releases the key.
 */
@SpringBootTest(classes = AsyncCyclesTests.App.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "idempotency.lease=10s")
class AsyncCyclesTests {

	@LocalServerPort
	int port;

	@Test
	void spec11_timeoutOfTheDeferredResultACallableReturnedKeepsTheLease() {
		SettlementClient http = new SettlementClient(this.port);
		String key = UUID.randomUUID().toString();
		HttpResponse<byte[]> first = http.post("/settle/callable-then-deferred", key);
		HttpResponse<byte[]> retry = http.post("/settle/callable-then-deferred", key);
		assertThat(first.statusCode()).isEqualTo(503);
		assertThat(retry.statusCode()).isEqualTo(409);
		assertThat(text(retry)).contains("https://idempotency.dev/problems/in-progress");
		assertThat(SettlementController.runs(key)).as("handler runs").isEqualTo(1);
	}

	@Test
	void spec11_timeoutOfAWebAsyncTaskADeferredResultProducedKeepsTheLease() {
		SettlementClient http = new SettlementClient(this.port);
		String key = UUID.randomUUID().toString();
		HttpResponse<byte[]> first = http.post("/settle/deferred-then-task", key);
		HttpResponse<byte[]> retry = http.post("/settle/deferred-then-task", key);
		assertThat(first.statusCode()).as("503 for the timeout, or 500 when the interrupted task's exception wins the race")
			.isBetween(500, 503);
		assertThat(retry.statusCode()).isEqualTo(409);
		assertThat(SettlementController.runs(key)).as("handler runs").isEqualTo(1);
	}

	@Test
	void spec11_answerOfTheSecondAsyncCycleIsStoredAndReplayed() {
		SettlementClient http = new SettlementClient(this.port);
		String key = UUID.randomUUID().toString();
		HttpResponse<byte[]> first = http.post("/settle/callable-then-deferred-done", key);
		HttpResponse<byte[]> retry = http.post("/settle/callable-then-deferred-done", key);
		assertThat(first.statusCode()).isEqualTo(200);
		assertThat(text(first)).isEqualTo("done " + key);
		assertThat(SettlementClient.replayed(retry)).isTrue();
		assertThat(retry.body()).isEqualTo(first.body());
		assertThat(SettlementController.runs(key)).as("handler runs").isEqualTo(1);
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import({ SettlementController.class, OpenSecurity.class })
	static class App {

	}

}
