package dev.idempotency.autoconfigure;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.connection.RedisConnectionFactory;

import dev.idempotency.store.ClaimResult;
import dev.idempotency.store.IdempotencyRecord;
import dev.idempotency.store.IdempotencyStore;
import dev.idempotency.store.InMemoryIdempotencyStore;
import dev.idempotency.store.InProgressRecord;
import dev.idempotency.store.redis.RedisIdempotencyStore;
import dev.idempotency.testsupport.RedisTestServer;

import static dev.idempotency.autoconfigure.IdempotencyAutoConfigurationTests.idempotencyFilter;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The auto-configuration with Spring Boot's Redis auto-configuration (Lettuce) pointed at the real test
 * Redis ({@link RedisTestServer}).
 */
@ExtendWith(OutputCaptureExtension.class)
class IdempotencyRedisAutoConfigurationTests {

	private static final String EVICTION_POLICY_CHECK_THREAD = "idempotency-redis-policy-check";

	private final RedisTestServer redis = RedisTestServer.get();

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(DataRedisAutoConfiguration.class, IdempotencyAutoConfiguration.class))
		.withPropertyValues("spring.data.redis.host=" + this.redis.host(),
				"spring.data.redis.port=" + this.redis.port());

	@Test
	void withRedisConnectionFactoryTheStoreIsRedis() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasSingleBean(RedisConnectionFactory.class);
			assertThat(context.getBean(RedisConnectionFactory.class)).isInstanceOf(ReactiveRedisConnectionFactory.class);
			assertThat(context).hasSingleBean(IdempotencyStore.class);
			assertThat(context).hasSingleBean(RedisIdempotencyStore.class);
			assertThat(context).hasSingleBean(RedisEvictionPolicyCheck.class);
			assertThat(idempotencyFilter(context)).hasFieldOrPropertyWithValue("store.store",
					context.getBean(IdempotencyStore.class));
		});
	}

	@Test
	void spec3_autoConfiguredRedisStoreClaimsAndFindsRecordsUnderTheConfiguredPrefix() {
		String prefix = "autoconfig-test-" + UUID.randomUUID() + ":";
		this.contextRunner.withPropertyValues("idempotency.key-prefix=" + prefix, "idempotency.store.timeout=5s")
			.run((context) -> {
				RedisIdempotencyStore store = context.getBean(RedisIdempotencyStore.class);
				assertThat(store).hasFieldOrPropertyWithValue("timeout", Duration.ofSeconds(5));
				String recordId = "record-" + UUID.randomUUID();
				String owner = "owner-" + UUID.randomUUID();
				InProgressRecord record = new InProgressRecord("v1:autoconfig",
						Instant.ofEpochMilli(Instant.now().toEpochMilli()));
				String key = prefix + "{" + recordId + "}";
				assertThat(store.keyOf(recordId)).isEqualTo(key);
				try {
					ClaimResult claim = store.claim(recordId, record, owner, Duration.ofMinutes(5));
					assertThat(claim.isClaimed()).isTrue();
					IdempotencyRecord found = store.find(recordId);
					assertThat(found).isEqualTo(record);
					assertThat(this.redis.command("EXISTS", key)).isEqualTo("1");
					ClaimResult second = store.claim(recordId,
							new InProgressRecord("v1:other", Instant.ofEpochMilli(0)), "other-owner",
							Duration.ofMinutes(5));
					assertThat(second.isClaimed()).isFalse();
					assertThat(second.existing()).isEqualTo(record);
					assertThat(store.release(recordId, owner)).isTrue();
					assertThat(store.find(recordId)).isNull();
				}
				finally {
					this.redis.command("DEL", key);
				}
			});
	}

	@Test
	void storeTypeRedisWithRedisGivesTheRedisStore() {
		this.contextRunner.withPropertyValues("idempotency.store.type=redis").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasSingleBean(RedisIdempotencyStore.class);
			assertThat(context).doesNotHaveBean(InMemoryIdempotencyStore.class);
		});
	}

	@Test
	void storeTypeInMemoryWithRedisGivesTheInMemoryStore() {
		this.contextRunner.withPropertyValues("idempotency.store.type=in-memory").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasSingleBean(RedisConnectionFactory.class);
			assertThat(context).hasSingleBean(IdempotencyStore.class);
			assertThat(context).hasSingleBean(InMemoryIdempotencyStore.class);
			assertThat(context).doesNotHaveBean(RedisIdempotencyStore.class);
			assertThat(context).doesNotHaveBean(RedisEvictionPolicyCheck.class);
			assertThat(idempotencyFilter(context)).hasFieldOrPropertyWithValue("store.store",
					context.getBean(IdempotencyStore.class));
		});
	}

	@Test
	void userDefinedStoreReplacesTheRedisStore() {
		this.contextRunner.withUserConfiguration(IdempotencyAutoConfigurationTests.UserStoreConfiguration.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).hasSingleBean(IdempotencyStore.class);
				assertThat(context).doesNotHaveBean(RedisIdempotencyStore.class);
				assertThat(idempotencyFilter(context)).hasFieldOrPropertyWithValue("store.store",
						IdempotencyAutoConfigurationTests.UserStoreConfiguration.STORE);
			});
	}

	@Test
	void disabledConfiguresNothingEvenWithRedis() {
		this.contextRunner.withPropertyValues("idempotency.enabled=false").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasSingleBean(RedisConnectionFactory.class);
			IdempotencyAutoConfigurationTests.assertNoIdempotencyBeans(context);
		});
	}

	@Test
	void spec13_evictionPolicyIsReadFromRedis() {
		this.contextRunner.run((context) -> {
			String expected = serverPolicy();
			assertThat(expected).isNotBlank();
			assertThat(RedisEvictionPolicyCheck.check(context.getBean(RedisIdempotencyStore.class)))
				.isEqualTo(expected);
		});
	}

	@Test
	void spec13_warnsWhenRedisMayEvictRecords(CapturedOutput output) {
		this.contextRunner.run((context) -> {
			RedisIdempotencyStore store = context.getBean(RedisIdempotencyStore.class);
			String original = serverPolicy();
			try {
				assertThat(this.redis.command("CONFIG", "SET", "maxmemory-policy", "allkeys-lru")).isEqualTo("OK");
				assertThat(RedisEvictionPolicyCheck.check(store)).isEqualTo("allkeys-lru");
				publishApplicationReadyAndAwaitTheCheck(context);
			}
			finally {
				this.redis.command("CONFIG", "SET", "maxmemory-policy", original);
			}
			assertThat(serverPolicy()).isEqualTo(original);
			String warning = "Redis maxmemory-policy is 'allkeys-lru'";
			assertThat(output.getAll()).contains(warning).contains("noeviction");
			// once from the direct call, once from the start-up listener
			assertThat(output.getAll().split(Pattern.quote(warning), -1)).hasSize(3);
		});
	}

	@Test
	void spec13_doesNotWarnWhenRedisDoesNotEvict(CapturedOutput output) {
		this.contextRunner.run((context) -> {
			RedisIdempotencyStore store = context.getBean(RedisIdempotencyStore.class);
			String original = serverPolicy();
			try {
				assertThat(this.redis.command("CONFIG", "SET", "maxmemory-policy", "noeviction")).isEqualTo("OK");
				assertThat(RedisEvictionPolicyCheck.check(store)).isEqualTo("noeviction");
				publishApplicationReadyAndAwaitTheCheck(context);
			}
			finally {
				this.redis.command("CONFIG", "SET", "maxmemory-policy", original);
			}
			assertThat(output.getAll()).doesNotContain("Redis maxmemory-policy is");
		});
	}

	private String serverPolicy() {
		String reply = this.redis.command("CONFIG", "GET", "maxmemory-policy");
		assertThat(reply).as("CONFIG GET maxmemory-policy").startsWith("maxmemory-policy\n");
		return reply.substring("maxmemory-policy\n".length());
	}

	/**
	 * Publishes the event that starts the eviction policy check, then waits for the check's thread to end
	 * (it may have ended already).
	 */
	private static void publishApplicationReadyAndAwaitTheCheck(ConfigurableApplicationContext context)
			throws InterruptedException {
		context.publishEvent(
				new ApplicationReadyEvent(new SpringApplication(), new String[0], context, Duration.ZERO));
		for (Thread thread : Thread.getAllStackTraces().keySet()) {
			if (EVICTION_POLICY_CHECK_THREAD.equals(thread.getName())) {
				thread.join();
			}
		}
	}

}
