package dev.idempotency.store.redis;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import dev.idempotency.key.RecordIds;
import dev.idempotency.store.ClaimResult;
import dev.idempotency.store.CompletedRecord;
import dev.idempotency.store.CompletionResult;
import dev.idempotency.store.IdempotencyStore;
import dev.idempotency.store.IdempotencyStoreContractTests;
import dev.idempotency.store.IdempotencyStoreException;
import dev.idempotency.store.InProgressRecord;
import dev.idempotency.testsupport.RedisTestServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class RedisIdempotencyStoreTest extends IdempotencyStoreContractTests {

	private static final String PREFIX = "idempotency-test:" + UUID.randomUUID() + ":";

	private static final Duration TIMEOUT = Duration.ofSeconds(2);

	private static LettuceConnectionFactory connectionFactory;

	private RedisIdempotencyStore redisStore;

	@BeforeAll
	static void connect() {
		RedisTestServer server = RedisTestServer.get();
		connectionFactory = startedFactory(server.host(), server.port(), LettuceClientConfiguration.defaultConfiguration());
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
	void spec5_claimedRecordExpiresWithItsLease() {
		String id = newRecordId();
		Duration lease = Duration.ofSeconds(30);

		assertThat(this.redisStore.claim(id, inProgress("v1:fp"), newOwner(), lease).isClaimed()).isTrue();

		assertThat(pttl(id)).isPositive().isLessThanOrEqualTo(lease.toMillis());
	}

	@Test
	void token_waitsAsFieldTOfItsRecordKeyThenBecomesTheRecordInTheSameKey() {
		String id = newRecordId();
		String key = this.redisStore.keyOf(id);
		this.redisStore.issueToken(id, Duration.ofMinutes(10));

		assertThat(RedisTestServer.get().command("HKEYS", key)).isEqualTo("t");
		long expiresAt = Long.parseLong(RedisTestServer.get().command("HGET", key, "t"));
		assertThat(expiresAt - System.currentTimeMillis()).isBetween(Duration.ofMinutes(9).toMillis(),
				Duration.ofMinutes(10).toMillis() + 1000);
		assertThat(pttl(id)).isBetween(Duration.ofMinutes(9).toMillis(), Duration.ofMinutes(10).toMillis());

		String owner = newOwner();
		assertThat(this.redisStore.claimToken(id, inProgress("v1:fp"), owner, Duration.ofSeconds(30)).isClaimed())
			.isTrue();
		assertThat(pttl(id)).isLessThanOrEqualTo(30_000);
		assertThat(this.redisStore.complete(id, owner, completed(now(), "v1:fp"), Duration.ofMinutes(5)))
			.isEqualTo(CompletionResult.STORED);
		assertThat(RedisTestServer.get().command("HKEYS", key).split("\n")).containsExactlyInAnyOrder("r", "c");
		assertThat(RedisTestServer.get().command("HGET", key, "c")).as("the completing owner").isEqualTo(owner);
	}

	@Test
	void spec5_extendedLeaseSetsTheTtl() {
		String id = newRecordId();
		String owner = newOwner();
		assertThat(this.redisStore.claim(id, inProgress("v1:fp"), owner, Duration.ofSeconds(5)).isClaimed()).isTrue();

		assertThat(this.redisStore.extendLease(id, owner, Duration.ofSeconds(40))).isTrue();

		assertThat(pttl(id)).isGreaterThan(Duration.ofSeconds(5).toMillis())
			.isLessThanOrEqualTo(Duration.ofSeconds(40).toMillis());
	}

	@Test
	void spec5_completedRecordExpiresWithItsRetentionNeverImmortal() {
		String id = newRecordId();
		String owner = newOwner();
		InProgressRecord claimed = inProgress("v1:fp");
		assertThat(this.redisStore.claim(id, claimed, owner, Duration.ofSeconds(5)).isClaimed()).isTrue();
		Duration retention = Duration.ofSeconds(45);

		assertThat(this.redisStore.complete(id, owner, completed(claimed.createdAt(), "v1:fp"), retention))
			.isEqualTo(CompletionResult.STORED);

		// -1 would be a record without TTL, kept forever.
		assertThat(pttl(id)).isGreaterThan(Duration.ofSeconds(5).toMillis())
			.isLessThanOrEqualTo(retention.toMillis());
		assertThat(RedisTestServer.get().command("HEXISTS", this.redisStore.keyOf(id), "o"))
			.as("owner field removed on completion")
			.isEqualTo("0");
	}

	@Test
	void spec3_redisKeyIsThePrefixAndTheRecordIdAsAHashTag() {
		String clientKey = "client-key-8f14e45f-ceea-467e-a4b8-" + UUID.randomUUID();
		String id = RecordIds.recordId("principal:alice", "POST", "/orders", clientKey);

		String key = this.redisStore.keyOf(id);
		assertThat(key).isEqualTo(PREFIX + "{" + id + "}").doesNotContain(clientKey);

		assertThat(this.redisStore.claim(id, inProgress("v1:fp"), newOwner(), LONG_LEASE).isClaimed()).isTrue();
		assertThat(RedisTestServer.get().command("EXISTS", key)).isEqualTo("1");
		assertThat(RedisTestServer.get().command("TYPE", key)).isEqualTo("hash");
		String keysSeen = RedisTestServer.get().command("KEYS", PREFIX + "*");
		assertThat(keysSeen).contains(key).doesNotContain(clientKey);
	}

	@Test
	void spec12_storedRecordIsVersionedJson() {
		String id = newRecordId();
		String owner = newOwner();
		InProgressRecord claimed = inProgress("v1:fp");
		assertThat(this.redisStore.claim(id, claimed, owner, LONG_LEASE).isClaimed()).isTrue();
		String key = this.redisStore.keyOf(id);

		assertThat(RedisTestServer.get().command("HGET", key, "r")).startsWith("{\"v\":1");
		assertThat(RedisTestServer.get().command("HGET", key, "o")).isEqualTo(owner);

		assertThat(this.redisStore.complete(id, owner, completed(claimed.createdAt(), "v1:fp"), LONG_RETENTION))
			.isEqualTo(CompletionResult.STORED);
		String stored = RedisTestServer.get().command("HGET", key, "r");
		assertThat(stored).startsWith("{\"v\":1").contains("\"state\":\"COMPLETED\"").endsWith("\n{\"id\":42}");
		assertThat(stored).doesNotContain("dev.idempotency").doesNotContain("java.");
	}

	@Test
	void spec12_recordWrittenByHandInTheV1LayoutWithUnknownMembersIsRead() {
		String id = newRecordId();
		String key = this.redisStore.keyOf(id);
		String v1 = "{\"v\":1,\"state\":\"COMPLETED\",\"fp\":\"v1:abc\",\"createdAt\":1732384000000,"
				+ "\"completedAt\":1732384000120,\"status\":201,\"replayable\":true,"
				+ "\"headers\":[[\"Content-Type\",\"application/json\"],[\"Link\",\"</a>\"],[\"Link\",\"</b>\"]],"
				+ "\"addedLater\":{\"nested\":[1,{\"x\":null}],\"flag\":true},\"alsoLater\":\"x\"}\n{\"id\":\"p-1\"}";
		assertThat(RedisTestServer.get().command("HSET", key, "r", v1)).isEqualTo("1");
		assertThat(RedisTestServer.get().command("PEXPIRE", key, "60000")).isEqualTo("1");
		CompletedRecord expected = new CompletedRecord("v1:abc", Instant.ofEpochMilli(1732384000000L),
				Instant.ofEpochMilli(1732384000120L), 201,
				List.of(new CompletedRecord.Header("Content-Type", "application/json"),
						new CompletedRecord.Header("Link", "</a>"), new CompletedRecord.Header("Link", "</b>")),
				"{\"id\":\"p-1\"}".getBytes(StandardCharsets.UTF_8), true);

		assertThat(this.redisStore.find(id)).isEqualTo(expected);
		ClaimResult retry = this.redisStore.claim(id, inProgress("v1:abc"), newOwner(), LONG_LEASE);
		assertThat(retry.existing()).isEqualTo(expected);
		// Written before completed records kept their owner (field c): no completion is taken for a resend.
		assertThat(this.redisStore.complete(id, newOwner(), completed(now(), "v1:abc"), LONG_RETENTION))
			.isEqualTo(CompletionResult.LEASE_TAKEN_OVER);
		assertThat(this.redisStore.release(id, newOwner())).isFalse();
		assertThat(this.redisStore.find(id)).isEqualTo(expected);
	}

	@Test
	void spec12_inProgressRecordWrittenByHandIsOwnedByItsOwnerField() {
		String id = newRecordId();
		String key = this.redisStore.keyOf(id);
		String owner = newOwner();
		String v1 = "{\"v\":1,\"state\":\"IN_PROGRESS\",\"fp\":\"v1:abc\",\"createdAt\":1732384000000,\"host\":\"n1\"}\n";
		assertThat(RedisTestServer.get().command("HSET", key, "o", owner, "r", v1)).isEqualTo("2");
		assertThat(RedisTestServer.get().command("PEXPIRE", key, "60000")).isEqualTo("1");
		InProgressRecord expected = new InProgressRecord("v1:abc", Instant.ofEpochMilli(1732384000000L));

		assertThat(this.redisStore.find(id)).isEqualTo(expected);
		assertThat(this.redisStore.claim(id, inProgress("v1:abc"), newOwner(), LONG_LEASE).existing())
			.isEqualTo(expected);
		assertThat(this.redisStore.release(id, newOwner())).isFalse();
		assertThat(this.redisStore.release(id, owner)).isTrue();
		assertThat(this.redisStore.find(id)).isNull();
	}

	@Test
	@Timeout(30)
	void spec10_storeThatCannotConnectThrowsStoreException() {
		LettuceConnectionFactory dead = startedFactory("127.0.0.1", RedisTestServer.freePort(),
				LettuceClientConfiguration.defaultConfiguration());
		try {
			RedisIdempotencyStore store = new RedisIdempotencyStore(dead, PREFIX, Duration.ofMillis(300));

			assertThatExceptionOfType(IdempotencyStoreException.class)
				.isThrownBy(() -> store.claim(newRecordId(), inProgress("v1:fp"), newOwner(), LONG_LEASE));
			assertThatExceptionOfType(IdempotencyStoreException.class).isThrownBy(() -> store.find(newRecordId()));
		}
		finally {
			dead.destroy();
		}
	}

	@Test
	@Timeout(30)
	void spec10_storeThatNeverAnswersThrowsStoreExceptionWithinItsTimeout() throws IOException {
		try (BlackHole blackHole = new BlackHole()) {
			// The client keeps its defaults on purpose: the TCP connect succeeds, so no connect timeout helps,
			// and the Redis handshake then waits for the 60 s command timeout, past @Timeout. Only the store's
			// own 300 ms timeout can end these calls in time.
			LettuceConnectionFactory silent = startedFactory("127.0.0.1", blackHole.port(),
					LettuceClientConfiguration.defaultConfiguration());
			try {
				RedisIdempotencyStore store = new RedisIdempotencyStore(silent, PREFIX, Duration.ofMillis(300));

				assertThatExceptionOfType(IdempotencyStoreException.class)
					.isThrownBy(() -> store.claim(newRecordId(), inProgress("v1:fp"), newOwner(), LONG_LEASE));
				assertThatExceptionOfType(IdempotencyStoreException.class)
					.isThrownBy(() -> store.complete(newRecordId(), newOwner(), completed(now(), "v1:fp"),
							LONG_RETENTION));
				assertThatExceptionOfType(IdempotencyStoreException.class)
					.isThrownBy(() -> store.extendLease(newRecordId(), newOwner(), LONG_LEASE));
				assertThatExceptionOfType(IdempotencyStoreException.class)
					.isThrownBy(() -> store.release(newRecordId(), newOwner()));
				assertThatExceptionOfType(IdempotencyStoreException.class).isThrownBy(() -> store.find(newRecordId()));
			}
			finally {
				silent.destroy();
			}
		}
	}

	private long pttl(String id) {
		return Long.parseLong(RedisTestServer.get().command("PTTL", this.redisStore.keyOf(id)));
	}

	private static LettuceConnectionFactory startedFactory(String host, int port, LettuceClientConfiguration client) {
		LettuceConnectionFactory factory = new LettuceConnectionFactory(new RedisStandaloneConfiguration(host, port),
				client);
		factory.afterPropertiesSet();
		factory.start();
		return factory;
	}

	/** A TCP server that accepts connections and never answers. */
	private static final class BlackHole implements AutoCloseable {

		private final ServerSocket server;

		private final List<Socket> accepted = new CopyOnWriteArrayList<>();

		BlackHole() throws IOException {
			this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
			Thread acceptor = new Thread(this::acceptForever, "black-hole-acceptor");
			acceptor.setDaemon(true);
			acceptor.start();
		}

		int port() {
			return this.server.getLocalPort();
		}

		private void acceptForever() {
			while (!this.server.isClosed()) {
				try {
					this.accepted.add(this.server.accept());
				}
				catch (IOException ex) {
					return;
				}
			}
		}

		@Override
		public void close() throws IOException {
			this.server.close();
			for (Socket socket : this.accepted) {
				socket.close();
			}
		}

	}

}
