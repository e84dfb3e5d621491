package dev.idempotency.store.redis;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisSentinelConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import dev.idempotency.key.RecordIds;
import dev.idempotency.store.CompletedRecord;
import dev.idempotency.store.CompletionResult;
import dev.idempotency.store.InProgressRecord;
import dev.idempotency.testsupport.RedisProcess;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A primary, a replica and a Sentinel of the test's own. Records are completed with and without durable
 * completion ({@code WAIT}), the primary is killed, Sentinel promotes the replica, and the test counts
 * what survived. To make the replication window visible rather than lucky, the replica is frozen while
 * the second batch is written, the way a lagging replica would be, and that batch is larger than what
 * the kernel's socket buffers hold.
 */
@Timeout(120)
class RedisSentinelFailoverTest {

	private static final String MASTER = "idempotency-test";

	private static final int BATCH = 100;

	private static final byte[] SMALL_BODY = { 1, 2, 3 };

	/**
	 * Large enough that a lagging batch (25 MB) cannot hide in the loopback socket buffers: part of it is
	 * still in the primary's output buffer to the replica when the primary dies.
	 */
	private static final byte[] LARGE_BODY = new byte[256 * 1024];

	@Test
	void spec5_durableCompletionSurvivesAFailoverAndTheWindowWithoutItIsMeasured() throws Exception {
		try (RedisProcess primary = RedisProcess.launch();
				RedisProcess replica = RedisProcess.launch("--replicaof", "127.0.0.1", Integer.toString(primary.port()));
				RedisProcess sentinel = RedisProcess.launchSentinel(MASTER, primary.port())) {
			await(() -> replica.command("INFO", "replication").contains("master_link_status:up"), "replica in sync");
			await(() -> sentinel.command("SENTINEL", "REPLICAS", MASTER).contains(Integer.toString(replica.port())),
					"sentinel sees the replica");
			String prefix = "failover:" + UUID.randomUUID() + ":";
			LettuceConnectionFactory factory = sentinelFactory(sentinel);
			RedisIdempotencyStore durable = new RedisIdempotencyStore(factory, prefix, Duration.ofSeconds(2), 1,
					Duration.ofMillis(300));
			RedisIdempotencyStore plain = new RedisIdempotencyStore(factory, prefix, Duration.ofSeconds(2));

			List<String> durableHealthy = completeBatch(durable, "durable-healthy", BATCH, SMALL_BODY);
			List<String> plainHealthy = completeBatch(plain, "plain-healthy", BATCH, SMALL_BODY);
			assertThat(durable.unreplicatedCompletions()).isZero();

			replica.pause();
			List<String> plainLagging = completeBatch(plain, "plain-lagging", BATCH, LARGE_BODY);
			List<String> durableLagging = completeBatch(durable, "durable-lagging", 3, LARGE_BODY);
			assertThat(durable.unreplicatedCompletions()).as("WAIT timed out for each, and said so").isEqualTo(3);

			primary.stop();
			replica.resume();
			await(() -> sentinel.command("SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER)
				.contains(Integer.toString(replica.port())), "sentinel promoted the replica");
			factory.destroy();

			LettuceConnectionFactory after = sentinelFactory(sentinel);
			RedisIdempotencyStore survivors = new RedisIdempotencyStore(after, prefix, Duration.ofSeconds(2));
			long durableHealthyFound = found(survivors, durableHealthy);
			long plainHealthyFound = found(survivors, plainHealthy);
			long plainLaggingFound = found(survivors, plainLagging);
			long durableLaggingFound = found(survivors, durableLagging);
			after.destroy();
			System.out.printf("[failover] durable, replica healthy: %d written, %d found after promotion%n", BATCH,
					durableHealthyFound);
			System.out.printf("[failover] no WAIT, replica healthy: %d written, %d found after promotion%n", BATCH,
					plainHealthyFound);
			System.out.printf("[failover] no WAIT, replica lagging (256 KiB each): %d written, %d found after promotion%n", BATCH,
					plainLaggingFound);
			System.out.printf("[failover] durable, replica lagging (WAIT timed out, reported): 3 written, %d found%n",
					durableLaggingFound);

			assertThat(durableHealthyFound).as("every completion WAIT confirmed survives").isEqualTo(BATCH);
			assertThat(plainLaggingFound).as("without WAIT, completions the replica had not received are lost")
				.isLessThan(BATCH);
			assertThat(durableLaggingFound).as("unconfirmed durable completions are the ones reported").isLessThan(3);
		}
	}

	private static LettuceConnectionFactory sentinelFactory(RedisProcess sentinel) {
		LettuceConnectionFactory factory = new LettuceConnectionFactory(
				new RedisSentinelConfiguration().master(MASTER).sentinel("127.0.0.1", sentinel.port()));
		factory.afterPropertiesSet();
		factory.start();
		// Discovers the master through the Sentinel and connects once, under Lettuce's own 60 s timeout:
		// a cold start on a busy machine can take longer than the stores' 2 s, and is not what this test measures.
		try (RedisConnection connection = factory.getConnection()) {
			connection.ping();
		}
		return factory;
	}

	private static List<String> completeBatch(RedisIdempotencyStore store, String batch, int size, byte[] body) {
		return java.util.stream.IntStream.range(0, size).mapToObj((i) -> {
			String id = RecordIds.recordId("failover", "POST", "/" + batch, batch + "-" + i);
			String owner = UUID.randomUUID().toString();
			Instant now = Instant.now();
			assertThat(store.claim(id, new InProgressRecord("v1:fp", now), owner, Duration.ofSeconds(30)).isClaimed())
				.isTrue();
			assertThat(store.complete(id, owner,
					new CompletedRecord("v1:fp", now, now, 201, List.of(), body, true),
					Duration.ofHours(1)))
				.isEqualTo(CompletionResult.STORED);
			return id;
		}).toList();
	}

	private static long found(RedisIdempotencyStore store, List<String> ids) {
		return ids.stream().filter((id) -> store.find(id) instanceof CompletedRecord).count();
	}

	private static void await(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
		for (int i = 0; i < 600; i++) {
			try {
				if (condition.getAsBoolean()) {
					return;
				}
			}
			catch (RuntimeException ex) {
				// not there yet
			}
			Thread.sleep(50);
		}
		throw new AssertionError("Timed out waiting until " + what);
	}

}
