package dev.idempotency.it;

import java.net.http.HttpResponse;
import java.util.UUID;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.idempotency.testsupport.RedisTestServer;
import dev.idempotency.testsupport.HttpTestClient;

import static dev.idempotency.testsupport.HttpTestClient.text;
import static org.assertj.core.api.Assertions.assertThat;

/** The filter when Redis cannot be reached: fail closed by default, or proceed when configured. */
class RedisUnavailableIntegrationTests {

	static final int DEAD_PORT = RedisTestServer.freePort();

	@DynamicPropertySource
	static void deadRedis(DynamicPropertyRegistry registry) {
		registry.add("spring.data.redis.host", () -> "127.0.0.1");
		registry.add("spring.data.redis.port", () -> DEAD_PORT);
		registry.add("spring.data.redis.connect-timeout", () -> "500ms");
		registry.add("idempotency.store.timeout", () -> "500ms");
	}

	@Nested
	@SpringBootTest(classes = TestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
	class FailClosed {

		@LocalServerPort
		int port;

		@Autowired
		TestApplication.Executions executions;

		@Test
		void spec10_redisUnreachableAnswers503AndTheHandlerDoesNotRun() {
			String key = UUID.randomUUID().toString();
			HttpResponse<byte[]> response = new HttpTestClient(this.port).postWithKey("/it/payments", key, "{}");
			assertThat(response.statusCode()).isEqualTo(503);
			assertThat(response.headers().firstValue("Retry-After")).hasValue("1");
			assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
			assertThat(text(response)).contains("https://idempotency.dev/problems/store-unavailable");
			assertThat(this.executions.count("payments", key)).isZero();
		}

		@Test
		void spec10_unannotatedRequestsDoNotNeedTheStore() {
			HttpResponse<byte[]> response = new HttpTestClient(this.port).post("/it/plain", "{}");
			assertThat(response.statusCode()).isEqualTo(200);
		}

	}

	@Nested
	@SpringBootTest(classes = TestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
			properties = "idempotency.on-store-failure=proceed")
	class Proceed {

		@LocalServerPort
		int port;

		@Autowired
		TestApplication.Executions executions;

		@Test
		void spec10_proceedModeRunsTheHandlerWithoutIdempotency() {
			String key = UUID.randomUUID().toString();
			HttpTestClient http = new HttpTestClient(this.port);
			HttpResponse<byte[]> first = http.postWithKey("/it/payments", key, "{}");
			HttpResponse<byte[]> second = http.postWithKey("/it/payments", key, "{}");
			assertThat(first.statusCode()).isEqualTo(201);
			assertThat(second.statusCode()).isEqualTo(201);
			assertThat(second.headers().firstValue("Idempotent-Replayed")).isEmpty();
			assertThat(this.executions.count("payments", key)).isEqualTo(2);
		}

	}

}
