package dev.idempotency.store.redis;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import dev.idempotency.store.ClaimResult;
import dev.idempotency.store.IdempotencyStoreException;
import dev.idempotency.store.InProgressRecord;
import dev.idempotency.testsupport.FaultyTcpProxy;
import dev.idempotency.testsupport.RedisTestServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The Redis store through a {@link FaultyTcpProxy} that cuts or slows its connection: what a short outage
 * does to claims sent again or timed out, and what a slow store does to a batch of lease extensions.
 */
@Timeout(90)
class RedisIdempotencyStoreOutageTest {

	private static final String PREFIX = "idempotency-outage-test:" + UUID.randomUUID() + ":";

	private static final Duration BOUND = Duration.ofSeconds(30);

	private FaultyTcpProxy proxy;

	private LettuceConnectionFactory factory;

	private LettuceConnectionFactory directFactory;

	@BeforeEach
	void connect() {
		this.proxy = FaultyTcpProxy.forRedis();
		this.factory = new LettuceConnectionFactory(new RedisStandaloneConfiguration(this.proxy.host(), this.proxy.port()),
				LettuceClientConfiguration.defaultConfiguration());
		this.factory.afterPropertiesSet();
		this.factory.start();
		try (RedisConnection connection = this.factory.getConnection()) {
			connection.ping();
		}
	}

	@AfterEach
	void disconnect() {
		this.factory.destroy();
		this.proxy.close();
		if (this.directFactory != null) {
			this.directFactory.destroy();
		}
	}

	@Test
	void issue11_item3_claimThatTimedOutDuringAnOutageNeverLandsAfterTheReconnect() throws Exception {
		RedisIdempotencyStore store = store(Duration.ofMillis(300));
		String id = newRecordId();
		store.find(id);
		this.proxy.cut(Duration.ofSeconds(2));
		Thread.sleep(100);

		assertThatExceptionOfType(IdempotencyStoreException.class)
			.isThrownBy(() -> store.claim(id, inProgress(), newOwner(), Duration.ofMinutes(1)));

		awaitAnswering(store);
		assertThat(RedisTestServer.get().command("EXISTS", store.keyOf(id))).as("the timed-out claim landed later")
			.isEqualTo("0");
		assertThat(store.claim(id, inProgress(), newOwner(), Duration.ofMinutes(1)).isClaimed()).isTrue();
	}

	@Test
	void issue11_item3_claimSentAgainAfterTheConnectionDroppedAnswersClaimedToItsOwner() throws Exception {
		RedisIdempotencyStore store = store(Duration.ofSeconds(10));
		String id = newRecordId();
		store.find(id);
		this.proxy.delay(Duration.ZERO, Duration.ofSeconds(3));
		CompletableFuture<ClaimResult> claim = CompletableFuture
			.supplyAsync(() -> store.claim(id, inProgress(), newOwner(), Duration.ofMinutes(1)));
		awaitExists(store.keyOf(id));

		this.proxy.close(Duration.ofMillis(300));
		this.proxy.delay(Duration.ZERO);

		assertThat(claim.get(BOUND.toSeconds(), TimeUnit.SECONDS).isClaimed())
			.as("the claim ran twice, the second run found the first's record").isTrue();
	}

	@Test
	void issue11_item9_extendLeasesOfThousandsOfRecordsThroughASlowStoreAnswersWithinOneTimeout() {
		RedisIdempotencyStore direct = directStore();
		Map<String, String> batch = new HashMap<>();
		for (int i = 0; i < 5_000; i++) {
			String id = newRecordId();
			String owner = newOwner();
			assertThat(direct.claim(id, inProgress(), owner, Duration.ofMinutes(1)).isClaimed()).isTrue();
			batch.put(id, owner);
		}
		RedisIdempotencyStore slow = store(Duration.ofSeconds(2));
		slow.find(newRecordId());
		this.proxy.delay(Duration.ofMillis(100));

		long start = System.nanoTime();
		Set<String> lost = slow.extendLeases(batch, Duration.ofMinutes(2));
		long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

		System.out.printf("[extend leases] %d records through 100 ms of latency each way: %d ms%n", batch.size(),
				millis);
		assertThat(lost).isEmpty();
		batch.keySet().stream().limit(20).forEach((id) -> assertThat(
				Long.parseLong(RedisTestServer.get().command("PTTL", direct.keyOf(id))))
			.isGreaterThan(Duration.ofMinutes(1).toMillis()));
	}

	private RedisIdempotencyStore store(Duration timeout) {
		return new RedisIdempotencyStore(this.factory, PREFIX, timeout);
	}

	private RedisIdempotencyStore directStore() {
		RedisTestServer server = RedisTestServer.get();
		this.directFactory = new LettuceConnectionFactory(new RedisStandaloneConfiguration(server.host(), server.port()));
		this.directFactory.afterPropertiesSet();
		this.directFactory.start();
		return new RedisIdempotencyStore(this.directFactory, PREFIX, Duration.ofSeconds(10));
	}

	private static void awaitAnswering(RedisIdempotencyStore store) throws InterruptedException {
		long deadline = System.nanoTime() + BOUND.toNanos();
		while (true) {
			try {
				store.find(newRecordId());
				return;
			}
			catch (IdempotencyStoreException ex) {
				if (System.nanoTime() - deadline > 0) {
					throw ex;
				}
				Thread.sleep(50);
			}
		}
	}

	private static void awaitExists(String key) throws InterruptedException {
		long deadline = System.nanoTime() + BOUND.toNanos();
		while (!"1".equals(RedisTestServer.get().command("EXISTS", key))) {
			if (System.nanoTime() - deadline > 0) {
				throw new AssertionError(key + " never created");
			}
			Thread.sleep(10);
		}
	}

	private static String newRecordId() {
		return UUID.randomUUID().toString().replace("-", "");
	}

	private static String newOwner() {
		return UUID.randomUUID().toString();
	}

	private static InProgressRecord inProgress() {
		return new InProgressRecord("v1:fp", Instant.now());
	}

}
