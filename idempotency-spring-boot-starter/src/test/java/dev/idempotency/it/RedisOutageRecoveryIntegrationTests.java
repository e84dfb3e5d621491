package dev.idempotency.it;

import java.net.http.HttpResponse;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.idempotency.testsupport.HttpTestClient;
import dev.idempotency.testsupport.RedisProcess;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Redis of the test's own is stopped and started again under the running application: requests fail
 * closed while it is down, the application serves again once it is back without a restart, and a
 * handler whose heartbeats failed meanwhile still answers its client.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "idempotency.lease=1s", "idempotency.store.timeout=500ms",
				"spring.data.redis.connect-timeout=500ms" })
class RedisOutageRecoveryIntegrationTests {

	static final RedisProcess redis = RedisProcess.launch();

	@DynamicPropertySource
	static void redis(DynamicPropertyRegistry registry) {
		registry.add("spring.data.redis.host", () -> "127.0.0.1");
		registry.add("spring.data.redis.port", redis::port);
	}

	@AfterAll
	static void stopRedis() {
		redis.close();
	}

	@LocalServerPort
	int port;

	@Autowired
	TestApplication.Executions executions;

	@Autowired
	MeterRegistry meters;

	@Test
	void applicationServesAgainAfterRedisComesBack() throws Exception {
		HttpTestClient http = new HttpTestClient(this.port);
		assertThat(http.postWithKey("/it/payments", key(), "{}").statusCode()).isEqualTo(201);
		redis.stop();
		try {
			HttpResponse<byte[]> down = http.postWithKey("/it/payments", key(), "{}");
			assertThat(down.statusCode()).isEqualTo(503);
		}
		finally {
			redis.start();
		}
		int status = 0;
		String key = key();
		for (int attempt = 0; attempt < 100 && status != 201; attempt++) {
			key = key();
			status = http.postWithKey("/it/payments", key, "{}").statusCode();
			if (status != 201) {
				Thread.sleep(200);
			}
		}
		assertThat(status).as("serving again after Redis restarted").isEqualTo(201);
		HttpResponse<byte[]> replay = http.postWithKey("/it/payments", key, "{}");
		assertThat(replay.headers().firstValue("Idempotent-Replayed")).hasValue("true");
		assertThat(this.executions.count("payments", key)).isEqualTo(1);
	}

	@Test
	void failingHeartbeatsDoNotBreakTheRunningRequest() throws Exception {
		HttpTestClient http = new HttpTestClient(this.port);
		String key = key();
		String gate = key();
		double unknown = this.meters.get("idempotency.requests").tag("outcome", "unknown_outcome").counter().count();
		ExecutorService executor = Executors.newSingleThreadExecutor();
		try {
			Future<HttpResponse<byte[]>> slow = executor.submit(() -> http.postWithKey("/it/slow/" + gate, key, "{}"));
			for (int i = 0; i < 300 && this.executions.count("slow", key) == 0; i++) {
				Thread.sleep(20);
			}
			redis.stop();
			Thread.sleep(1500);
			redis.start();
			TestController.gates.computeIfAbsent(gate, (g) -> new CountDownLatch(1)).countDown();
			HttpResponse<byte[]> answer = slow.get(30, TimeUnit.SECONDS);
			assertThat(answer.statusCode()).isEqualTo(200);
			assertThat(HttpTestClient.text(answer)).isEqualTo("done " + gate);
		}
		finally {
			TestController.gates.computeIfAbsent(gate, (g) -> new CountDownLatch(1)).countDown();
			executor.shutdownNow();
		}
		assertThat(this.meters.get("idempotency.requests").tag("outcome", "unknown_outcome").counter().count())
			.as("the restarted Redis lost the claim, and nobody else holds the key: the completion is stored")
			.isEqualTo(unknown);
		HttpResponse<byte[]> retry = http.postWithKey("/it/slow/" + gate, key, "{}");
		assertThat(retry.headers().firstValue("Idempotent-Replayed")).hasValue("true");
		assertThat(this.executions.count("slow", key)).isEqualTo(1);
	}

	private static String key() {
		return UUID.randomUUID().toString();
	}

}
