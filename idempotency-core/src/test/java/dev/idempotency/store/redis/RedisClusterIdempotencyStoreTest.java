package dev.idempotency.store.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.lettuce.core.cluster.SlotHash;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.RedisClusterConfiguration;
import org.springframework.data.redis.connection.RedisClusterConnection;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import dev.idempotency.store.ClaimResult;
import dev.idempotency.store.CompletedRecord;
import dev.idempotency.store.CompletionResult;
import dev.idempotency.store.IdempotencyStore;
import dev.idempotency.store.IdempotencyStoreContractTests;
import dev.idempotency.store.InProgressRecord;
import dev.idempotency.testsupport.RedisClusterTestServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The store contract on a real 3-primary Redis Cluster ({@link RedisClusterTestServer}), through Spring Data Redis'
 * cluster support, plus what only a cluster can show: records spread over every primary, each record's key in the
 * slot of its hash tag, and every script working on every primary.
 */
class RedisClusterIdempotencyStoreTest extends IdempotencyStoreContractTests {

	private static final String PREFIX = "idempotency-cluster-test:" + UUID.randomUUID() + ":";

	private static final Duration TIMEOUT = Duration.ofSeconds(2);

	private static RedisClusterTestServer cluster;

	private static LettuceConnectionFactory connectionFactory;

	private RedisIdempotencyStore redisStore;

	@BeforeAll
	static void connect() {
		cluster = RedisClusterTestServer.get();
		connectionFactory = new LettuceConnectionFactory(new RedisClusterConfiguration(cluster.nodes()));
		connectionFactory.afterPropertiesSet();
		connectionFactory.start();
	}

	@AfterAll
	static void disconnect() {
		if (connectionFactory != null) {
			connectionFactory.destroy();
		}
	}

	@Override
	protected IdempotencyStore createStore() {
		this.redisStore = new RedisIdempotencyStore(connectionFactory, PREFIX, TIMEOUT);
		return this.redisStore;
	}

	@Test
	void connectionFactoryTalksToTheWholeCluster() {
		assertThat(connectionFactory.isClusterAware()).isTrue();
		try (RedisClusterConnection connection = connectionFactory.getClusterConnection()) {
			assertThat(connection.clusterGetNodes()).hasSize(3)
				.allSatisfy((node) -> assertThat(node.isMaster()).isTrue());
		}
		assertThat(cluster.ports()).hasSize(3).doesNotHaveDuplicates();
		assertThat(cluster.nodesProperty()).isEqualTo(String.join(",", cluster.nodes()));
		for (int port : cluster.ports()) {
			assertThat(cluster.command(port, "CLUSTER", "INFO")).contains("cluster_state:ok");
		}
	}

	@Test
	void cluster_recordsOfManyIdsLandOnAllThreePrimaries() {
		String prefix = PREFIX + "spread-" + UUID.randomUUID() + ":";
		RedisIdempotencyStore store = new RedisIdempotencyStore(connectionFactory, prefix, TIMEOUT);
		int records = 90;
		for (int i = 0; i < records; i++) {
			assertThat(store.claim(newRecordId(), inProgress("v1:spread"), newOwner(), LONG_LEASE).isClaimed()).isTrue();
		}

		Map<Integer, Integer> keysPerPrimary = new HashMap<>();
		for (int port : cluster.ports()) {
			String keys = cluster.command(port, "KEYS", prefix + "*");
			List<String> found = (keys == null || keys.isEmpty()) ? List.of() : List.of(keys.split("\n"));
			keysPerPrimary.put(port, found.size());
			// Every key on a primary belongs to one of its slots.
			for (String key : found) {
				assertThat(cluster.portOfSlot(cluster.slotOf(key))).as("primary of %s", key).isEqualTo(port);
			}
		}
		System.out.printf("[cluster] %d records per primary: %s%n", records, keysPerPrimary);
		assertThat(keysPerPrimary).hasSize(3).allSatisfy((port, count) -> assertThat(count).as("keys on %d", port)
			.isPositive());
		assertThat(keysPerPrimary.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(records);
	}

	@Test
	void spec3_eachRecordKeyIsInTheSlotOfItsHashTag() {
		for (int i = 0; i < 50; i++) {
			String id = newRecordId();
			String key = this.redisStore.keyOf(id);
			assertThat(key).isEqualTo(PREFIX + "{" + id + "}");
			int slot = cluster.slotOf(key);
			assertThat(slot).as("slot of %s", key)
				.isEqualTo(cluster.slotOf("{" + id + "}"))
				.isEqualTo(cluster.slotOf(id))
				.isEqualTo(cluster.slotOf("another-prefix:{" + id + "}"))
				.isEqualTo(SlotHash.getSlot(id));

			assertThat(this.redisStore.claim(id, inProgress("v1:slot"), newOwner(), LONG_LEASE).isClaimed()).isTrue();

			int owner = cluster.portOfSlot(slot);
			assertThat(cluster.command(owner, "EXISTS", key)).isEqualTo("1");
			assertThat(cluster.command(owner, "CLUSTER", "COUNTKEYSINSLOT", Integer.toString(slot))).isNotEqualTo("0");
			for (int port : cluster.ports()) {
				if (port != owner) {
					assertThat(cluster.command(port, "EXISTS", key)).as("EXISTS on a primary of other slots")
						.startsWith("-MOVED " + slot + " ");
				}
			}
		}
	}

	@Test
	void cluster_claimCompleteReleaseAndExtendWorkForIdsOnEveryPrimary() {
		Map<Integer, List<String>> idsPerPrimary = idsOnEveryPrimary(2);
		for (Map.Entry<Integer, List<String>> entry : idsPerPrimary.entrySet()) {
			int port = entry.getKey();
			String completedId = entry.getValue().get(0);
			String releasedId = entry.getValue().get(1);
			String completedKey = this.redisStore.keyOf(completedId);
			String releasedKey = this.redisStore.keyOf(releasedId);

			// Claim, extend, complete.
			String owner = newOwner();
			InProgressRecord claimed = inProgress("v1:on-" + port);
			assertThat(this.redisStore.claim(completedId, claimed, owner, Duration.ofSeconds(5)).isClaimed()).isTrue();
			assertThat(cluster.command(port, "HGET", completedKey, "o")).isEqualTo(owner);
			assertThat(pttl(port, completedKey)).isPositive().isLessThanOrEqualTo(5_000);
			assertThat(this.redisStore.claim(completedId, inProgress("v1:other"), newOwner(), LONG_LEASE).existing())
				.isEqualTo(claimed);
			assertThat(this.redisStore.extendLease(completedId, newOwner(), Duration.ofSeconds(40))).isFalse();
			assertThat(this.redisStore.extendLease(completedId, owner, Duration.ofSeconds(40))).isTrue();
			assertThat(pttl(port, completedKey)).isGreaterThan(5_000).isLessThanOrEqualTo(40_000);
			CompletedRecord completed = completed(claimed.createdAt(), "v1:on-" + port);
			assertThat(this.redisStore.complete(completedId, newOwner(), completed, LONG_RETENTION))
				.isEqualTo(CompletionResult.LEASE_TAKEN_OVER);
			assertThat(this.redisStore.complete(completedId, owner, completed, Duration.ofSeconds(45)))
				.isEqualTo(CompletionResult.STORED);
			assertThat(cluster.command(port, "HEXISTS", completedKey, "o")).isEqualTo("0");
			assertThat(cluster.command(port, "HGET", completedKey, "r")).contains("\"state\":\"COMPLETED\"");
			assertThat(pttl(port, completedKey)).isGreaterThan(40_000).isLessThanOrEqualTo(45_000);
			assertThat(this.redisStore.find(completedId)).isEqualTo(completed);
			ClaimResult retry = this.redisStore.claim(completedId, inProgress("v1:on-" + port), newOwner(), LONG_LEASE);
			assertThat(retry.isClaimed()).isFalse();
			assertThat(retry.existing()).isEqualTo(completed);
			assertThat(this.redisStore.release(completedId, owner)).isFalse();
			assertThat(this.redisStore.extendLease(completedId, owner, LONG_LEASE)).isFalse();

			// Claim, release, claim again.
			String releasing = newOwner();
			assertThat(this.redisStore.claim(releasedId, inProgress("v1:x"), releasing, LONG_LEASE).isClaimed()).isTrue();
			assertThat(cluster.command(port, "EXISTS", releasedKey)).isEqualTo("1");
			assertThat(this.redisStore.release(releasedId, newOwner())).isFalse();
			assertThat(this.redisStore.release(releasedId, releasing)).isTrue();
			assertThat(cluster.command(port, "EXISTS", releasedKey)).isEqualTo("0");
			assertThat(this.redisStore.find(releasedId)).isNull();
			String next = newOwner();
			assertThat(this.redisStore.claim(releasedId, inProgress("v1:x"), next, LONG_LEASE).isClaimed()).isTrue();
			assertThat(this.redisStore.release(releasedId, next)).isTrue();
		}
	}

	@Test
	void spec13_maxmemoryPolicyIsReadFromTheCluster() {
		// The test nodes run with Redis' default policy.
		assertThat(this.redisStore.maxmemoryPolicy()).isEqualTo("noeviction");
	}

	@Test
	void spec13_maxmemoryPolicyOfAPrimaryThatMayEvictIsReported() {
		int port = cluster.ports().get(1);
		assertThat(cluster.command(port, "CONFIG", "SET", "maxmemory-policy", "allkeys-lru")).isEqualTo("OK");
		try {
			assertThat(this.redisStore.maxmemoryPolicy()).isEqualTo("allkeys-lru");
		}
		finally {
			assertThat(cluster.command(port, "CONFIG", "SET", "maxmemory-policy", "noeviction")).isEqualTo("OK");
		}
	}

	/** Fresh record ids, {@code perPrimary} of them for each primary, keyed by the primary's port. */
	private Map<Integer, List<String>> idsOnEveryPrimary(int perPrimary) {
		Map<Integer, List<String>> ids = new HashMap<>();
		cluster.ports().forEach((port) -> ids.put(port, new ArrayList<>()));
		for (int attempt = 0; attempt < 10_000
				&& ids.values().stream().anyMatch((list) -> list.size() < perPrimary); attempt++) {
			String id = newRecordId();
			List<String> onPrimary = ids.get(cluster.portOfSlot(SlotHash.getSlot(id)));
			if (onPrimary.size() < perPrimary) {
				onPrimary.add(id);
			}
		}
		assertThat(ids.values()).allSatisfy((list) -> assertThat(list).hasSize(perPrimary));
		return ids;
	}

	private static long pttl(int port, String key) {
		return Long.parseLong(cluster.command(port, "PTTL", key));
	}

}
