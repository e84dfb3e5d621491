package dev.idempotency.store.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;

import io.lettuce.core.ScriptOutputType;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.data.redis.serializer.RedisSerializationContext;
import org.springframework.util.Assert;

import dev.idempotency.store.ClaimResult;
import dev.idempotency.store.CompletedRecord;
import dev.idempotency.store.CompletionResult;
import dev.idempotency.store.IdempotencyRecord;
import dev.idempotency.store.IdempotencyStore;
import dev.idempotency.store.IdempotencyStoreException;
import dev.idempotency.store.InProgressRecord;
import dev.idempotency.store.RecordCodec;

/**
 * The Redis store (Spring Data Redis, Lettuce). One record is one hash under {@code <prefix>{<record id>}}
 * — field {@code r} holds the {@linkplain RecordCodec encoded record}, field {@code o} the owner token
 * while the execution runs, field {@code c} the owner that completed it, field {@code t} a one-time
 * token's expiry until the token is used up — so
 * a record, its owner and its token live in one key, hence one Redis Cluster slot. Every state change
 * is one Lua script, sent as {@code EVALSHA}, that checks and writes in one atomic step; the scripts use
 * only commands of Redis 6.2, and each can run twice for one owner with the effect of once, since Lettuce
 * sends the unanswered commands of a dropped connection again. Every call, connecting included, returns or
 * fails within the configured timeout; with durable completion, a completion within the timeout plus the
 * durable timeout.
 */
public class RedisIdempotencyStore implements IdempotencyStore {

	private static final byte[] RECORD_FIELD = { 'r' };

	/** The least time {@link #maxmemoryPolicy()} waits. */
	static final Duration STARTUP_PROBE_TIMEOUT = Duration.ofSeconds(10);

	private final ReactiveRedisConnectionFactory connectionFactory;

	private final ReactiveRedisTemplate<byte[], byte[]> redis;

	private final String keyPrefix;

	private final Duration timeout;

	private final @Nullable LettuceScriptCommands lettuce;

	private final @Nullable DurableCompletion durableCompletion;

	private final RedisCalls calls;

	/**
	 * @param keyPrefix prepended to every key, e.g. {@code idempotency:}
	 * @param timeout the longest any store call may wait for Redis
	 */
	public RedisIdempotencyStore(ReactiveRedisConnectionFactory connectionFactory, String keyPrefix, Duration timeout) {
		this(connectionFactory, keyPrefix, timeout, 0, Duration.ZERO);
	}

	/**
	 * A store with durable completion: after each completion write it sends {@code WAIT durableReplicas
	 * durableTimeout}, so the answer is only sent once that many replicas have the record, or the
	 * timeout passed. When the timeout passes first, the answer is sent all the same (the handler's work
	 * is done), a warning is logged and {@link #unreplicatedCompletions()} counts it. The completion and its
	 * {@code WAIT} go over one connection, since {@code WAIT} counts the writes of the connection it is sent
	 * on; with Lettuce's shared connection (the default) other commands queue behind a pending {@code WAIT},
	 * so keep the durable timeout short. Standalone or Sentinel-managed Redis only, not Cluster.
	 * @param durableReplicas how many replicas must acknowledge a completion; {@code 0} turns it off
	 */
	public RedisIdempotencyStore(ReactiveRedisConnectionFactory connectionFactory, String keyPrefix, Duration timeout,
			int durableReplicas, Duration durableTimeout) {
		Assert.isTrue(timeout.toMillis() > 0, "timeout must be positive");
		Assert.isTrue(durableReplicas >= 0, "durableReplicas must not be negative");
		if (durableReplicas > 0) {
			Assert.isTrue(durableTimeout.toMillis() > 0, "durableTimeout must be positive");
			Assert.state(connectionFactory instanceof LettuceConnectionFactory lettuce && !lettuce.isClusterAware(),
					"Durable completion (WAIT) needs a LettuceConnectionFactory on a standalone or Sentinel-managed"
							+ " Redis; it is not supported on Redis Cluster");
		}
		this.connectionFactory = connectionFactory;
		this.redis = new ReactiveRedisTemplate<>(connectionFactory, RedisSerializationContext.byteArray());
		this.keyPrefix = keyPrefix;
		this.timeout = timeout;
		this.calls = new RedisCalls(timeout);
		this.lettuce = (connectionFactory instanceof LettuceConnectionFactory lettuce)
				? new LettuceScriptCommands(lettuce, timeout) : null;
		this.durableCompletion = (durableReplicas > 0)
				? new DurableCompletion(this.lettuce, timeout, durableReplicas, durableTimeout) : null;
	}

	@Override
	public ClaimResult claim(String recordId, InProgressRecord record, String ownerToken, Duration lease) {
		byte[] existing = script("claim", RedisScripts.CLAIM, ScriptOutputType.VALUE, redisKey(recordId),
				ascii(ownerToken), RecordCodec.encode(record), millis(lease));
		return (existing != null) ? ClaimResult.existing(RecordCodec.decode(existing)) : ClaimResult.claimed();
	}

	@Override
	public boolean supportsTokens() {
		return true;
	}

	@Override
	public void issueToken(String recordId, Duration ttl) {
		script("issue token", RedisScripts.ISSUE_TOKEN, ScriptOutputType.INTEGER, redisKey(recordId), millis(ttl));
	}

	@Override
	public ClaimResult claimToken(String recordId, InProgressRecord record, String ownerToken, Duration lease) {
		byte[] existing = script("claim token", RedisScripts.CLAIM_TOKEN, ScriptOutputType.VALUE, redisKey(recordId),
				ascii(ownerToken), RecordCodec.encode(record), millis(lease));
		if (existing == null) {
			return ClaimResult.claimed();
		}
		return (existing.length == 0) ? ClaimResult.unknownToken() : ClaimResult.existing(RecordCodec.decode(existing));
	}

	@Override
	public CompletionResult complete(String recordId, String ownerToken, CompletedRecord record, Duration retention) {
		byte[][] args = { ascii(ownerToken), RecordCodec.encode(record), millis(retention) };
		if (this.durableCompletion != null) {
			return this.durableCompletion.complete(recordId, redisKey(recordId), args);
		}
		return RedisScripts.completionResult(
				script("complete", RedisScripts.COMPLETE, ScriptOutputType.INTEGER, redisKey(recordId), args));
	}

	/**
	 * Runs one script. On Lettuce (always, in practice) the script goes straight to the native
	 * asynchronous connection as {@code EVALSHA} and the caller waits at most the timeout for its
	 * future, which measured about half the allocation and 5–15 % less CPU than the reactive template
	 * ({@code docs/benchmarks.md}); otherwise it goes through the reactive template.
	 */
	private <T> @Nullable T script(String operation, RedisScript<?> script, ScriptOutputType outputType, byte[] key,
			byte[]... args) {
		if (this.lettuce == null) {
			@SuppressWarnings("unchecked")
			RedisScript<T> typed = (RedisScript<T>) script;
			return this.calls.reactive(operation, this.redis.execute(typed, List.of(key), List.of(args)));
		}
		return this.calls.blocking(operation, () -> this.lettuce.<T>run(script, outputType, key, args));
	}

	/** How many completions were not acknowledged by the configured number of replicas in time. */
	public long unreplicatedCompletions() {
		return (this.durableCompletion != null) ? this.durableCompletion.unreplicatedCompletions() : 0;
	}

	@Override
	public boolean release(String recordId, String ownerToken) {
		return RedisScripts.isOne(script("release", RedisScripts.RELEASE, ScriptOutputType.INTEGER, redisKey(recordId),
				ascii(ownerToken)));
	}

	@Override
	public boolean extendLease(String recordId, String ownerToken, Duration lease) {
		return RedisScripts.isOne(script("extend lease", RedisScripts.EXTEND_LEASE, ScriptOutputType.INTEGER,
				redisKey(recordId), ascii(ownerToken), millis(lease)));
	}

	/**
	 * Sends every extension at once, {@code EVALSHA} after {@code EVALSHA} on the native connection without
	 * waiting (Lettuce pipelines them), then awaits all their replies within one timeout: a batch costs
	 * about one round trip, not one per record. Through the reactive template, they go out concurrently.
	 */
	@Override
	public Set<String> extendLeases(Map<String, String> ownerByRecordId, Duration lease) {
		if (ownerByRecordId.isEmpty()) {
			return new HashSet<>();
		}
		List<String> ids = new ArrayList<>(ownerByRecordId.keySet());
		byte[] leaseMillis = millis(lease);
		if (this.lettuce == null) {
			return this.calls.reactive("extend leases", Flux.fromIterable(ids)
				.flatMap((id) -> this.redis
					.execute(RedisScripts.EXTEND_LEASE, List.of(redisKey(id)),
							List.of(ascii(ownerByRecordId.get(id)), leaseMillis))
					.next()
					.filter((reply) -> !RedisScripts.isOne(reply))
					.map((reply) -> id))
				.collect(Collectors.toCollection(HashSet::new))
				.flux());
		}
		byte[][][] keysAndArgs = new byte[ids.size()][][];
		for (int i = 0; i < ids.size(); i++) {
			String id = ids.get(i);
			keysAndArgs[i] = new byte[][] { redisKey(id), ascii(ownerByRecordId.get(id)), leaseMillis };
		}
		return this.calls.blocking("extend leases", () -> this.lettuce.extendLeases(ids, keysAndArgs));
	}

	@Override
	public boolean delete(String recordId) {
		Long deleted = this.calls.reactive("delete", this.redis.delete(redisKey(recordId)).flux());
		return deleted != null && deleted > 0;
	}

	@Override
	public @Nullable IdempotencyRecord find(String recordId) {
		byte[] stored = this.calls.reactive("find",
				this.redis.execute((connection) -> connection.hashCommands()
					.hGet(java.nio.ByteBuffer.wrap(redisKey(recordId)), java.nio.ByteBuffer.wrap(RECORD_FIELD))
					.map(RedisIdempotencyStore::bytes)));
		return (stored != null) ? RecordCodec.decode(stored) : null;
	}

	/**
	 * The server's {@code maxmemory-policy}, or {@code null} when the server does not tell (managed Redis
	 * services often disable {@code CONFIG}) or does not answer in time. Meant for a check at start-up: it
	 * usually opens the connection, so it waits up to {@link #STARTUP_PROBE_TIMEOUT} or the store's timeout,
	 * whichever is longer, and leaves the connection open for the first requests.
	 */
	public @Nullable String maxmemoryPolicy() {
		Duration wait = (this.timeout.compareTo(STARTUP_PROBE_TIMEOUT) > 0) ? this.timeout : STARTUP_PROBE_TIMEOUT;
		try {
			Mono<Properties> config = (this.lettuce != null)
					? Mono.fromCallable(() -> this.lettuce.getConfig("maxmemory-policy"))
					: Mono.usingWhen(Mono.fromSupplier(this.connectionFactory::getReactiveConnection),
							(connection) -> connection.serverCommands().getConfig("maxmemory-policy"),
							(connection) -> connection.closeLater());
			Properties properties = config.subscribeOn(Schedulers.boundedElastic()).block(wait);
			if (properties == null) {
				return null;
			}
			return MaxmemoryPolicy.of(properties);
		}
		catch (RuntimeException ex) {
			return null;
		}
	}

	/** The Redis key of a record: the prefix and the record id as a hash tag. */
	public String keyOf(String recordId) {
		return this.keyPrefix + "{" + recordId + "}";
	}

	private byte[] redisKey(String recordId) {
		return keyOf(recordId).getBytes(StandardCharsets.UTF_8);
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
