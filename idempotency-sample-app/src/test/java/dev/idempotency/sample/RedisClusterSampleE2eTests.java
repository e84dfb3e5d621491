package dev.idempotency.sample;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.connection.RedisClusterConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.idempotency.store.IdempotencyStore;
import dev.idempotency.store.redis.RedisIdempotencyStore;
import dev.idempotency.testsupport.RedisClusterTestServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample against a real 3-primary Redis Cluster ({@link RedisClusterTestServer}), configured with
 * nothing but {@code spring.data.redis.cluster.nodes} (no profile): the whole sample contract, the
 * exactly-once tests included, with records spread over every primary.
 */
class RedisClusterSampleE2eTests extends SampleContractTests {

	/**
	 * Opens the store's connection before each test, waiting as long as the start-up probe does: the first
	 * call of a fresh context also loads and connects the client, which on a busy machine can take longer
	 * than the store's 2 s timeout. That cold start is not what these tests check.
	 */
	@BeforeEach
	void connectTheStore() {
		assertThat(((RedisIdempotencyStore) this.store).maxmemoryPolicy()).isNotNull();
	}

	static final String PREFIX = "idempotency-sample-cluster-test:" + System.nanoTime() + ":";

	@DynamicPropertySource
	static void redisCluster(DynamicPropertyRegistry registry) {
		registry.add("spring.data.redis.cluster.nodes", () -> RedisClusterTestServer.get().nodesProperty());
		registry.add("idempotency.key-prefix", () -> PREFIX);
	}

	@Autowired
	IdempotencyStore store;

	@Autowired
	RedisConnectionFactory connectionFactory;

	@Test
	void redisProfileWithClusterNodesUsesTheRedisStoreOnTheCluster() {
		assertThat(this.store).isInstanceOf(RedisIdempotencyStore.class);
		assertThat(this.connectionFactory).isInstanceOf(LettuceConnectionFactory.class);
		LettuceConnectionFactory lettuce = (LettuceConnectionFactory) this.connectionFactory;
		assertThat(lettuce.isClusterAware()).isTrue();
		assertThat(lettuce.getClusterConfiguration()).isNotNull();
		try (RedisClusterConnection connection = this.connectionFactory.getClusterConnection()) {
			assertThat(connection.clusterGetNodes()).hasSize(3);
		}
	}

	@Test
	void recordsOfThePaymentsAreSpreadOverEveryPrimary() {
		for (int i = 0; i < 30; i++) {
			assertThat(this.client.pay("alice", newKey(), this.account, "1.00").statusCode()).isEqualTo(201);
		}
		RedisClusterTestServer cluster = RedisClusterTestServer.get();
		for (int port : cluster.ports()) {
			assertThat(cluster.command(port, "KEYS", PREFIX + "*")).as("records on primary %d", port).isNotEmpty();
		}
	}

}
