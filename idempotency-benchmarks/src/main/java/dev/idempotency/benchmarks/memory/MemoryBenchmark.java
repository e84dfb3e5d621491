package dev.idempotency.benchmarks.memory;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.idempotency.benchmarks.support.LocalRedis;

/**
 * The memory run: {@link MemoryApp} in a child JVM with a small bounded heap against a dedicated Redis,
 * driven with {@code --count} first executions of distinct keys answering {@code --size} bytes (512 KiB),
 * each followed by its replay, by {@code --workers} concurrent workers; then answers larger than
 * {@code idempotency.max-response-body} and streamed answers (sent live, not kept: their retry gets 409
 * not-replayable). Samples the heap after a full GC as the count grows (and parses the GC log), Redis's
 * {@code used_memory}, the child's RSS and direct memory; checks every answer (status, length, every byte,
 * replay header). Everything started is stopped at the end, also on failure. See docs/benchmarks.md.
 */
public final class MemoryBenchmark {

	private static final String HOST = LocalRedis.HOST;

	private final Options options;

	private final PrintStream out = System.out;

	private final StringBuilder report = new StringBuilder();

	private final HttpClient http = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(5))
		.build();

	private final List<Sample> samples = Collections.synchronizedList(new ArrayList<>());

	private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();

	private final AtomicLong failureCount = new AtomicLong();

	private LocalRedis redis;

	private Process app;

	private int appPort;

	private long started;

	private MemoryBenchmark(Options options) {
		this.options = options;
	}

	public static int run(String[] args) throws Exception {
		Options options = Options.parse(args);
		if (options == null) {
			return 2;
		}
		MemoryBenchmark benchmark = new MemoryBenchmark(options);
		Thread hook = new Thread(benchmark::stopAll, "memory-cleanup");
		Runtime.getRuntime().addShutdownHook(hook);
		try {
			return benchmark.execute();
		}
		catch (Exception ex) {
			System.err.println("Memory benchmark failed: " + ex);
			ex.printStackTrace();
			return 1;
		}
		finally {
			benchmark.stopAll();
			try {
				Runtime.getRuntime().removeShutdownHook(hook);
			}
			catch (IllegalStateException ex) {
				// shutting down already
			}
		}
	}

	private int execute() throws Exception {
		Options o = this.options;
		Files.createDirectories(o.workDir);
		this.started = System.nanoTime();
		line("# Idempotency memory run, " + Instant.now());
		line(String.format(Locale.ROOT,
				"count=%d first executions of %s + their replays, workers=%d, then %d answers of %s (over"
						+ " max-response-body=%s) and %d streamed answers of %s, each with a retry; app heap -Xmx%s;"
						+ " idempotency.retention=%s; Redis maxmemory %s (noeviction)",
				o.count, size(o.size), o.workers, o.largeCount, size(o.largeSize), o.maxResponseBody, o.streamedCount,
				size(o.largeSize), o.heap, o.retention, o.redisMaxmemory));

		this.redis = LocalRedis.start(o.redisServer, o.workDir, "--maxmemory", o.redisMaxmemory);
		line("dedicated redis-server " + this.redis.info("server").get("redis_version") + " on port "
				+ this.redis.port());
		startApp();
		awaitReady();
		checkFilter();

		line("");
		line("## Phases");
		line("");
		line("| phase | requests | seconds | req/s | answer MiB/s | unexpected |");
		line("| --- | ---: | ---: | ---: | ---: | ---: |");
		int warmup = Math.min(o.warmup, o.count);
		phase("warm-up (not sampled): first + replay, " + size(o.size), warmup, this::firstAndReplay, false);
		sample("after warm-up", 0);
		phase(o.count + " first executions of " + size(o.size) + " + replays", o.count, this::firstAndReplay, true);
		sample("after the " + size(o.size) + " answers", o.count);
		phase(o.largeCount + " answers of " + size(o.largeSize) + " (over the limit) + retries", o.largeCount,
				(i) -> liveAndRetry("/answers", o.largeSize), false);
		sample("after the over-limit answers", o.count);
		phase(o.streamedCount + " streamed answers of " + size(o.largeSize) + " + retries", o.streamedCount,
				(i) -> liveAndRetry("/streamed", o.largeSize), false);
		sample("end", o.count);

		boolean alive = this.app.isAlive();
		String appLog = Files.readString(o.workDir.resolve("memory-app.log"));
		boolean oom = appLog.contains("OutOfMemoryError");
		line("");
		line("## Heap after a full GC (GET /heap: System.gc(), then the MemoryMXBean), as the count grows");
		line("");
		line("| when | first executions done | seconds | heap used after GC | heap committed | direct buffers | app RSS"
				+ " | Redis used_memory | Redis keys |");
		line("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
		List<Sample> all;
		synchronized (this.samples) {
			all = new ArrayList<>(this.samples);
		}
		for (Sample s : all) {
			line(String.format(Locale.ROOT, "| %s | %d | %.1f | %.1f MiB | %.0f MiB | %.1f MiB | %.0f MiB | %.0f MiB | %d |",
					s.label, s.done, s.seconds, mib(s.heapUsed), mib(s.heapCommitted), mib(s.direct), mib(s.rss),
					mib(s.redisUsed), s.redisKeys));
		}
		List<Sample> during = all.stream().filter((s) -> s.label.startsWith("during") || s.label.startsWith("after warm")
				|| s.label.startsWith("after the " + size(o.size))).toList();
		double slope = slopeBytesPerThousand(during);
		long maxHeap = all.stream().mapToLong((s) -> s.heapUsed).max().orElse(-1);
		long endHeap = all.isEmpty() ? -1 : all.get(all.size() - 1).heapUsed;
		long maxRedis = all.stream().mapToLong((s) -> s.redisUsed).max().orElse(-1);
		Map<String, String> redisMemory = this.redis.info("memory");
		GcLog gc = GcLog.parse(o.workDir.resolve("memory-app-gc.log"));

		line("");
		line("## Summary");
		line("");
		line(String.format(Locale.ROOT, "heap used after full GC: first sample %.1f MiB, max %.1f MiB, end %.1f MiB"
				+ " (heap max %s); trend over the %s answers %+.1f KiB per 1 000 answers (least squares)",
				all.isEmpty() ? -1 : mib(all.get(0).heapUsed), mib(maxHeap), mib(endHeap), o.heap, size(o.size),
				slope / 1024));
		line(String.format(Locale.ROOT, "GC log: %d collections (%d young, %d full of which %d System.gc() by GET /heap,"
				+ " %d concurrent cycles); heap after any collection: max %.0f MiB, after the last %.0f MiB;"
				+ " humongous allocations triggered %d young collections; to-space exhausted %d",
				gc.pauses, gc.young, gc.full, gc.systemGc, gc.concurrentCycles, mib(gc.maxAfter), mib(gc.lastAfter),
				gc.humongous, gc.toSpaceExhausted));
		line(String.format(Locale.ROOT, "Redis used_memory: max sampled %.0f MiB, at end %.0f MiB, peak (INFO) %.0f MiB",
				mib(maxRedis), mib(Long.parseLong(redisMemory.get("used_memory"))),
				mib(Long.parseLong(redisMemory.get("used_memory_peak")))));
		line("app still running: " + alive + "; OutOfMemoryError in its log: " + oom);
		line("unexpected answers: " + this.failureCount.get());
		for (String failure : this.failures.stream().limit(10).toList()) {
			line("  " + failure);
		}
		boolean ok = alive && !oom && this.failureCount.get() == 0;
		line(ok ? "RESULT: OK (no OutOfMemoryError, every answer as expected)" : "RESULT: FAILED");
		line(String.format(Locale.ROOT, "total run time %.0f s", (System.nanoTime() - this.started) / 1e9));
		Path reportFile = o.workDir.resolve("memory-report.md");
		Files.writeString(reportFile, this.report.toString());
		this.out.println("Report written to " + reportFile.toAbsolutePath());
		return ok ? 0 : 1;
	}

	// ---- load -------------------------------------------------------------------------------------------

	/** One unit of work of a phase: its requests and answer bytes, or failures recorded. */
	interface Step {

		long[] run(int index) throws Exception;

	}

	private void phase(String name, int count, Step step, boolean sampled) throws Exception {
		AtomicInteger next = new AtomicInteger();
		AtomicInteger done = new AtomicInteger();
		AtomicLong requests = new AtomicLong();
		AtomicLong bytes = new AtomicLong();
		long failuresBefore = this.failureCount.get();
		CountDownLatch finished = new CountDownLatch(this.options.workers);
		long t0 = System.nanoTime();
		for (int w = 0; w < this.options.workers; w++) {
			Thread worker = new Thread(() -> {
				try {
					int i;
					while ((i = next.getAndIncrement()) < count) {
						try {
							long[] result = step.run(i);
							requests.addAndGet(result[0]);
							bytes.addAndGet(result[1]);
						}
						catch (Exception ex) {
							fail(name + " #" + i + ": " + ex);
						}
						done.incrementAndGet();
					}
				}
				finally {
					finished.countDown();
				}
			}, "memory-load-" + w);
			worker.setDaemon(true);
			worker.start();
		}
		if (sampled) {
			int every = this.options.sampleEvery;
			int nextSample = every;
			while (!finished.await(20, TimeUnit.MILLISECONDS)) {
				if (done.get() >= nextSample && nextSample < count) {
					sample("during", done.get());
					nextSample += every;
				}
				if (!this.app.isAlive()) {
					fail("the application exited with " + this.app.exitValue());
					break;
				}
			}
		}
		finished.await();
		double seconds = (System.nanoTime() - t0) / 1e9;
		line(String.format(Locale.ROOT, "| %s | %d | %.1f | %.0f | %.0f | %d |", name, requests.get(), seconds,
				requests.get() / seconds, bytes.get() / 1048576.0 / seconds, this.failureCount.get() - failuresBefore));
	}

	/** A first execution with a new key, then its replay: both 201, every byte as written, the replay marked. */
	private long[] firstAndReplay(int index) throws Exception {
		int size = this.options.size;
		String key = "\"" + UUID.randomUUID() + "\"";
		HttpResponse<byte[]> first = post("/answers", key, size);
		check("first execution", first, 201, false, key, size);
		HttpResponse<byte[]> replay = post("/answers", key, size);
		check("replay", replay, 201, true, key, size);
		return new long[] { 2, first.body().length + (long) replay.body().length };
	}

	/**
	 * An answer that is not kept (over the limit, or streamed): the client gets all of it live; a retry with
	 * the same key gets 409 not-replayable, and the handler does not run again.
	 */
	private long[] liveAndRetry(String path, int size) throws Exception {
		String key = "\"" + UUID.randomUUID() + "\"";
		HttpResponse<byte[]> first = post(path, key, size);
		check("live " + path, first, 201, false, key, size);
		HttpResponse<byte[]> retry = post(path, key, size);
		String body = new String(retry.body(), StandardCharsets.UTF_8);
		if (retry.statusCode() != 409 || !body.contains("not-replayable")
				|| !retry.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json")) {
			fail("retry " + path + " " + key + ": expected 409 not-replayable problem, got " + retry.statusCode() + " "
					+ body.substring(0, Math.min(200, body.length())));
		}
		return new long[] { 2, first.body().length + (long) retry.body().length };
	}

	private HttpResponse<byte[]> post(String path, String key, int size) throws IOException, InterruptedException {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + HOST + ":" + this.appPort + path + "?size=" + size))
			.header("Idempotency-Key", key)
			.timeout(Duration.ofSeconds(60))
			.POST(HttpRequest.BodyPublishers.noBody())
			.build();
		return this.http.send(request, HttpResponse.BodyHandlers.ofByteArray());
	}

	private void check(String what, HttpResponse<byte[]> response, int status, boolean replayed, String key, int size) {
		byte[] body = response.body();
		boolean marked = response.headers().firstValue("Idempotent-Replayed").map("true"::equalsIgnoreCase).orElse(false);
		String problem = null;
		if (response.statusCode() != status) {
			problem = "status " + response.statusCode() + " "
					+ new String(body, 0, Math.min(200, body.length), StandardCharsets.UTF_8);
		}
		else if (marked != replayed) {
			problem = replayed ? "no Idempotent-Replayed: true" : "unexpected Idempotent-Replayed";
		}
		else if (body.length != size) {
			problem = "length " + body.length + " instead of " + size;
		}
		else if (!matches(body, key, size)) {
			problem = "content differs from what the handler wrote for this key";
		}
		if (problem != null) {
			fail(what + " " + key + ": " + problem);
		}
	}

	private static volatile byte[] expected = new byte[0];

	private static boolean matches(byte[] body, String key, int size) {
		byte[] head = MemoryApp.head(key);
		int headLength = Math.min(head.length, size);
		if (!Arrays.equals(body, 0, headLength, head, 0, headLength)) {
			return false;
		}
		byte[] pattern = expected;
		if (pattern.length < size) {
			synchronized (MemoryBenchmark.class) {
				pattern = expected;
				if (pattern.length < size) {
					pattern = new byte[size];
					for (int i = 0; i < size; i++) {
						pattern[i] = MemoryApp.patternByte(i);
					}
					expected = pattern;
				}
			}
		}
		return Arrays.equals(body, headLength, size, pattern, headLength, size);
	}

	private void fail(String message) {
		this.failureCount.incrementAndGet();
		if (this.failures.size() < 100) {
			this.failures.add(message);
		}
	}

	// ---- sampling ---------------------------------------------------------------------------------------

	record Sample(String label, int done, double seconds, long heapUsed, long heapCommitted, long direct, long rss,
			long redisUsed, long redisKeys) {
	}

	private void sample(String label, int done) throws Exception {
		HttpResponse<String> response = this.http.send(
				HttpRequest.newBuilder(URI.create("http://" + HOST + ":" + this.appPort + "/heap"))
					.timeout(Duration.ofSeconds(60))
					.GET()
					.build(),
				HttpResponse.BodyHandlers.ofString());
		if (response.statusCode() != 200) {
			throw new IllegalStateException("GET /heap -> " + response.statusCode());
		}
		Map<String, Long> heap = new LinkedHashMap<>();
		for (String l : response.body().lines().toList()) {
			int eq = l.indexOf('=');
			heap.put(l.substring(0, eq), Long.parseLong(l.substring(eq + 1).trim()));
		}
		Map<String, String> memory = this.redis.info("memory");
		Map<String, String> keyspace = this.redis.info("keyspace");
		long keys = 0;
		String db0 = keyspace.get("db0");
		if (db0 != null) {
			Matcher m = Pattern.compile("keys=(\\d+)").matcher(db0);
			if (m.find()) {
				keys = Long.parseLong(m.group(1));
			}
		}
		this.samples.add(new Sample(label, done, (System.nanoTime() - this.started) / 1e9, heap.get("used"),
				heap.get("committed"), heap.get("direct"), rssBytes(this.app.pid()),
				Long.parseLong(memory.get("used_memory")), keys));
	}

	/** Least-squares slope of heap-after-GC over first executions done, in bytes per 1 000. */
	private static double slopeBytesPerThousand(List<Sample> samples) {
		int n = samples.size();
		if (n < 2) {
			return Double.NaN;
		}
		double mx = samples.stream().mapToDouble(Sample::done).average().orElse(0);
		double my = samples.stream().mapToDouble(Sample::heapUsed).average().orElse(0);
		double sxy = 0;
		double sxx = 0;
		for (Sample s : samples) {
			sxy += (s.done - mx) * (s.heapUsed - my);
			sxx += (s.done - mx) * (s.done - mx);
		}
		return (sxx == 0) ? Double.NaN : sxy / sxx * 1000;
	}

	private static long rssBytes(long pid) {
		try {
			for (String l : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
				if (l.startsWith("VmRSS:")) {
					return Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024;
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			// not Linux, or gone
		}
		return -1;
	}

	/** What the unified GC log ({@code -Xlog:gc}) says about the run. */
	static final class GcLog {

		private static final Pattern PAUSE = Pattern.compile("GC\\(\\d+\\) (Pause \\S+).*? (\\d+)([KMG])->(\\d+)([KMG])\\((\\d+)([KMG])\\)");

		int pauses;

		int young;

		int full;

		int systemGc;

		int concurrentCycles;

		int humongous;

		int toSpaceExhausted;

		long maxAfter;

		long lastAfter;

		static GcLog parse(Path file) throws IOException {
			GcLog log = new GcLog();
			if (!Files.exists(file)) {
				return log;
			}
			for (String line : Files.readAllLines(file)) {
				if (line.contains("Concurrent Mark Cycle") && !line.contains("ms")) {
					log.concurrentCycles++;
				}
				if (line.contains("To-space exhausted")) {
					log.toSpaceExhausted++;
				}
				Matcher m = PAUSE.matcher(line);
				if (!m.find()) {
					continue;
				}
				log.pauses++;
				if (m.group(1).equals("Pause Young")) {
					log.young++;
				}
				else if (m.group(1).equals("Pause Full")) {
					log.full++;
				}
				if (line.contains("System.gc()")) {
					log.systemGc++;
				}
				if (line.contains("Humongous Allocation")) {
					log.humongous++;
				}
				long after = bytes(m.group(4), m.group(5));
				log.maxAfter = Math.max(log.maxAfter, after);
				log.lastAfter = after;
			}
			return log;
		}

		private static long bytes(String value, String unit) {
			long v = Long.parseLong(value);
			return switch (unit) {
				case "K" -> v * 1024;
				case "M" -> v * 1024 * 1024;
				default -> v * 1024 * 1024 * 1024;
			};
		}

	}

	// ---- processes --------------------------------------------------------------------------------------

	private void startApp() throws IOException {
		Options o = this.options;
		this.appPort = LocalRedis.freePort();
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.add("-Xmx" + o.heap);
		command.add("-Xlog:gc:file=" + o.workDir.resolve("memory-app-gc.log").toAbsolutePath() + ":uptime");
		command.add("-XX:+ExitOnOutOfMemoryError");
		command.addAll(o.jvmArgs);
		command.add("-cp");
		command.add(System.getProperty("java.class.path"));
		command.add(MemoryApp.class.getName());
		command.add("--server.address=" + HOST);
		command.add("--server.port=" + this.appPort);
		command.add("--spring.data.redis.host=" + HOST);
		command.add("--spring.data.redis.port=" + this.redis.port());
		command.add("--idempotency.retention=" + o.retention);
		command.add("--idempotency.max-response-body=" + o.maxResponseBody);
		command.add("--spring.main.banner-mode=off");
		command.add("--logging.level.root=WARN");
		command.add("--logging.level.dev.idempotency=INFO");
		line("app: " + String.join(" ", command.subList(0, 5)) + " … " + MemoryApp.class.getSimpleName() + " (port "
				+ this.appPort + ")");
		this.app = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(o.workDir.resolve("memory-app.log").toFile())
			.start();
	}

	private void awaitReady() throws Exception {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
		while (true) {
			if (!this.app.isAlive()) {
				throw new IllegalStateException("the memory app exited with " + this.app.exitValue() + ", see "
						+ this.options.workDir.resolve("memory-app.log"));
			}
			try {
				HttpResponse<Void> response = this.http.send(
						HttpRequest.newBuilder(URI.create("http://" + HOST + ":" + this.appPort + "/heap"))
							.timeout(Duration.ofSeconds(5))
							.GET()
							.build(),
						HttpResponse.BodyHandlers.discarding());
				if (response.statusCode() == 200) {
					return;
				}
			}
			catch (IOException ex) {
				// not up yet
			}
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("the memory app did not start in 120 s");
			}
			Thread.sleep(250);
		}
	}

	/** The filter is really on, with the Redis store: a POST without key is refused, a keyed one lands in Redis. */
	private void checkFilter() throws Exception {
		HttpResponse<String> noKey = this.http.send(
				HttpRequest.newBuilder(URI.create("http://" + HOST + ":" + this.appPort + "/answers?size=10"))
					.POST(HttpRequest.BodyPublishers.noBody())
					.build(),
				HttpResponse.BodyHandlers.ofString());
		if (noKey.statusCode() != 400) {
			throw new IllegalStateException("a POST without key should get 400, got " + noKey.statusCode());
		}
		long keysBefore = dbKeys();
		firstAndReplay(-1);
		if (dbKeys() != keysBefore + 1 || this.failureCount.get() != 0) {
			throw new IllegalStateException("a first execution did not store one record in the benchmark's Redis: "
					+ this.failures);
		}
		line("checked: a POST without key gets 400; a first execution stores one record in the benchmark's Redis and"
				+ " its retry is replayed");
	}

	private long dbKeys() throws IOException {
		String db0 = this.redis.info("keyspace").get("db0");
		if (db0 == null) {
			return 0;
		}
		Matcher m = Pattern.compile("keys=(\\d+)").matcher(db0);
		return m.find() ? Long.parseLong(m.group(1)) : 0;
	}

	private synchronized void stopAll() {
		if (this.app != null) {
			LocalRedis.destroy(this.app);
		}
		if (this.redis != null) {
			this.redis.close();
		}
	}

	// ---- misc -------------------------------------------------------------------------------------------

	private static double mib(long bytes) {
		return bytes / 1048576.0;
	}

	private static String size(int bytes) {
		if (bytes % (1024 * 1024) == 0) {
			return (bytes / (1024 * 1024)) + " MiB";
		}
		return (bytes % 1024 == 0) ? (bytes / 1024) + " KiB" : bytes + " bytes";
	}

	private void line(String text) {
		this.out.println(text);
		this.out.flush();
		this.report.append(text).append('\n');
	}

	static final class Options {

		Path workDir = Path.of("idempotency-benchmarks/target/memory");

		String redisServer = "redis-server";

		int count = 10_000;

		int size = 512 * 1024;

		int workers = 8;

		int warmup = 500;

		int largeCount = 1_000;

		int largeSize = 2 * 1024 * 1024;

		int streamedCount = 500;

		String maxResponseBody = "1MB";

		String heap = "256m";

		String retention = "30s";

		String redisMaxmemory = "6gb";

		int sampleEvery = 1_000;

		List<String> jvmArgs = new ArrayList<>();

		static Options parse(String[] args) {
			Options o = new Options();
			for (String arg : args) {
				if (arg.equals("--help") || arg.equals("-h")) {
					System.out.println("""
							Options (defaults in brackets):
							  --count=N             first executions of distinct keys, each followed by its replay [10000]
							  --size=BYTES          size of those answers [524288]
							  --workers=N           concurrent client workers [8]
							  --warmup=N            first executions + replays before the first sample [500]
							  --large-count=N       answers over max-response-body (sent live, not kept), each retried [1000]
							  --large-size=BYTES    size of those and of the streamed answers [2097152]
							  --streamed-count=N    StreamingResponseBody answers, each retried [500]
							  --max-response-body=SIZE  idempotency.max-response-body of the app [1MB]
							  --heap=SIZE           -Xmx of the app [256m]
							  --retention=DURATION  idempotency.retention of the app [30s]
							  --redis-maxmemory=SIZE  maxmemory of the dedicated Redis, noeviction [6gb]
							  --sample-every=N      a heap sample every N first executions [1000]
							  --jvm-arg=ARG         extra JVM argument for the app (repeatable)
							  --work-dir=PATH       logs, GC log and report [idempotency-benchmarks/target/memory]
							  --redis-server=CMD    [redis-server]""");
					return null;
				}
				String value = arg.contains("=") ? arg.substring(arg.indexOf('=') + 1) : "";
				switch (arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg) {
					case "--count" -> o.count = Integer.parseInt(value);
					case "--size" -> o.size = Integer.parseInt(value);
					case "--workers" -> o.workers = Integer.parseInt(value);
					case "--warmup" -> o.warmup = Integer.parseInt(value);
					case "--large-count" -> o.largeCount = Integer.parseInt(value);
					case "--large-size" -> o.largeSize = Integer.parseInt(value);
					case "--streamed-count" -> o.streamedCount = Integer.parseInt(value);
					case "--max-response-body" -> o.maxResponseBody = value;
					case "--heap" -> o.heap = value;
					case "--retention" -> o.retention = value;
					case "--redis-maxmemory" -> o.redisMaxmemory = value;
					case "--sample-every" -> o.sampleEvery = Integer.parseInt(value);
					case "--jvm-arg" -> o.jvmArgs.add(value);
					case "--work-dir" -> o.workDir = Path.of(value);
					case "--redis-server" -> o.redisServer = value;
					default -> {
						System.err.println("Unknown option " + arg + " (try --help)");
						return null;
					}
				}
			}
			return o;
		}

	}

}
