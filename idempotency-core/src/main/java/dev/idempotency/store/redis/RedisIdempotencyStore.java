package dev.idempotency.store.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.core.ReactiveRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.data.redis.serializer.RedisSerializationContext;
import org.springframework.util.Assert;

import dev.idempotency.store.ClaimResult;
import dev.idempotency.store.CompletedRecord;
import dev.idempotency.store.IdempotencyRecord;
import dev.idempotency.store.IdempotencyStore;
import dev.idempotency.store.IdempotencyStoreException;
import dev.idempotency.store.InProgressRecord;
import dev.idempotency.store.RecordCodec;

/**
 * The Redis store (Spring Data Redis, Lettuce). One record is one hash under {@code <prefix>{<record id>}}
 * — field {@code r} holds the {@linkplain RecordCodec encoded record}, field {@code o} the owner token
 * while the execution runs — so every key of a record lives in one Redis Cluster slot. Every state change
 * is one Lua script, sent as {@code EVALSHA}, that checks and writes in one atomic step; the scripts use
 * only commands of Redis 6.2. Every call, connecting included, returns or fails within the configured
 * timeout.
 */
public class RedisIdempotencyStore implements IdempotencyStore {

	/**
	 * Returns the existing record, or creates the in-progress one with its owner and lease. KEYS[1] record
	 * key; ARGV[1] owner token, ARGV[2] encoded record, ARGV[3] lease in ms.
	 */
	static final RedisScript<byte[]> CLAIM = RedisScript.of("""
			local existing = redis.call('HGET', KEYS[1], 'r')
			if existing then return existing end
			redis.call('HSET', KEYS[1], 'o', ARGV[1], 'r', ARGV[2])
			redis.call('PEXPIRE', KEYS[1], ARGV[3])
			return false
			""", byte[].class);

	/**
	 * Replaces the owner's record with the completed one and its retention TTL. ARGV[1] owner token,
	 * ARGV[2] encoded record, ARGV[3] retention in ms.
	 */
	static final RedisScript<Long> COMPLETE = RedisScript.of("""
			if redis.call('HGET', KEYS[1], 'o') ~= ARGV[1] then return 0 end
			redis.call('HDEL', KEYS[1], 'o')
			redis.call('HSET', KEYS[1], 'r', ARGV[2])
			redis.call('PEXPIRE', KEYS[1], ARGV[3])
			return 1
			""", Long.class);

	/** Deletes the owner's record. ARGV[1] owner token. */
	static final RedisScript<Long> RELEASE = RedisScript.of("""
			if redis.call('HGET', KEYS[1], 'o') ~= ARGV[1] then return 0 end
			return redis.call('DEL', KEYS[1])
			""", Long.class);

	/** Resets the owner's lease. ARGV[1] owner token, ARGV[2] lease in ms. */
	static final RedisScript<Long> EXTEND_LEASE = RedisScript.of("""
			if redis.call('HGET', KEYS[1], 'o') ~= ARGV[1] then return 0 end
			return redis.call('PEXPIRE', KEYS[1], ARGV[2])
			""", Long.class);

	private static final byte[] RECORD_FIELD = { 'r' };

	private final ReactiveRedisConnectionFactory connectionFactory;

	private final ReactiveRedisTemplate<byte[], byte[]> redis;

	private final String keyPrefix;

	private final Duration timeout;

	private volatile boolean connected;

	/**
	 * @param keyPrefix prepended to every key, e.g. {@code idempotency:}
	 * @param timeout the longest any store call may wait for Redis
	 */
	public RedisIdempotencyStore(ReactiveRedisConnectionFactory connectionFactory, String keyPrefix, Duration timeout) {
		Assert.isTrue(timeout.toMillis() > 0, "timeout must be positive");
		this.connectionFactory = connectionFactory;
		this.redis = new ReactiveRedisTemplate<>(connectionFactory, RedisSerializationContext.byteArray());
		this.keyPrefix = keyPrefix;
		this.timeout = timeout;
	}

	@Override
	public ClaimResult claim(String recordId, InProgressRecord record, String ownerToken, Duration lease) {
		byte[] existing = call("claim", this.redis.execute(CLAIM, key(recordId),
				List.of(ascii(ownerToken), RecordCodec.encode(record), millis(lease))));
		return (existing != null) ? ClaimResult.existing(RecordCodec.decode(existing)) : ClaimResult.claimed();
	}

	@Override
	public boolean complete(String recordId, String ownerToken, CompletedRecord record, Duration retention) {
		return isOne(call("complete", this.redis.execute(COMPLETE, key(recordId),
				List.of(ascii(ownerToken), RecordCodec.encode(record), millis(retention)))));
	}

	@Override
	public boolean release(String recordId, String ownerToken) {
		return isOne(call("release", this.redis.execute(RELEASE, key(recordId), List.of(ascii(ownerToken)))));
	}

	@Override
	public boolean extendLease(String recordId, String ownerToken, Duration lease) {
		return isOne(call("extend lease",
				this.redis.execute(EXTEND_LEASE, key(recordId), List.of(ascii(ownerToken), millis(lease)))));
	}

	@Override
	public boolean delete(String recordId) {
		Long deleted = call("delete", this.redis.delete(redisKey(recordId)).flux());
		return deleted != null && deleted > 0;
	}

	@Override
	public @Nullable IdempotencyRecord find(String recordId) {
		byte[] stored = call("find",
				this.redis.execute((connection) -> connection.hashCommands()
					.hGet(java.nio.ByteBuffer.wrap(redisKey(recordId)), java.nio.ByteBuffer.wrap(RECORD_FIELD))
					.map(RedisIdempotencyStore::bytes)));
		return (stored != null) ? RecordCodec.decode(stored) : null;
	}

	/**
	 * The server's {@code maxmemory-policy}, or {@code null} when the server does not tell (managed Redis
	 * services often disable {@code CONFIG}).
	 */
	public @Nullable String maxmemoryPolicy() {
		try {
			Properties config = Mono
				.usingWhen(Mono.fromSupplier(this.connectionFactory::getReactiveConnection),
						(connection) -> connection.serverCommands().getConfig("maxmemory-policy"),
						(connection) -> connection.closeLater())
				.subscribeOn(Schedulers.boundedElastic())
				.block(this.timeout);
			if (config == null) {
				return null;
			}
			String policy = config.getProperty("maxmemory-policy");
			return (policy != null) ? policy : firstValue(config);
		}
		catch (RuntimeException ex) {
			return null;
		}
	}

	/** The Redis key of a record: the prefix and the record id as a hash tag. */
	public String keyOf(String recordId) {
		return this.keyPrefix + "{" + recordId + "}";
	}

	private List<byte[]> key(String recordId) {
		return List.of(redisKey(recordId));
	}

	private byte[] redisKey(String recordId) {
		return keyOf(recordId).getBytes(StandardCharsets.UTF_8);
	}

	/**
	 * Runs one command, waiting at most the timeout. Until the connection has answered once (and again
	 * after any failure) the command is subscribed on another thread, because opening Lettuce's shared
	 * connection blocks the subscriber for the whole handshake, which only the client's own command
	 * timeout bounds; once connected, Lettuce reconnects in the background and commands never block.
	 */
	private <T> @Nullable T call(String operation, Flux<T> command) {
		Mono<T> reply = command.next();
		try {
			T result = (this.connected ? reply : reply.subscribeOn(Schedulers.boundedElastic())).block(this.timeout);
			this.connected = true;
			return result;
		}
		catch (RuntimeException ex) {
			this.connected = false;
			throw new IdempotencyStoreException("Redis " + operation + " failed: " + ex.getMessage(), ex);
		}
	}

	private static @Nullable String firstValue(Properties config) {
		for (String name : config.stringPropertyNames()) {
			if (name.equalsIgnoreCase("maxmemory-policy")) {
				return config.getProperty(name);
			}
		}
		return null;
	}

	private static boolean isOne(@Nullable Long reply) {
		return reply != null && reply == 1L;
	}

	private static byte[] bytes(java.nio.ByteBuffer buffer) {
		byte[] bytes = new byte[buffer.remaining()];
		buffer.get(bytes);
		return bytes;
	}

	private static byte[] ascii(String value) {
		return value.getBytes(StandardCharsets.US_ASCII);
	}

	private static byte[] millis(Duration duration) {
		return ascii(Long.toString(Math.max(1, duration.toMillis())));
	}

}
