package dev.idempotency.sample;

import java.net.http.HttpResponse;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.idempotency.sample.payments.PaymentGateway;
import dev.idempotency.store.IdempotencyStore;
import dev.idempotency.store.redis.RedisIdempotencyStore;
import dev.idempotency.testsupport.RedisTestServer;

import static dev.idempotency.sample.SampleClient.replayed;
import static org.assertj.core.api.Assertions.assertThat;

/** The sample with profile {@code redis} against a real Redis, including a second instance sharing it. */
@ActiveProfiles("redis")
class RedisSampleE2eTests extends SampleContractTests {

	/**
	 * Opens the store's connection before each test, waiting as long as the start-up probe does: the first
	 * call of a fresh context also loads and connects the client, which on a busy machine can take longer
	 * than the store's 2 s timeout. That cold start is not what these tests check.
	 */
	@BeforeEach
	void connectTheStore() {
		assertThat(((RedisIdempotencyStore) this.store).maxmemoryPolicy()).isNotNull();
	}

	static final String PREFIX = "idempotency-sample-test:" + System.nanoTime() + ":";

	@DynamicPropertySource
	static void redis(DynamicPropertyRegistry registry) {
		RedisTestServer redis = RedisTestServer.get();
		registry.add("spring.data.redis.url", redis::url);
		registry.add("idempotency.key-prefix", () -> PREFIX);
	}

	@Autowired
	IdempotencyStore store;

	@Test
	void redisProfileUsesTheRedisStore() {
		assertThat(this.store).isInstanceOf(RedisIdempotencyStore.class);
	}

	@Test
	void secondInstanceSharingRedisReplaysWithoutExecuting() {
		String key = newKey();
		HttpResponse<byte[]> first = this.client.pay("alice", key, this.account, "10.00");
		RedisTestServer redis = RedisTestServer.get();
		try (ConfigurableApplicationContext second = new SpringApplicationBuilder(SampleApplication.class)
			.profiles("redis")
			.properties("server.port=0", "spring.data.redis.host=" + redis.host(),
					"spring.data.redis.port=" + redis.port(), "idempotency.key-prefix=" + PREFIX)
			.run()) {
			SampleClient other = new SampleClient(Integer.parseInt(second.getEnvironment().getProperty("local.server.port")));
			HttpResponse<byte[]> replay = other.pay("alice", key, this.account, "10.00");
			assertThat(replay.statusCode()).isEqualTo(201);
			assertThat(replayed(replay)).isTrue();
			assertThat(replay.body()).isEqualTo(first.body());
			assertThat(second.getBean(PaymentGateway.class).debits()).isZero();
			System.out.printf("[two instances] first on port %d executed; replay on port %d executed %d times%n",
					this.port, Integer.parseInt(second.getEnvironment().getProperty("local.server.port")),
					second.getBean(PaymentGateway.class).debits());
		}
		assertThat(this.client.balance(this.account)).isEqualByComparingTo("990.00");
	}

}
