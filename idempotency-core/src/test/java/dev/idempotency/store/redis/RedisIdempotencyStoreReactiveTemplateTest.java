package dev.idempotency.store.redis;

import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.connection.ReactiveRedisClusterConnection;
import org.springframework.data.redis.connection.ReactiveRedisConnection;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import dev.idempotency.store.IdempotencyStore;
import dev.idempotency.store.IdempotencyStoreContractTests;
import dev.idempotency.testsupport.RedisTestServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The store contract on the path taken for a {@link ReactiveRedisConnectionFactory} that is not a
 * {@link LettuceConnectionFactory} (a wrapping factory, say): the scripts go through the reactive template.
 */
class RedisIdempotencyStoreReactiveTemplateTest extends IdempotencyStoreContractTests {

	private static final String PREFIX = "idempotency-test-reactive:" + UUID.randomUUID() + ":";

	private static LettuceConnectionFactory lettuce;

	@BeforeAll
	static void connect() {
		RedisTestServer server = RedisTestServer.get();
		lettuce = new LettuceConnectionFactory(new RedisStandaloneConfiguration(server.host(), server.port()));
		lettuce.afterPropertiesSet();
		lettuce.start();
		// Connects and loads the reactive stack once, so a busy machine's cold start does not eat the 2 s
		// timeout of the first contract test.
		ReactiveRedisConnection connection = lettuce.getReactiveConnection();
		connection.ping().block(Duration.ofSeconds(30));
		connection.close();
	}

	@AfterAll
	static void disconnect() {
		if (lettuce != null) {
			lettuce.destroy();
		}
	}

	@Override
	protected IdempotencyStore createStore() {
		return new RedisIdempotencyStore(new WrappingFactory(lettuce), PREFIX, Duration.ofSeconds(2));
	}

	@Test
	void scriptsRunOnTheWrappedFactory() {
		String id = newRecordId();
		this.store.claim(id, inProgress("v1:fp"), newOwner(), LONG_LEASE);
		assertThat(RedisTestServer.get().command("EXISTS", PREFIX + "{" + id + "}")).isEqualTo("1");
	}

	/** A factory that only delegates, as a tracing or metrics wrapper would. */
	private record WrappingFactory(ReactiveRedisConnectionFactory delegate) implements ReactiveRedisConnectionFactory {

		@Override
		public ReactiveRedisConnection getReactiveConnection() {
			return this.delegate.getReactiveConnection();
		}

		@Override
		public ReactiveRedisClusterConnection getReactiveClusterConnection() {
			return this.delegate.getReactiveClusterConnection();
		}

		@Override
		public DataAccessException translateExceptionIfPossible(RuntimeException ex) {
			return this.delegate.translateExceptionIfPossible(ex);
		}

	}

}
