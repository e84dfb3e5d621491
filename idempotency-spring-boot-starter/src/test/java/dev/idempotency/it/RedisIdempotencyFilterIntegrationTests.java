package dev.idempotency.it;

import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.idempotency.key.RecordIds;
import dev.idempotency.store.redis.RedisIdempotencyStore;
import dev.idempotency.testsupport.RedisTestServer;
import dev.idempotency.testsupport.HttpTestClient;

import static dev.idempotency.testsupport.HttpTestClient.text;
import static org.assertj.core.api.Assertions.assertThat;

/** The HTTP contract with the Redis store on a real Redis, plus what only Redis can show. */
class RedisIdempotencyFilterIntegrationTests extends IdempotencyFilterContractTests {

	/**
	 * Opens the store's connection before each test, waiting as long as the start-up probe does: the first
	 * call of a fresh context also loads and connects the client, which on a busy machine can take longer
	 * than the store's 2 s timeout. That cold start is not what these tests check.
	 */
	@BeforeEach
	void connectTheStore() {
		assertThat(((RedisIdempotencyStore) counting().delegate()).maxmemoryPolicy()).isNotNull();
	}

	static final String PREFIX = "idempotency-it:" + System.nanoTime() + ":";

	@DynamicPropertySource
	static void redis(DynamicPropertyRegistry registry) {
		RedisTestServer redis = RedisTestServer.get();
		registry.add("spring.data.redis.host", redis::host);
		registry.add("spring.data.redis.port", redis::port);
		registry.add("idempotency.key-prefix", () -> PREFIX);
	}

	RedisIdempotencyStore redisStore() {
		return (RedisIdempotencyStore) counting().delegate();
	}

	static String redis(String... command) {
		return RedisTestServer.get().command(command);
	}

	@Test
	void spec3_redisKeyIsHashTaggedAndNeverContainsTheClientKey() {
		String key = newKey();
		this.http.postWithKey("/it/payments", key, "{}");
		String redisKey = redisStore().keyOf(RecordIds.recordId("anonymous", "POST", "/it/payments", key));
		assertThat(redisKey).startsWith(PREFIX + "{").endsWith("}").doesNotContain(key);
		assertThat(redis("EXISTS", redisKey)).isEqualTo("1");
		assertThat(redis("SCAN", "0", "MATCH", "*" + key + "*", "COUNT", "100000")).doesNotContain(key);
	}

	@Test
	void spec5_completedRecordKeepsTheRetentionTtl() {
		String key = newKey();
		this.http.postWithKey("/it/payments", key, "{}");
		long pttl = Long.parseLong(redis("PTTL", redisStore().keyOf(RecordIds.recordId("anonymous", "POST", "/it/payments", key))));
		assertThat(pttl).isGreaterThan(23 * 3600 * 1000L).isLessThanOrEqualTo(24 * 3600 * 1000L);
	}

	@Test
	void spec5_handlerRetentionOverridesTheConfiguredOne() {
		String key = newKey();
		this.http.postWithKey("/it/short-retention", key, "{}");
		long pttl = Long.parseLong(redis("PTTL",
				redisStore().keyOf(RecordIds.recordId("anonymous", "POST", "/it/short-retention", key))));
		assertThat(pttl).isGreaterThan(0).isLessThanOrEqualTo(90_000L);
	}

	@Test
	void spec5_firstExecutionCostsTwoRedisCommandsAndReplayOne() {
		this.http.postWithKey("/it/payments", newKey(), "{}");
		String key = newKey();
		redis("CONFIG", "RESETSTAT");
		HttpResponse<byte[]> first = this.http.postWithKey("/it/payments", key, "{}");
		Map<String, Long> firstCommands = topLevelCommands();
		redis("CONFIG", "RESETSTAT");
		HttpResponse<byte[]> replay = this.http.postWithKey("/it/payments", key, "{}");
		Map<String, Long> replayCommands = topLevelCommands();
		assertThat(first.statusCode()).isEqualTo(201);
		assertThat(replay.headers().firstValue("Idempotent-Replayed")).hasValue("true");
		assertThat(firstCommands).isEqualTo(Map.of("evalsha", 2L));
		assertThat(replayCommands).isEqualTo(Map.of("evalsha", 1L));
	}

	@Test
	void spec12_recordIsStoredVersionedAndLanguageNeutral() {
		String key = newKey();
		HttpResponse<byte[]> first = this.http.postWithKey("/it/payments", key, "{}");
		String stored = redis("HGET", redisStore().keyOf(RecordIds.recordId("anonymous", "POST", "/it/payments", key)), "r");
		assertThat(stored).startsWith("{\"v\":1,\"state\":\"COMPLETED\",\"fp\":\"v1:")
			.contains("\"status\":201")
			.endsWith("\n" + text(first));
		assertThat(stored).doesNotContain("java.").doesNotContain("Set-Cookie");
	}

	@Test
	void spec5_replayWorksAcrossInstancesSharingRedis() {
		String key = newKey();
		HttpResponse<byte[]> first = this.http.postWithKey("/it/payments", key, "{\"amount\":\"7.00\"}");
		RedisTestServer redis = RedisTestServer.get();
		try (ConfigurableApplicationContext second = new SpringApplicationBuilder(TestApplication.class)
			.properties("server.port=0", "spring.data.redis.host=" + redis.host(), "spring.data.redis.port=" + redis.port(),
					"idempotency.key-prefix=" + PREFIX)
			.run()) {
			int port = Integer.parseInt(second.getEnvironment().getProperty("local.server.port"));
			HttpResponse<byte[]> replay = new HttpTestClient(port).postWithKey("/it/payments", key, "{\"amount\":\"7.00\"}");
			assertThat(replay.headers().firstValue("Idempotent-Replayed")).hasValue("true");
			assertThat(replay.body()).isEqualTo(first.body());
			assertThat(second.getBean(TestApplication.Executions.class).count("payments", key)).isZero();
		}
		assertThat(this.executions.count("payments", key)).isEqualTo(1);
	}

	/** Commands clients sent, from {@code INFO commandstats}, without those Lua scripts ran and the probes. */
	private static Map<String, Long> topLevelCommands() {
		Map<String, Long> calls = new HashMap<>();
		for (String line : redis("INFO", "commandstats").split("\r?\n")) {
			if (!line.startsWith("cmdstat_")) {
				continue;
			}
			String name = line.substring(8, line.indexOf(':'));
			long count = Long.parseLong(line.replaceAll("^[^:]*:calls=(\\d+),.*", "$1"));
			if (!name.matches("hget|hmget|hset|hdel|pexpire|info|config\\|resetstat|config")) {
				calls.put(name, count);
			}
		}
		return calls;
	}

}
