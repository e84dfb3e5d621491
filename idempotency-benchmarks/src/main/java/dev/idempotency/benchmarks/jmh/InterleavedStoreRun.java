package dev.idempotency.benchmarks.jmh;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.idempotency.benchmarks.support.LocalRedis;
import dev.idempotency.store.ClaimResult;
import dev.idempotency.store.CompletedRecord;
import dev.idempotency.store.IdempotencyStore;
import dev.idempotency.store.InProgressRecord;
import dev.idempotency.store.redis.RedisIdempotencyStore;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * {@code java -jar idempotency-benchmarks.jar store-ab}: the same work as {@link RedisStoreBenchmarks}, but
 * the paths take turns in short blocks inside one JVM against one Redis, so a busy phase of a shared
 * machine hits every path alike. After a warm-up of every path, each round runs one block of
 * {@code --block} seconds per path (the order rotates), with {@code --threads} callers in a closed loop;
 * CPU (by thread kind, JIT apart, and Redis), context switches and allocated bytes are read around each
 * block, and the ratios of each round are kept: the report gives their median and quartiles, which the
 * side-by-side JMH forks of {@code store} cannot on a machine this noisy.
 * <p>
 * Native and reactive use one {@code LettuceConnectionFactory} each (so each has its own connection and
 * event loop); socket uses a blocking socket per caller thread (see {@link RedisStoreBenchmarks}).
 */
public final class InterleavedStoreRun {

	private static final String[] PATHS = { "native", "reactive", "socket" };

	private static final Duration LEASE = Duration.ofSeconds(30);

	private static final Duration RETENTION = Duration.ofSeconds(10);

	private static final String REPLAYED = "replayed-record";

	private final StringBuilder report = new StringBuilder();

	private InterleavedStoreRun() {
	}

	public static int run(String[] args) throws Exception {
		int[] threads = { 1, 4 };
		int rounds = 30;
		double block = 1.0;
		int warmup = 10;
		Path workDir = Path.of("idempotency-benchmarks/target/store-ab");
		for (String arg : args) {
			String value = arg.substring(arg.indexOf('=') + 1);
			if (arg.startsWith("--threads=")) {
				threads = Arrays.stream(value.split(",")).mapToInt(Integer::parseInt).toArray();
			}
			else if (arg.startsWith("--rounds=")) {
				rounds = Integer.parseInt(value);
			}
			else if (arg.startsWith("--block=")) {
				block = Double.parseDouble(value);
			}
			else if (arg.startsWith("--warmup=")) {
				warmup = Integer.parseInt(value);
			}
			else if (arg.startsWith("--work-dir=")) {
				workDir = Path.of(value);
			}
			else {
				System.out.println("""
						Options (defaults in brackets; about 8 minutes with the defaults):
						  --threads=LIST    caller threads, comma-separated [1,4]
						  --rounds=N        rounds per thread count and operation; each runs one block per path [30]
						  --block=SECONDS   duration of one block [1]
						  --warmup=SECONDS  warm-up per path, thread count and operation, not measured [10]
						  --work-dir=PATH   the report and Redis's log [idempotency-benchmarks/target/store-ab]""");
				return arg.equals("--help") || arg.equals("-h") ? 0 : 2;
			}
		}
		Files.createDirectories(workDir);
		return new InterleavedStoreRun().execute(threads, rounds, block, warmup, workDir);
	}

	private int execute(int[] threadCounts, int rounds, double block, int warmup, Path workDir) throws Exception {
		line("# Redis store paths taking turns in one JVM: native, reactive, socket reference, " + Instant.now());
		line(String.format(Locale.ROOT, "%d rounds of one %.1f s block per path (order rotating), after %d s of warm-up"
				+ " per path; threads %s; one dedicated redis-server; JVM %s", rounds, block, warmup,
				Arrays.toString(threadCounts), System.getProperty("java.vm.version")));
		try (LocalRedis redis = LocalRedis.start(System.getProperty("bench.redis-server", "redis-server"), workDir)) {
			CpuProfiler.watch(redis);
			LettuceConnectionFactory nativeFactory = factory(redis);
			LettuceConnectionFactory reactiveFactory = factory(redis);
			try {
				Duration timeout = Duration.ofSeconds(2);
				RedisIdempotencyStore nativeStore = new RedisIdempotencyStore(nativeFactory, "bench:", timeout);
				RedisIdempotencyStore reactiveStore = new RedisIdempotencyStore(
						new RedisStoreBenchmarks.ReactiveOnlyConnectionFactory(reactiveFactory), "bench:", timeout);
				Instant now = Instant.now();
				InProgressRecord inProgress = new InProgressRecord("v1:Uq0xcb2hB1Zk8h2b6qXhZ4Y8m3mYc1pQvXo7s1R3d8E", now);
				CompletedRecord completed = RedisStoreBenchmarks.completedRecord(inProgress);
				nativeStore.claim(REPLAYED, inProgress, "owner", LEASE);
				nativeStore.complete(REPLAYED, "owner", completed, Duration.ofHours(1));
				for (int threads : threadCounts) {
					for (String operation : new String[] { "claimComplete", "claimExisting" }) {
						measure(operation, threads, rounds, block, warmup, redis, nativeStore, reactiveStore, inProgress,
								completed);
					}
				}
			}
			finally {
				CpuProfiler.watch(null);
				nativeFactory.destroy();
				reactiveFactory.destroy();
			}
		}
		Path reportFile = workDir.resolve("store-ab-report.md");
		Files.writeString(reportFile, this.report.toString());
		System.out.println("Report written to " + reportFile.toAbsolutePath());
		return 0;
	}

	private static LettuceConnectionFactory factory(LocalRedis redis) {
		LettuceConnectionFactory factory = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration(LocalRedis.HOST, redis.port()));
		factory.afterPropertiesSet();
		factory.start();
		try (var connection = factory.getConnection()) {
			connection.ping();
		}
		return factory;
	}

	/** What one block measured, per operation. */
	record Block(long ops, double seconds, double total, double jvm, double caller, double io, double redis, double jit,
			double contextSwitches, double allocated) {

		double throughput() {
			return this.ops / this.seconds;
		}

	}

	private void measure(String operation, int threads, int rounds, double block, int warmup, LocalRedis redis,
			RedisIdempotencyStore nativeStore, RedisIdempotencyStore reactiveStore, InProgressRecord inProgress,
			CompletedRecord completed) throws Exception {
		List<RedisStoreBenchmarks.SocketStore> sockets = new ArrayList<>();
		try {
			IdempotencyStore[][] stores = new IdempotencyStore[PATHS.length][threads];
			for (int t = 0; t < threads; t++) {
				stores[0][t] = nativeStore;
				stores[1][t] = reactiveStore;
				RedisStoreBenchmarks.SocketStore socket = new RedisStoreBenchmarks.SocketStore(redis.port());
				sockets.add(socket);
				stores[2][t] = socket;
			}
			Workers workers = new Workers(operation, threads, stores, inProgress, completed);
			try {
				for (int p = 0; p < PATHS.length; p++) {
					workers.block(p, warmup);
				}
				List<List<Block>> blocks = new ArrayList<>();
				for (int p = 0; p < PATHS.length; p++) {
					blocks.add(new ArrayList<>());
				}
				for (int round = 0; round < rounds; round++) {
					for (int i = 0; i < PATHS.length; i++) {
						int p = (round + i) % PATHS.length;
						blocks.get(p).add(workers.block(p, block));
					}
				}
				report(operation + ", " + threads + " thread" + (threads > 1 ? "s" : ""), blocks);
			}
			finally {
				workers.stop();
			}
		}
		finally {
			for (RedisStoreBenchmarks.SocketStore socket : sockets) {
				socket.close();
			}
		}
	}

	/** Caller threads in a closed loop, one block at a time. */
	private static final class Workers {

		private final String operation;

		private final int threads;

		private final IdempotencyStore[][] stores;

		private final InProgressRecord inProgress;

		private final CompletedRecord completed;

		private final CyclicBarrier start;

		private final CyclicBarrier end;

		private final AtomicLong ops = new AtomicLong();

		private final AtomicLong failures = new AtomicLong();

		private final List<Thread> callers = new ArrayList<>();

		private volatile int path;

		private volatile boolean running;

		private volatile boolean stopped;

		Workers(String operation, int threads, IdempotencyStore[][] stores, InProgressRecord inProgress,
				CompletedRecord completed) {
			this.operation = operation;
			this.threads = threads;
			this.stores = stores;
			this.inProgress = inProgress;
			this.completed = completed;
			this.start = new CyclicBarrier(threads + 1);
			this.end = new CyclicBarrier(threads + 1);
			for (int t = 0; t < threads; t++) {
				int index = t;
				Thread caller = new Thread(() -> loop(index), "store-ab-caller-" + t);
				caller.setDaemon(true);
				caller.start();
				this.callers.add(caller);
			}
		}

		private void loop(int index) {
			String prefix = UUID.randomUUID().toString().replace("-", "") + "-";
			String owner = UUID.randomUUID().toString().substring(0, 22);
			long next = 0;
			try {
				while (true) {
					this.start.await();
					if (this.stopped) {
						return;
					}
					IdempotencyStore store = this.stores[this.path][index];
					boolean claimComplete = this.operation.equals("claimComplete");
					long done = 0;
					while (this.running) {
						boolean ok;
						if (claimComplete) {
							String id = prefix + (next++);
							ClaimResult claim = store.claim(id, this.inProgress, owner, LEASE);
							ok = claim.isClaimed() && store.complete(id, owner, this.completed, RETENTION).isStored();
						}
						else {
							ok = store.claim(REPLAYED, this.inProgress, owner, LEASE).existing() instanceof CompletedRecord;
						}
						if (!ok) {
							this.failures.incrementAndGet();
						}
						done++;
					}
					this.ops.addAndGet(done);
					this.end.await();
				}
			}
			catch (Exception ex) {
				this.failures.incrementAndGet();
				System.err.println("caller " + index + " failed: " + ex);
			}
		}

		Block block(int path, double seconds) throws Exception {
			this.path = path;
			this.ops.set(0);
			this.running = true;
			CpuProfiler.Readings before = CpuProfiler.Readings.now();
			long allocatedBefore = allocatedBytes();
			long t0 = System.nanoTime();
			this.start.await();
			TimeUnit.NANOSECONDS.sleep((long) (seconds * 1e9));
			this.running = false;
			this.end.await(30, TimeUnit.SECONDS);
			long t1 = System.nanoTime();
			CpuProfiler.Readings after = CpuProfiler.Readings.now();
			long allocated = allocatedBytes() - allocatedBefore;
			if (this.failures.get() > 0) {
				throw new IllegalStateException(this.failures.get() + " failed store calls on path " + PATHS[path]);
			}
			long n = Math.max(1, this.ops.get());
			double jvm = (after.processCpu - before.processCpu) / 1e3 / n;
			double jit = (after.threads[4] - before.threads[4]) / 1e3 / n;
			double redis = (after.redisCpu - before.redisCpu) * 1e6 / n;
			return new Block(this.ops.get(), (t1 - t0) / 1e9, jvm - jit + redis, jvm - jit,
					(after.threads[0] - before.threads[0]) / 1e3 / n, (after.threads[1] - before.threads[1]) / 1e3 / n,
					redis, jit, (after.contextSwitches - before.contextSwitches) / (double) n, allocated / (double) n);
		}

		void stop() throws Exception {
			this.stopped = true;
			this.start.await(30, TimeUnit.SECONDS);
			for (Thread caller : this.callers) {
				caller.join(10_000);
			}
		}

		private static long allocatedBytes() {
			com.sun.management.ThreadMXBean bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
			long[] ids = bean.getAllThreadIds();
			long total = 0;
			for (long bytes : bean.getThreadAllocatedBytes(ids)) {
				total += Math.max(0, bytes);
			}
			return total;
		}

	}

	private void report(String name, List<List<Block>> blocks) {
		line("");
		line("## " + name);
		line("");
		line("Per path: sums over all blocks divided by all operations (CPU per operation in µs; JVM without its JIT"
				+ " threads; caller = the calling threads; I/O = Lettuce's threads; allocated = all threads, bytes).");
		line("");
		line("| path | ops/s | CPU total | JVM | caller | Lettuce I/O | Redis | JIT (not in total) | ctx switches | allocated |");
		line("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
		double[][] sums = new double[PATHS.length][];
		for (int p = 0; p < PATHS.length; p++) {
			sums[p] = weighted(blocks.get(p));
			line(String.format(Locale.ROOT, "| %s | %.0f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.2f | %.0f |", PATHS[p],
					sums[p][0], sums[p][1], sums[p][2], sums[p][3], sums[p][4], sums[p][5], sums[p][6], sums[p][7],
					sums[p][8]));
		}
		line("");
		line("Ratios of each round's blocks (first path over second): median [lower quartile, upper quartile] of "
				+ blocks.get(0).size() + " rounds.");
		line("");
		line("| paths | ops/s | CPU total/op | JVM CPU/op | caller CPU/op | ctx switches/op | allocated/op |");
		line("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
		for (int[] c : new int[][] { { 0, 1 }, { 2, 1 } }) {
			List<Block> a = blocks.get(c[0]);
			List<Block> b = blocks.get(c[1]);
			line(String.format(Locale.ROOT, "| %s / %s | %s | %s | %s | %s | %s | %s |", PATHS[c[0]], PATHS[c[1]],
					quartiles(a, b, 0), quartiles(a, b, 1), quartiles(a, b, 2), quartiles(a, b, 3), quartiles(a, b, 7),
					quartiles(a, b, 8)));
		}
	}

	/** Throughput and the per-operation figures over all blocks of a path, weighted by operations. */
	private static double[] weighted(List<Block> blocks) {
		double ops = 0;
		double seconds = 0;
		double[] sums = new double[9];
		for (Block b : blocks) {
			ops += b.ops;
			seconds += b.seconds;
			double[] v = values(b);
			for (int i = 1; i < 9; i++) {
				sums[i] += v[i] * b.ops;
			}
		}
		for (int i = 1; i < 9; i++) {
			sums[i] /= Math.max(1, ops);
		}
		sums[0] = ops / seconds;
		return sums;
	}

	private static double[] values(Block b) {
		return new double[] { b.throughput(), b.total, b.jvm, b.caller, b.io, b.redis, b.jit, b.contextSwitches,
				b.allocated };
	}

	private static String quartiles(List<Block> a, List<Block> b, int metric) {
		int n = Math.min(a.size(), b.size());
		double[] ratios = new double[n];
		for (int i = 0; i < n; i++) {
			ratios[i] = values(a.get(i))[metric] / values(b.get(i))[metric];
		}
		Arrays.sort(ratios);
		return String.format(Locale.ROOT, "%.3f [%.3f, %.3f]", quantile(ratios, 0.5), quantile(ratios, 0.25),
				quantile(ratios, 0.75));
	}

	private static double quantile(double[] sorted, double q) {
		if (sorted.length == 0) {
			return Double.NaN;
		}
		double position = q * (sorted.length - 1);
		int lower = (int) Math.floor(position);
		int upper = (int) Math.ceil(position);
		return sorted[lower] + (sorted[upper] - sorted[lower]) * (position - lower);
	}

	private void line(String text) {
		System.out.println(text);
		System.out.flush();
		this.report.append(text).append('\n');
	}

}
