package dev.idempotency.benchmarks.jmh;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Field;
import java.net.Socket;
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
import dev.idempotency.store.CompletionResult;
import dev.idempotency.store.IdempotencyRecord;
import dev.idempotency.store.IdempotencyStore;
import dev.idempotency.store.IdempotencyStoreException;
import dev.idempotency.store.InProgressRecord;
import dev.idempotency.store.RecordCodec;
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
import org.springframework.data.redis.core.script.RedisScript;

/**
 * The Redis store's work per request, against a dedicated {@code redis-server} this benchmark starts on a
 * free loopback port (one per fork; {@code -Dbench.redis-server=CMD} to use another binary):
 * {@code claimComplete} is a first execution's store work (claim a new key, then complete it with a
 * 103-byte answer), {@code claimExisting} a replay's (a claim that finds the completed record).
 * <p>
 * {@code path=native} hands {@link RedisIdempotencyStore} the {@link LettuceConnectionFactory} itself, so it
 * sends its scripts over Lettuce's native asynchronous connection; {@code path=reactive} hands it the same
 * factory behind a {@link ReactiveOnlyConnectionFactory} (not a {@code LettuceConnectionFactory}), so it
 * goes through {@code ReactiveRedisTemplate}. {@code path=socket} is a reference, not a store of the
 * library: the same scripts and arguments ({@code EVALSHA}, {@link RecordCodec}), sent by the benchmark
 * thread itself over a blocking socket of its own, the way a synchronous client with a connection per
 * thread (Jedis-like) works: no hand-off to an I/O thread. Run with {@code -t 1} and {@code -t 4},
 * {@code -prof gc} for allocation and {@code -prof dev.idempotency.benchmarks.jmh.CpuProfiler} for CPU time
 * and context switches per operation; {@code java -jar idempotency-benchmarks.jar store} runs the whole
 * comparison.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = { "-Xms512m", "-Xmx512m" })
@Warmup(iterations = 8, time = 2)
@Measurement(iterations = 5, time = 2)
@State(Scope.Benchmark)
public class RedisStoreBenchmarks {

	private static final Duration TIMEOUT = Duration.ofSeconds(2);

	private static final Duration LEASE = Duration.ofSeconds(30);

	/** Short, so the records of claimComplete expire while the benchmark runs and Redis stays small. */
	private static final Duration RETENTION = Duration.ofSeconds(10);

	private static final String REPLAYED = "replayed-record";

	@Param({ "native", "reactive", "socket" })
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
			case "native", "socket" -> this.connectionFactory;
			case "reactive" -> new ReactiveOnlyConnectionFactory(this.connectionFactory);
			default -> throw new IllegalArgumentException("path must be native, reactive or socket: " + this.path);
		};
		this.store = new RedisIdempotencyStore(factory, "bench:", TIMEOUT);
		Instant now = Instant.now();
		String fingerprint = "v1:Uq0xcb2hB1Zk8h2b6qXhZ4Y8m3mYc1pQvXo7s1R3d8E";
		this.inProgress = new InProgressRecord(fingerprint, now);
		this.completed = completedRecord(this.inProgress);
		// The record every claimExisting finds; also loads the scripts (EVALSHA never falls back afterwards).
		require(this.store.claim(REPLAYED, this.inProgress, "owner", LEASE).isClaimed(), "setup claim");
		require(this.store.complete(REPLAYED, "owner", this.completed, Duration.ofHours(1)).isStored(), "setup complete");
		require(this.store.claim(REPLAYED, this.inProgress, "other", LEASE).existing() instanceof CompletedRecord,
				"setup replay");
	}

	/** The sample's payment answer: 201, two headers, a 103-byte JSON body. */
	static CompletedRecord completedRecord(InProgressRecord claimed) {
		byte[] answer = "{\"id\":\"02e20188-5cda-400f-b1ce-53450f1d6d94\",\"accountId\":\"acc-1\",\"amount\":\"10.00\",\"status\":\"COMPLETED\"}"
			.getBytes(StandardCharsets.UTF_8);
		return new CompletedRecord(claimed.fingerprint(), claimed.createdAt(), claimed.createdAt(), 201,
				List.of(new CompletedRecord.Header("Location", "/payments/02e20188-5cda-400f-b1ce-53450f1d6d94"),
						new CompletedRecord.Header("Content-Type", "application/json")),
				answer, true);
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

	/**
	 * One benchmark thread: its record ids (unique, about as long as real ones) and owner token, and the
	 * store it calls: the shared {@link RedisIdempotencyStore}, or with {@code path=socket} its own
	 * {@link SocketStore}.
	 */
	@State(Scope.Thread)
	public static class Caller {

		private final String prefix = UUID.randomUUID().toString().replace("-", "") + "-";

		private final String owner = UUID.randomUUID().toString().substring(0, 22);

		private long next;

		private IdempotencyStore store;

		private SocketStore socket;

		@Setup(Level.Trial)
		public void setUp(RedisStoreBenchmarks benchmark) throws IOException {
			if (benchmark.path.equals("socket")) {
				this.socket = new SocketStore(benchmark.redis.port());
				this.store = this.socket;
			}
			else {
				this.store = benchmark.store;
			}
		}

		@TearDown(Level.Trial)
		public void tearDown() throws IOException {
			if (this.socket != null) {
				this.socket.close();
			}
		}

		String next() {
			return this.prefix + (this.next++);
		}

	}

	/** A first execution's store work: claim a new key, then complete it. */
	@Benchmark
	public boolean claimComplete(Caller caller) {
		String id = caller.next();
		ClaimResult claim = caller.store.claim(id, this.inProgress, caller.owner, LEASE);
		return claim.isClaimed() && caller.store.complete(id, caller.owner, this.completed, RETENTION).isStored();
	}

	/** A replay's store work: one claim that finds the completed record. */
	@Benchmark
	public ClaimResult claimExisting(Caller caller) {
		return caller.store.claim(REPLAYED, this.inProgress, caller.owner, LEASE);
	}

	private static void require(boolean condition, String what) {
		if (!condition) {
			throw new IllegalStateException("Redis store benchmark setup failed: " + what);
		}
	}

	/**
	 * The reference path: the store's claim and complete scripts (read from the store's package-private
	 * {@code RedisScripts}, so they stay the same) as {@code EVALSHA} over one blocking socket, written and read by the calling thread
	 * (RESP2, binary-safe). Same key layout and arguments as the store. Only claim and complete.
	 */
	static final class SocketStore implements IdempotencyStore, AutoCloseable {

		private static final byte[] EVALSHA = ascii("EVALSHA");

		private static final byte[] ONE_KEY = ascii("1");

		private final Socket socket;

		private final InputStream in;

		private final OutputStream out;

		private final byte[] claimSha;

		private final byte[] completeSha;

		SocketStore(int port) throws IOException {
			this.socket = new Socket(LocalRedis.HOST, port);
			this.socket.setTcpNoDelay(true);
			this.socket.setSoTimeout((int) TIMEOUT.toMillis());
			this.in = new BufferedInputStream(this.socket.getInputStream(), 16384);
			this.out = new BufferedOutputStream(this.socket.getOutputStream(), 16384);
			this.claimSha = load(script("CLAIM"));
			this.completeSha = load(script("COMPLETE"));
		}

		private static String script(String name) {
			try {
				Field field = Class.forName(RedisIdempotencyStore.class.getPackageName() + ".RedisScripts")
					.getDeclaredField(name);
				field.setAccessible(true);
				return ((RedisScript<?>) field.get(null)).getScriptAsString();
			}
			catch (ReflectiveOperationException ex) {
				throw new IllegalStateException("RedisScripts." + name + " not found", ex);
			}
		}

		private byte[] load(String script) throws IOException {
			return (byte[]) call(ascii("SCRIPT"), ascii("LOAD"), script.getBytes(StandardCharsets.UTF_8));
		}

		@Override
		public ClaimResult claim(String recordId, InProgressRecord record, String ownerToken, Duration lease) {
			byte[] existing = (byte[]) evalSha(this.claimSha, recordId, ascii(ownerToken), RecordCodec.encode(record),
					millis(lease));
			return (existing != null) ? ClaimResult.existing(RecordCodec.decode(existing)) : ClaimResult.claimed();
		}

		@Override
		public CompletionResult complete(String recordId, String ownerToken, CompletedRecord record,
				Duration retention) {
			Object reply = evalSha(this.completeSha, recordId, ascii(ownerToken), RecordCodec.encode(record),
					millis(retention));
			if (!(reply instanceof Long value) || value == 0L) {
				return CompletionResult.LEASE_TAKEN_OVER;
			}
			return (value == 1L) ? CompletionResult.STORED : CompletionResult.STORED_AFTER_LEASE_EXPIRED;
		}

		private Object evalSha(byte[] sha, String recordId, byte[]... args) {
			byte[][] command = new byte[4 + args.length][];
			command[0] = EVALSHA;
			command[1] = sha;
			command[2] = ONE_KEY;
			command[3] = ("bench:{" + recordId + "}").getBytes(StandardCharsets.UTF_8);
			System.arraycopy(args, 0, command, 4, args.length);
			try {
				return call(command);
			}
			catch (IOException ex) {
				throw new IdempotencyStoreException("Redis call failed: " + ex.getMessage(), ex);
			}
		}

		private Object call(byte[]... command) throws IOException {
			writeLine('*', command.length);
			for (byte[] arg : command) {
				writeLine('$', arg.length);
				this.out.write(arg);
				this.out.write('\r');
				this.out.write('\n');
			}
			this.out.flush();
			return read();
		}

		private void writeLine(char type, int n) throws IOException {
			this.out.write(type);
			this.out.write(ascii(Integer.toString(n)));
			this.out.write('\r');
			this.out.write('\n');
		}

		private Object read() throws IOException {
			int type = this.in.read();
			long n = readNumber();
			switch (type) {
				case ':':
					return n;
				case '$':
					if (n < 0) {
						return null;
					}
					byte[] bytes = this.in.readNBytes((int) n);
					this.in.skipNBytes(2);
					return bytes;
				case '+':
					return null;
				default:
					throw new IOException("Unexpected RESP reply type " + (char) type);
			}
		}

		/** The rest of a reply line as a number; an error line is thrown. */
		private long readNumber() throws IOException {
			long value = 0;
			boolean negative = false;
			int c;
			StringBuilder error = null;
			while ((c = this.in.read()) != '\r') {
				if (c < 0) {
					throw new IOException("Connection closed");
				}
				if (c == '-') {
					negative = true;
				}
				else if (c >= '0' && c <= '9') {
					value = value * 10 + (c - '0');
				}
				else {
					error = (error != null) ? error : new StringBuilder();
					error.append((char) c);
				}
			}
			this.in.read();
			if (error != null && error.length() > 0 && !error.toString().equals("OK")) {
				throw new IOException("Redis error: " + error);
			}
			return negative ? -value : value;
		}

		@Override
		public boolean release(String recordId, String ownerToken) {
			throw new UnsupportedOperationException();
		}

		@Override
		public boolean extendLease(String recordId, String ownerToken, Duration lease) {
			throw new UnsupportedOperationException();
		}

		@Override
		public boolean delete(String recordId) {
			throw new UnsupportedOperationException();
		}

		@Override
		public IdempotencyRecord find(String recordId) {
			throw new UnsupportedOperationException();
		}

		@Override
		public void close() throws IOException {
			this.socket.close();
		}

		private static byte[] ascii(String value) {
			return value.getBytes(StandardCharsets.US_ASCII);
		}

		private static byte[] millis(Duration duration) {
			return ascii(Long.toString(Math.max(1, duration.toMillis())));
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
