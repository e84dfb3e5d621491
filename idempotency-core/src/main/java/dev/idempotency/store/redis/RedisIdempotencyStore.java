package dev.idempotency.store.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.RedisTemplate;
import org.springframework.data.redis.core.ReactiveRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.data.redis.serializer.RedisSerializationContext;
import org.springframework.util.Assert;

import dev.idempotency.key.RecordIds;
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

	/**
	 * Returns the existing record, or creates the in-progress one with its owner and lease; nothing when
	 * the record exists and is in progress for this very owner (a claim sent again). KEYS[1] record key;
	 * ARGV[1] owner token, ARGV[2] encoded record, ARGV[3] lease in ms.
	 */
	static final RedisScript<byte[]> CLAIM = RedisScript.of("""
			local found = redis.call('HMGET', KEYS[1], 'r', 'o')
			if found[1] then
				if found[2] == ARGV[1] then return false end
				return found[1]
			end
			redis.call('HSET', KEYS[1], 'o', ARGV[1], 'r', ARGV[2])
			redis.call('PEXPIRE', KEYS[1], ARGV[3])
			return false
			""", byte[].class);

	/**
	 * Like {@link #CLAIM}, but only where a token waits (field {@code t}, its expiry in epoch ms, kept until
	 * completion so a release can give it back); an empty string when there is neither record nor token
	 * (an encoded record is never empty). Same keys and arguments as {@link #CLAIM}.
	 */
	static final RedisScript<byte[]> CLAIM_TOKEN = RedisScript.of("""
			local found = redis.call('HMGET', KEYS[1], 'r', 'o')
			if found[1] then
				if found[2] == ARGV[1] then return false end
				return found[1]
			end
			if redis.call('HEXISTS', KEYS[1], 't') == 0 then return '' end
			redis.call('HSET', KEYS[1], 'o', ARGV[1], 'r', ARGV[2])
			redis.call('PEXPIRE', KEYS[1], ARGV[3])
			return false
			""", byte[].class);

	/** Stores a token until now (Redis's clock) plus ARGV[1] ms. */
	static final RedisScript<Long> ISSUE_TOKEN = RedisScript.of("""
			local now = redis.call('TIME')
			local expiresAt = string.format('%.0f', tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000) + tonumber(ARGV[1]))
			redis.call('HSET', KEYS[1], 't', expiresAt)
			redis.call('PEXPIREAT', KEYS[1], expiresAt)
			return 1
			""", Long.class);

	/**
	 * Replaces the owner's record with the completed one, which keeps the completing owner (field
	 * {@code c}), and its retention TTL; a consumed token goes with the in-progress state. Where no record
	 * is left, stores the completed one all the same. Answers 1 when stored over the owner's record or
	 * stored already by this owner (then changing nothing), 2 when stored where no record was, 0 when
	 * another owner holds or completed the record. ARGV[1] owner token, ARGV[2] encoded record, ARGV[3]
	 * retention in ms.
	 */
	static final RedisScript<Long> COMPLETE = RedisScript.of("""
			local found = redis.call('HMGET', KEYS[1], 'r', 'o', 'c')
			if found[1] then
				if found[3] == ARGV[1] then return 1 end
				if found[2] ~= ARGV[1] then return 0 end
			end
			redis.call('HDEL', KEYS[1], 'o', 't')
			redis.call('HSET', KEYS[1], 'r', ARGV[2], 'c', ARGV[1])
			redis.call('PEXPIRE', KEYS[1], ARGV[3])
			if found[1] then return 1 end
			return 2
			""", Long.class);

	/**
	 * Deletes the owner's record, or, for a record claimed with a token, gives the token back until its own
	 * expiry (at once gone if that has passed). Where no record is left (released already, expired) it
	 * changes nothing and answers 1. ARGV[1] owner token.
	 */
	static final RedisScript<Long> RELEASE = RedisScript.of("""
			local found = redis.call('HMGET', KEYS[1], 'r', 'o', 't')
			if not found[1] then return 1 end
			if found[2] ~= ARGV[1] then return 0 end
			if not found[3] then
				redis.call('DEL', KEYS[1])
				return 1
			end
			redis.call('HDEL', KEYS[1], 'o', 'r')
			redis.call('PEXPIREAT', KEYS[1], found[3])
			return 1
			""", Long.class);

	/** Resets the owner's lease. ARGV[1] owner token, ARGV[2] lease in ms. */
	static final RedisScript<Long> EXTEND_LEASE = RedisScript.of("""
			if redis.call('HGET', KEYS[1], 'o') ~= ARGV[1] then return 0 end
			return redis.call('PEXPIRE', KEYS[1], ARGV[2])
			""", Long.class);

	private static final byte[] RECORD_FIELD = { 'r' };

	/** The least time {@link #maxmemoryPolicy()} waits. */
	static final Duration STARTUP_PROBE_TIMEOUT = Duration.ofSeconds(10);

	private static final Log logger = LogFactory.getLog(RedisIdempotencyStore.class);

	private final ReactiveRedisConnectionFactory connectionFactory;

	private final ReactiveRedisTemplate<byte[], byte[]> redis;

	private final String keyPrefix;

	private final Duration timeout;

	private final int durableReplicas;

	private final Duration durableTimeout;

	private final AtomicLong unreplicatedCompletions = new AtomicLong();

	private final @Nullable RedisTemplate<byte[], byte[]> blockingRedis;

	private volatile boolean connected;

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
		this.durableReplicas = durableReplicas;
		this.durableTimeout = durableTimeout;
		this.blockingRedis = (connectionFactory instanceof LettuceConnectionFactory lettuce) ? blockingTemplate(lettuce)
				: null;
	}

	private static RedisTemplate<byte[], byte[]> blockingTemplate(RedisConnectionFactory connectionFactory) {
		RedisTemplate<byte[], byte[]> template = new RedisTemplate<>();
		template.setConnectionFactory(connectionFactory);
		template.setEnableDefaultSerializer(false);
		template.afterPropertiesSet();
		return template;
	}

	@Override
	public ClaimResult claim(String recordId, InProgressRecord record, String ownerToken, Duration lease) {
		byte[] existing = script("claim", CLAIM, ScriptOutputType.VALUE, redisKey(recordId), ascii(ownerToken),
				RecordCodec.encode(record), millis(lease));
		return (existing != null) ? ClaimResult.existing(RecordCodec.decode(existing)) : ClaimResult.claimed();
	}

	@Override
	public boolean supportsTokens() {
		return true;
	}

	@Override
	public void issueToken(String recordId, Duration ttl) {
		script("issue token", ISSUE_TOKEN, ScriptOutputType.INTEGER, redisKey(recordId), millis(ttl));
	}

	@Override
	public ClaimResult claimToken(String recordId, InProgressRecord record, String ownerToken, Duration lease) {
		byte[] existing = script("claim token", CLAIM_TOKEN, ScriptOutputType.VALUE, redisKey(recordId),
				ascii(ownerToken), RecordCodec.encode(record), millis(lease));
		if (existing == null) {
			return ClaimResult.claimed();
		}
		return (existing.length == 0) ? ClaimResult.unknownToken() : ClaimResult.existing(RecordCodec.decode(existing));
	}

	@Override
	public CompletionResult complete(String recordId, String ownerToken, CompletedRecord record, Duration retention) {
		if (this.durableReplicas > 0) {
			return completeDurably(recordId, ownerToken, record, retention);
		}
		return completionResult(script("complete", COMPLETE, ScriptOutputType.INTEGER, redisKey(recordId),
				ascii(ownerToken), RecordCodec.encode(record), millis(retention)));
	}

	private static CompletionResult completionResult(@Nullable Long reply) {
		if (reply == null || reply == 0L) {
			return CompletionResult.LEASE_TAKEN_OVER;
		}
		return (reply == 1L) ? CompletionResult.STORED : CompletionResult.STORED_AFTER_LEASE_EXPIRED;
	}

	/**
	 * Runs one script. On Lettuce (always, in practice) the script goes straight to the native
	 * asynchronous connection as {@code EVALSHA} and the caller waits at most the timeout for its
	 * future, which measured about half the allocation and 5–15 % less CPU than the reactive template
	 * ({@code docs/benchmarks.md}); otherwise it goes through the reactive template.
	 */
	private <T> @Nullable T script(String operation, RedisScript<?> script, ScriptOutputType outputType, byte[] key,
			byte[]... args) {
		if (this.blockingRedis == null) {
			@SuppressWarnings("unchecked")
			RedisScript<T> typed = (RedisScript<T>) script;
			return call(operation, this.redis.execute(typed, List.of(key), List.of(args)));
		}
		if (!this.connected) {
			return call(operation, Mono.fromCallable(() -> this.<T>evalShaNative(script, outputType, key, args)).flux());
		}
		try {
			return evalShaNative(script, outputType, key, args);
		}
		catch (RuntimeException ex) {
			this.connected = false;
			throw new IdempotencyStoreException("Redis " + operation + " failed: " + ex.getMessage(), ex);
		}
	}

	private <T> @Nullable T evalShaNative(RedisScript<?> script, ScriptOutputType outputType, byte[] key,
			byte[][] args) {
		return this.blockingRedis.execute((RedisCallback<T>) (connection) -> evalSha(nativeCommands(connection),
				script, outputType, new byte[][] { key }, args, this.timeout));
	}

	@SuppressWarnings("unchecked")
	private static RedisClusterAsyncCommands<byte[], byte[]> nativeCommands(
			org.springframework.data.redis.connection.RedisConnection connection) {
		return (RedisClusterAsyncCommands<byte[], byte[]>) connection.getNativeConnection();
	}

	/** How many completions were not acknowledged by the configured number of replicas in time. */
	public long unreplicatedCompletions() {
		return this.unreplicatedCompletions.get();
	}

	/**
	 * The completion script and {@code WAIT}, on one connection (Lettuce's shared one): {@code WAIT} counts
	 * the writes of the connection it is sent on. Runs off the caller's thread so the timeout bounds it.
	 */
	private CompletionResult completeDurably(String recordId, String ownerToken, CompletedRecord record,
			Duration retention) {
		byte[][] keyAndArgs = { redisKey(recordId), ascii(ownerToken), RecordCodec.encode(record), millis(retention) };
		long[] reply;
		try {
			reply = Mono.fromCallable(() -> this.blockingRedis.execute((RedisCallback<long[]>) (connection) -> {
				RedisClusterAsyncCommands<byte[], byte[]> commands = nativeCommands(connection);
				Long completed = evalSha(commands, COMPLETE, ScriptOutputType.INTEGER, new byte[][] { keyAndArgs[0] },
						java.util.Arrays.copyOfRange(keyAndArgs, 1, keyAndArgs.length), this.timeout);
				if (!completionResult(completed).isStored()) {
					return new long[] { 0, 0 };
				}
				Long acknowledged = await(commands.waitForReplication(this.durableReplicas, this.durableTimeout.toMillis()),
						this.timeout.plus(this.durableTimeout));
				return new long[] { completed, (acknowledged != null) ? acknowledged : -1 };
			})).subscribeOn(Schedulers.boundedElastic()).block(this.timeout.plus(this.durableTimeout));
		}
		catch (RuntimeException ex) {
			throw new IdempotencyStoreException("Redis complete failed: " + ex.getMessage(), ex);
		}
		CompletionResult result = completionResult((reply != null) ? reply[0] : null);
		if (!result.isStored()) {
			return result;
		}
		if (reply[1] < this.durableReplicas) {
			this.unreplicatedCompletions.incrementAndGet();
			logger.warn("Completion of record " + RecordIds.logId(recordId) + " was acknowledged by " + reply[1] + " of "
					+ this.durableReplicas + " replicas within " + this.durableTimeout
					+ "; the answer is sent, but a failover now could lose the record");
		}
		return result;
	}

	private static <T> @Nullable T evalSha(RedisClusterAsyncCommands<byte[], byte[]> commands, RedisScript<?> script,
			ScriptOutputType outputType, byte[][] keys, byte[][] args, Duration timeout) {
		try {
			return await(commands.<T>evalsha(script.getSha1(), outputType, keys, args), timeout);
		}
		catch (RedisNoScriptException ex) {
			return await(commands.<T>eval(script.getScriptAsString().getBytes(StandardCharsets.UTF_8), outputType,
					keys, args), timeout);
		}
	}

	private static <T> @Nullable T await(RedisFuture<T> future, Duration timeout) {
		return awaitUntil(future, System.nanoTime() + timeout.toNanos(), timeout);
	}

	/**
	 * Waits for a reply until the deadline. A command still unanswered then is cancelled: Lettuce keeps
	 * the commands of a dropped connection and sends them after reconnecting, but skips cancelled ones
	 * ({@code LettuceReconnectBehaviourTest}), so a claim the caller gave up on cannot land later and hold
	 * the key for a lease. One already on the wire may still run.
	 */
	private static <T> @Nullable T awaitUntil(RedisFuture<T> future, long deadlineNanos, Duration timeout) {
		try {
			return future.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
		}
		catch (TimeoutException ex) {
			future.cancel(true);
			throw new IllegalStateException("No answer from Redis within " + timeout, ex);
		}
		catch (InterruptedException ex) {
			future.cancel(true);
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
		catch (ExecutionException ex) {
			throw (ex.getCause() instanceof RuntimeException runtime) ? runtime : new IllegalStateException(ex.getCause());
		}
	}

	@Override
	public boolean release(String recordId, String ownerToken) {
		return isOne(script("release", RELEASE, ScriptOutputType.INTEGER, redisKey(recordId), ascii(ownerToken)));
	}

	@Override
	public boolean extendLease(String recordId, String ownerToken, Duration lease) {
		return isOne(script("extend lease", EXTEND_LEASE, ScriptOutputType.INTEGER, redisKey(recordId),
				ascii(ownerToken), millis(lease)));
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
		if (this.blockingRedis == null) {
			return call("extend leases", Flux.fromIterable(ids)
				.flatMap((id) -> this.redis
					.execute(EXTEND_LEASE, List.of(redisKey(id)), List.of(ascii(ownerByRecordId.get(id)), leaseMillis))
					.next()
					.filter((reply) -> !isOne(reply))
					.map((reply) -> id))
				.collect(Collectors.toCollection(HashSet::new))
				.flux());
		}
		if (!this.connected) {
			return call("extend leases",
					Mono.fromCallable(() -> extendLeasesNative(ids, ownerByRecordId, leaseMillis)).flux());
		}
		try {
			return extendLeasesNative(ids, ownerByRecordId, leaseMillis);
		}
		catch (RuntimeException ex) {
			this.connected = false;
			throw new IdempotencyStoreException("Redis extend leases failed: " + ex.getMessage(), ex);
		}
	}

	private Set<String> extendLeasesNative(List<String> ids, Map<String, String> ownerByRecordId, byte[] leaseMillis) {
		return this.blockingRedis.execute((RedisCallback<Set<String>>) (connection) -> {
			RedisClusterAsyncCommands<byte[], byte[]> commands = nativeCommands(connection);
			long deadline = System.nanoTime() + this.timeout.toNanos();
			byte[][][] keysAndArgs = new byte[ids.size()][][];
			List<RedisFuture<Long>> replies = new ArrayList<>(ids.size());
			for (int i = 0; i < ids.size(); i++) {
				String id = ids.get(i);
				keysAndArgs[i] = new byte[][] { redisKey(id), ascii(ownerByRecordId.get(id)), leaseMillis };
				replies.add(commands.evalsha(EXTEND_LEASE.getSha1(), ScriptOutputType.INTEGER,
						new byte[][] { keysAndArgs[i][0] }, keysAndArgs[i][1], keysAndArgs[i][2]));
			}
			try {
				List<Integer> unloaded = new ArrayList<>();
				Set<String> lost = new HashSet<>();
				for (int i = 0; i < ids.size(); i++) {
					try {
						if (!isOne(awaitUntil(replies.get(i), deadline, this.timeout))) {
							lost.add(ids.get(i));
						}
					}
					catch (RedisNoScriptException ex) {
						unloaded.add(i);
					}
				}
				if (!unloaded.isEmpty()) {
					byte[] script = EXTEND_LEASE.getScriptAsString().getBytes(StandardCharsets.UTF_8);
					replies.clear();
					for (int i : unloaded) {
						replies.add(commands.eval(script, ScriptOutputType.INTEGER, new byte[][] { keysAndArgs[i][0] },
								keysAndArgs[i][1], keysAndArgs[i][2]));
					}
					for (int i = 0; i < unloaded.size(); i++) {
						if (!isOne(awaitUntil(replies.get(i), deadline, this.timeout))) {
							lost.add(ids.get(unloaded.get(i)));
						}
					}
				}
				return lost;
			}
			catch (RuntimeException ex) {
				replies.forEach((reply) -> reply.cancel(true));
				throw ex;
			}
		});
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
	 * services often disable {@code CONFIG}) or does not answer in time. Meant for a check at start-up: it
	 * usually opens the connection, so it waits up to {@link #STARTUP_PROBE_TIMEOUT} or the store's timeout,
	 * whichever is longer, and leaves the connection open for the first requests.
	 */
	public @Nullable String maxmemoryPolicy() {
		Duration wait = (this.timeout.compareTo(STARTUP_PROBE_TIMEOUT) > 0) ? this.timeout : STARTUP_PROBE_TIMEOUT;
		try {
			Mono<Properties> config = (this.blockingRedis != null)
					? Mono.fromCallable(() -> this.blockingRedis.execute(
							(RedisCallback<Properties>) (connection) -> connection.serverCommands().getConfig("maxmemory-policy")))
					: Mono.usingWhen(Mono.fromSupplier(this.connectionFactory::getReactiveConnection),
							(connection) -> connection.serverCommands().getConfig("maxmemory-policy"),
							(connection) -> connection.closeLater());
			Properties properties = config.subscribeOn(Schedulers.boundedElastic()).block(wait);
			if (properties == null) {
				return null;
			}
			String policy = properties.getProperty("maxmemory-policy");
			return (policy != null) ? policy : firstValue(properties);
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

	/**
	 * The policy under another spelling of its name: any case, or, from a Redis Cluster, once per node as
	 * {@code host:port.maxmemory-policy}; the first one other than {@code noeviction} if a node has one.
	 */
	private static @Nullable String firstValue(Properties config) {
		String found = null;
		for (String name : config.stringPropertyNames()) {
			String lowerCase = name.toLowerCase(Locale.ROOT);
			if (lowerCase.equals("maxmemory-policy") || lowerCase.endsWith(".maxmemory-policy")) {
				String policy = config.getProperty(name);
				if (found == null || "noeviction".equalsIgnoreCase(found)) {
					found = policy;
				}
			}
		}
		return found;
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
