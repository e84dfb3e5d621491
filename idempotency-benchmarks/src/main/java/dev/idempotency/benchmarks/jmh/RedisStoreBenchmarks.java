package dev.idempotency.benchmarks.jmh;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import dev.idempotency.benchmarks.support.LocalRedis;
import dev.idempotency.store.ClaimResult;
import dev.idempotency.store.CompletedRecord;
import dev.idempotency.store.InProgressRecord;
import dev.idempotency.store.redis.RedisIdempotencyStore;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.connection.ReactiveRedisClusterConnection;
import org.springframework.data.redis.connection.ReactiveRedisConnection;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * The Redis store's work per request, against a dedicated {@code redis-server} this benchmark starts on a
 * free loopback port (one per fork; {@code -Dbench.redis-server=CMD} to use another binary):
 * {@code claimComplete} is a first execution's store work (claim a new key, then complete it with a
 * 103-byte answer), {@code claimExisting} a replay's (a claim that finds the completed record).
 * <p>
 * {@code path=native} hands the store the {@link LettuceConnectionFactory} itself, so it sends its scripts
 * over Lettuce's native asynchronous connection; {@code path=reactive} hands it the same factory behind a
 * {@link ReactiveOnlyConnectionFactory} (not a {@code LettuceConnectionFactory}), so it goes through
 * {@code ReactiveRedisTemplate}. Run with {@code -t 1} and {@code -t 4}, {@code -prof gc} for allocation
 * and {@code -prof dev.idempotency.benchmarks.jmh.CpuProfiler} for CPU time and context switches per
 * operation; {@code java -jar idempotency-benchmarks.jar store} runs the whole comparison.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = { "-Xms512m", "-Xmx512m" })
@Warmup(iterations = 10, time = 2)
@Measurement(iterations = 5, time = 2)
@State(Scope.Benchmark)
public class RedisStoreBenchmarks {

	private static final Duration TIMEOUT = Duration.ofSeconds(2);

	private static final Duration LEASE = Duration.ofSeconds(30);

	/** Short, so the records of claimComplete expire while the benchmark runs and Redis stays small. */
	private static final Duration RETENTION = Duration.ofSeconds(10);

	private static final String REPLAYED = "replayed-record";

	@Param({ "native", "reactive" })
	public String path;

	private Path redisDir;

	private LocalRedis redis;

	private LettuceConnectionFactory connectionFactory;

	private RedisIdempotencyStore store;

	private InProgressRecord inProgress;

	private CompletedRecord completed;

	@Setup(Level.Trial)
	public void setUp() throws Exception {
		this.redisDir = Files.createTempDirectory("idempotency-jmh-redis");
		this.redis = LocalRedis.start(System.getProperty("bench.redis-server", "redis-server"), this.redisDir);
		CpuProfiler.watch(this.redis);
		this.connectionFactory = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration(LocalRedis.HOST, this.redis.port()));
		this.connectionFactory.afterPropertiesSet();
		this.connectionFactory.start();
		// Open Lettuce's shared connection (and load netty) before the store's first call and its timeout.
		try (var connection = this.connectionFactory.getConnection()) {
			require("PONG".equals(connection.ping()), "ping");
		}
		ReactiveRedisConnection reactive = this.connectionFactory.getReactiveConnection();
		require("PONG".equals(reactive.ping().block(Duration.ofSeconds(30))), "reactive ping");
		reactive.close();
		ReactiveRedisConnectionFactory factory = switch (this.path) {
			case "native" -> this.connectionFactory;
			case "reactive" -> new ReactiveOnlyConnectionFactory(this.connectionFactory);
			default -> throw new IllegalArgumentException("path must be native or reactive: " + this.path);
		};
		this.store = new RedisIdempotencyStore(factory, "bench:", TIMEOUT);
		Instant now = Instant.now();
		String fingerprint = "v1:Uq0xcb2hB1Zk8h2b6qXhZ4Y8m3mYc1pQvXo7s1R3d8E";
		this.inProgress = new InProgressRecord(fingerprint, now);
		byte[] answer = "{\"id\":\"02e20188-5cda-400f-b1ce-53450f1d6d94\",\"accountId\":\"acc-1\",\"amount\":\"10.00\",\"status\":\"COMPLETED\"}"
			.getBytes(StandardCharsets.UTF_8);
		this.completed = new CompletedRecord(fingerprint, now, now, 201,
				List.of(new CompletedRecord.Header("Location", "/payments/02e20188-5cda-400f-b1ce-53450f1d6d94"),
						new CompletedRecord.Header("Content-Type", "application/json")),
				answer, true);
		// The record every claimExisting finds; also loads the scripts (EVALSHA never falls back afterwards).
		require(this.store.claim(REPLAYED, this.inProgress, "owner", LEASE).isClaimed(), "setup claim");
		require(this.store.complete(REPLAYED, "owner", this.completed, Duration.ofHours(1)), "setup complete");
		require(this.store.claim(REPLAYED, this.inProgress, "other", LEASE).existing() instanceof CompletedRecord,
				"setup replay");
	}

	@TearDown(Level.Trial)
	public void tearDown() throws Exception {
		CpuProfiler.trialEnding();
		CpuProfiler.watch(null);
		if (this.connectionFactory != null) {
			this.connectionFactory.destroy();
		}
		if (this.redis != null) {
			this.redis.close();
		}
		if (this.redisDir != null) {
			try (var files = Files.list(this.redisDir)) {
				for (Path file : files.toList()) {
					Files.deleteIfExists(file);
				}
			}
			Files.deleteIfExists(this.redisDir);
		}
	}

	/** Record ids of one benchmark thread: unique, about as long as real ones (43 characters). */
	@State(Scope.Thread)
	public static class Ids {

		private final String prefix = UUID.randomUUID().toString().replace("-", "") + "-";

		private final String owner = UUID.randomUUID().toString().substring(0, 22);

		private long next;

		String next() {
			return this.prefix + (this.next++);
		}

	}

	/** A first execution's store work: claim a new key, then complete it. */
	@Benchmark
	public boolean claimComplete(Ids ids) {
		String id = ids.next();
		ClaimResult claim = this.store.claim(id, this.inProgress, ids.owner, LEASE);
		return claim.isClaimed() && this.store.complete(id, ids.owner, this.completed, RETENTION);
	}

	/** A replay's store work: one claim that finds the completed record. */
	@Benchmark
	public ClaimResult claimExisting(Ids ids) {
		return this.store.claim(REPLAYED, this.inProgress, ids.owner, LEASE);
	}

	private static void require(boolean condition, String what) {
		if (!condition) {
			throw new IllegalStateException("Redis store benchmark setup failed: " + what);
		}
	}

	/**
	 * A {@link ReactiveRedisConnectionFactory} that only delegates: the store cannot see the
	 * {@link LettuceConnectionFactory} behind it, so it takes its reactive path.
	 */
	static final class ReactiveOnlyConnectionFactory implements ReactiveRedisConnectionFactory {

		private final ReactiveRedisConnectionFactory delegate;

		ReactiveOnlyConnectionFactory(ReactiveRedisConnectionFactory delegate) {
			this.delegate = delegate;
		}

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
