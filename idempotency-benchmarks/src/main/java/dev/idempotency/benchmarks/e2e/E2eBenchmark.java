package dev.idempotency.benchmarks.e2e;

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
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.idempotency.benchmarks.support.LocalRedis;
import dev.idempotency.benchmarks.support.Resp;

/**
 * The end-to-end benchmark: a dedicated redis-server, the sample app twice (filter on and
 * {@code idempotency.enabled=false}) against it, and a JDK HttpClient load generator with a fixed number
 * of workers and a fixed duration per round, alternating on and off. Also counts the Redis commands per
 * request with {@code CONFIG RESETSTAT} and {@code INFO commandstats}. Everything started is stopped at the
 * end, also on failure. With {@code --store=jdbc}, no Redis: both samples run the profile {@code jdbc} (the JDBC
 * store with transactional completion) on one fresh PostgreSQL database, created and dropped by the run, and
 * the database's transactions and rows per request are counted instead. See docs/benchmarks.md.
 */
public final class E2eBenchmark {

	private static final String HOST = "127.0.0.1";

	private static final String AUTH = "Basic "
			+ Base64.getEncoder().encodeToString("alice:alice".getBytes(StandardCharsets.UTF_8));

	private static final String ACCOUNT = "bench";

	private static final String PAY_BODY = "{\"accountId\":\"" + ACCOUNT + "\",\"amount\":\"0.01\"}";

	/** Commands the store's Lua scripts call: they appear in commandstats but are not sent by the app. */
	private static final Set<String> SCRIPT_CALLED = Set.of("hget", "hmget", "hset", "hdel", "pexpire", "del");

	/** The benchmark's own probes. */
	private static final Set<String> PROBES = Set.of("info", "config|resetstat", "config", "ping");

	private final Options options;

	private final PrintStream out;

	private final List<Process> processes = new ArrayList<>();

	private final HttpClient http;

	private final StringBuilder report = new StringBuilder();

	private volatile BenchDatabase database;

	private E2eBenchmark(Options options, PrintStream out) {
		this.options = options;
		this.out = out;
		this.http = HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.connectTimeout(Duration.ofSeconds(5))
			.build();
	}

	public static int run(String[] args) throws Exception {
		Options options = Options.parse(args);
		if (options == null) {
			return 2;
		}
		E2eBenchmark benchmark = new E2eBenchmark(options, System.out);
		Thread hook = new Thread(benchmark::cleanUp, "e2e-cleanup");
		Runtime.getRuntime().addShutdownHook(hook);
		try {
			return benchmark.execute();
		}
		catch (Exception ex) {
			System.err.println("E2E benchmark failed: " + ex);
			ex.printStackTrace();
			return 1;
		}
		finally {
			benchmark.cleanUp();
			try {
				Runtime.getRuntime().removeShutdownHook(hook);
			}
			catch (IllegalStateException ex) {
				// shutting down already
			}
		}
	}

	private int execute() throws Exception {
		Path jar = this.options.sampleJar;
		if (!Files.isRegularFile(jar)) {
			throw new IllegalStateException("Sample jar not found: " + jar.toAbsolutePath()
					+ " (build it with ./mvnw -Pbenchmarks -DskipTests package, or pass --sample-jar)");
		}
		Files.createDirectories(this.options.workDir);
		long started = System.nanoTime();
		int redisPort = LocalRedis.freePort();
		int onPort = LocalRedis.freePort();
		int offPort = LocalRedis.freePort();
		int slowPort = LocalRedis.freePort();
		line("# Idempotency e2e benchmark, " + Instant.now() + ", store " + this.options.store);
		line("workers=" + this.options.workers + " round=" + this.options.round.toSeconds() + "s rounds="
				+ this.options.rounds + " warmup=" + this.options.warmup.toSeconds() + "s per instance and scenario"
				+ " countRequests=" + this.options.count + " heap=" + this.options.heap);
		boolean jdbc = this.options.store.equals("jdbc");
		if (jdbc) {
			this.database = BenchDatabase.create(this.options.postgres, this.options.postgresUser);
			line("PostgreSQL " + this.database.serverVersion() + " at " + this.options.postgres + ", fresh database "
					+ this.database.name() + " (dropped at the end); filter on :" + onPort + ", filter off :" + offPort);
			// One after the other: both run the sample's schema scripts on the same database.
			startSample("on", onPort, redisPort, true, "0");
			awaitReady("on", onPort);
			startSample("off", offPort, redisPort, false, "0");
			awaitReady("off", offPort);
		}
		else {
			line("redis port " + redisPort + ", filter on :" + onPort + ", filter off :" + offPort
					+ ", slow (409 probe) :" + slowPort);
			startRedis(redisPort);
			String redisVersion;
			try (Resp resp = new Resp(HOST, redisPort, 5000)) {
				String server = (String) resp.call("INFO", "server");
				redisVersion = server.lines().filter((l) -> l.startsWith("redis_version:")).findFirst().orElse("?");
			}
			line("dedicated redis-server " + redisVersion + " (no persistence, maxmemory-policy noeviction)");
			startSample("on", onPort, redisPort, true, "0");
			startSample("off", offPort, redisPort, false, "0");
			startSample("slow", slowPort, redisPort, true, "5s");
			awaitReady("on", onPort);
			awaitReady("off", offPort);
			awaitReady("slow", slowPort);
		}
		checkFilter(onPort, offPort);
		for (int port : jdbc ? new int[] { onPort, offPort } : new int[] { onPort, offPort, slowPort }) {
			HttpResponse<String> put = send(HttpRequest.newBuilder(uri(port, "/accounts/" + ACCOUNT))
				.header("Authorization", AUTH)
				.header("Content-Type", "application/json")
				.PUT(HttpRequest.BodyPublishers.ofString("{\"balance\":\"100000000000000.00\"}"))
				.build());
			require(put.statusCode() == 201 || put.statusCode() == 200, "PUT account on :" + port + " -> " + put.statusCode());
		}

		boolean countsOk = jdbc ? countDatabaseWork(onPort, offPort) : countRedisCommands(redisPort, onPort, offPort, slowPort);
		stop("slow");

		// Replay keys: one completed payment per worker on the filter-on instance.
		String[] replayKeys = new String[this.options.workers];
		for (int i = 0; i < replayKeys.length; i++) {
			replayKeys[i] = UUID.randomUUID().toString();
			HttpResponse<String> first = send(pay(onPort, replayKeys[i], PAY_BODY));
			require(first.statusCode() == 201, "replay key setup -> " + first.statusCode());
		}

		Scenario getOn = new Scenario("GET /accounts/{id} (unannotated), filter on", "on", onPort, Kind.GET, null);
		Scenario getOff = new Scenario("GET /accounts/{id} (unannotated), filter off", "off", offPort, Kind.GET, null);
		Scenario firstOn = new Scenario("POST /payments first execution, filter on", "on", onPort, Kind.POST_FIRST, null);
		Scenario replayOn = new Scenario("POST /payments replay, filter on", "on", onPort, Kind.POST_REPLAY, replayKeys);
		Scenario postOff = new Scenario("POST /payments, filter off", "off", offPort, Kind.POST_FIRST, null);
		List<Scenario> all = List.of(getOn, getOff, firstOn, postOff, replayOn);

		line("");
		line("## Warm-up (" + this.options.warmup.toSeconds() + "s each, not measured)");
		for (Scenario scenario : all) {
			Result warm = load(scenario, this.options.warmup);
			line(String.format(Locale.ROOT, "warm-up %-48s %8.0f req/s, %d unexpected", scenario.name,
					warm.throughput(), warm.errors));
		}

		line("");
		line("## Rounds (alternating: odd rounds run on then off, even rounds off then on)");
		List<List<Scenario>> pairs = List.of(List.of(getOn, getOff), List.of(firstOn, postOff),
				List.of(replayOn, postOff));
		Map<Scenario, List<Result>> results = new LinkedHashMap<>();
		for (Scenario scenario : all) {
			results.put(scenario, new ArrayList<>());
		}
		Map<String, List<Double>> pairRatios = new LinkedHashMap<>();
		for (int round = 1; round <= this.options.rounds; round++) {
			for (List<Scenario> pair : pairs) {
				List<Scenario> order = (round % 2 == 1) ? pair : List.of(pair.get(1), pair.get(0));
				Result a = load(order.get(0), this.options.round);
				Result b = load(order.get(1), this.options.round);
				results.get(order.get(0)).add(a);
				results.get(order.get(1)).add(b);
				Result on = (order.get(0) == pair.get(0)) ? a : b;
				Result off = (on == a) ? b : a;
				pairRatios.computeIfAbsent(pair.get(0).name, (k) -> new ArrayList<>())
					.add(on.throughput() / off.throughput());
				line(String.format(Locale.ROOT, "round %d  %-48s %8.0f req/s | %-30s %8.0f req/s | on/off %.3f", round,
						pair.get(0).name, on.throughput(), "off", off.throughput(), on.throughput() / off.throughput()));
			}
		}

		line("");
		line("## Totals over all rounds (per request, from /proc: user+system CPU of the sample JVM, its kernel "
				+ "share, its context switches over all threads, CPU of " + (jdbc ? "the bench database's PostgreSQL "
				+ "backends" : "redis-server") + " and of this load generator)");
		line(String.format(Locale.ROOT, "| %-48s | %9s | %8s | %8s | %8s | %8s | %10s | %10s | %12s | %10s | %10s | %8s |",
				"scenario", "req/s", "p50 ms", "p90 ms", "p99 ms", "requests", "unexpected", "app CPU", "app kernel",
				"app ctx sw", jdbc ? "PG CPU" : "Redis CPU", "client CPU"));
		line("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
		Map<Scenario, Result> totals = new LinkedHashMap<>();
		for (Scenario scenario : all) {
			Result total = Result.merge(results.get(scenario));
			totals.put(scenario, total);
			line(String.format(Locale.ROOT,
					"| %-48s | %9.0f | %8.2f | %8.2f | %8.2f | %8d | %10d | %7.0f µs | %7.0f µs | %12.1f | %7.0f µs | %7.0f µs |",
					scenario.name, total.throughput(), total.percentileMillis(50), total.percentileMillis(90),
					total.percentileMillis(99), total.requests, total.errors, total.cpuMicrosPerRequest(0),
					total.cpuMicrosPerRequest(3), total.cpuMicrosPerRequest(4) * 1000, total.cpuMicrosPerRequest(1),
					total.cpuMicrosPerRequest(2)));
		}

		double getRatio = totals.get(getOn).throughput() / totals.get(getOff).throughput();
		double firstRatio = totals.get(firstOn).throughput() / totals.get(postOff).throughput();
		double replayRatio = totals.get(replayOn).throughput() / totals.get(postOff).throughput();
		double replayVsFirst = totals.get(replayOn).throughput() / totals.get(firstOn).throughput();
		line("");
		line("## Ratios (total requests / total time over all rounds; median of the per-round on/off ratios in brackets)");
		line(String.format(Locale.ROOT, "unannotated GET on/off          %.3f  [median %.3f]  target >= 0.99  %s", getRatio,
				median(pairRatios.get(getOn.name)), getRatio >= 0.99 ? "MET" : "NOT MET"));
		line(String.format(Locale.ROOT, "POST first execution on / off   %.3f  [median %.3f]  target >= 0.85  %s",
				firstRatio, median(pairRatios.get(firstOn.name)), firstRatio >= 0.85 ? "MET" : "NOT MET"));
		line(String.format(Locale.ROOT, "POST replay on / POST off       %.3f  [median %.3f]", replayRatio,
				median(pairRatios.get(replayOn.name))));
		line(String.format(Locale.ROOT, "POST replay on / first exec on  %.3f  target >= 1.00  %s", replayVsFirst,
				replayVsFirst >= 1.0 ? "MET" : "NOT MET"));
		line(String.format(Locale.ROOT, "(stricter reading: replay on / POST off >= 1.00, a replay at least as fast as "
				+ "a real execution without the filter: %s)", replayRatio >= 1.0 ? "MET" : "NOT MET"));
		if (jdbc) {
			line("Database work counts: " + (countsOk ? "every answer as expected" : "UNEXPECTED ANSWERS (see above)"));
		}
		else {
			line("Redis command counts: " + (countsOk ? "MET (first 2, replay 1, unannotated 0)" : "NOT MET (see above)"));
		}
		line("");
		line(String.format(Locale.ROOT, "total run time %.0f s", (System.nanoTime() - started) / 1e9));
		Path reportFile = this.options.workDir.resolve("e2e-report.md");
		Files.writeString(reportFile, this.report.toString());
		this.out.println("Report written to " + reportFile.toAbsolutePath());
		return 0;
	}

	// ---- Redis command counting -------------------------------------------------------------------------

	private boolean countRedisCommands(int redisPort, int onPort, int offPort, int slowPort) throws Exception {
		int n = this.options.count;
		line("");
		line("## Redis commands per request (dedicated Redis, CONFIG RESETSTAT, " + n
				+ " sequential requests, INFO commandstats)");
		line("top-level = every command in commandstats except the probes (INFO, CONFIG) and the commands the "
				+ "store's Lua scripts call (" + SCRIPT_CALLED + ")");
		// Warm the script cache and both code paths first, so no NOSCRIPT/EVAL fallback is counted.
		String warmKey = UUID.randomUUID().toString();
		require(send(pay(onPort, warmKey, PAY_BODY)).statusCode() == 201, "warm first");
		require(send(pay(onPort, warmKey, PAY_BODY)).statusCode() == 201, "warm replay");
		boolean ok = true;
		try (Resp resp = new Resp(HOST, redisPort, 10000)) {
			// first execution
			ok &= count(resp, "first execution (201)", n, 2, () -> {
				HttpResponse<String> r = send(pay(onPort, UUID.randomUUID().toString(), PAY_BODY));
				return r.statusCode() == 201 && r.headers().firstValue("Idempotent-Replayed").isEmpty();
			});
			// replay
			String key = UUID.randomUUID().toString();
			require(send(pay(onPort, key, PAY_BODY)).statusCode() == 201, "replay setup");
			ok &= count(resp, "replay (201, Idempotent-Replayed)", n, 1, () -> {
				HttpResponse<String> r = send(pay(onPort, key, PAY_BODY));
				return r.statusCode() == 201 && r.headers().firstValue("Idempotent-Replayed").isPresent();
			});
			// 422: same key, another body
			String otherBody = "{\"accountId\":\"" + ACCOUNT + "\",\"amount\":\"0.02\"}";
			count(resp, "422 key reused with another request", n, -1,
					() -> send(pay(onPort, key, otherBody)).statusCode() == 422);
			// unannotated GET, filter on
			ok &= count(resp, "unannotated GET, filter on", n, 0,
					() -> send(get(onPort)).statusCode() == 200);
			// POST, filter off
			count(resp, "POST /payments, filter off", n, 0,
					() -> send(pay(offPort, UUID.randomUUID().toString(), PAY_BODY)).statusCode() == 201);
			// 409: a payment in progress on the slow instance (gateway delay 5 s)
			String slowKey = UUID.randomUUID().toString();
			CompletableFuture<HttpResponse<String>> inFlight = this.http.sendAsync(pay(slowPort, slowKey, PAY_BODY),
					HttpResponse.BodyHandlers.ofString());
			Thread.sleep(1000);
			int n409 = Math.min(n, 50);
			count(resp, "409 request in progress", n409, -1, () -> {
				HttpResponse<String> r = send(pay(slowPort, slowKey, PAY_BODY));
				return r.statusCode() == 409;
			});
			HttpResponse<String> slow = inFlight.get(30, TimeUnit.SECONDS);
			require(slow.statusCode() == 201, "slow payment -> " + slow.statusCode());
		}
		return ok;
	}

	private boolean countDatabaseWork(int onPort, int offPort) throws Exception {
		int n = this.options.count;
		line("");
		line("## Database work per request (bench database, pg_stat_database before and after " + n
				+ " sequential requests, read 11 s later: PostgreSQL flushes a backend's counters when it is idle, "
				+ "at most once a second and up to 10 s late)");
		require(send(pay(onPort, UUID.randomUUID().toString(), PAY_BODY)).statusCode() == 201, "warm first");
		String key = UUID.randomUUID().toString();
		require(send(pay(onPort, key, PAY_BODY)).statusCode() == 201, "replay setup");
		Thread.sleep(11_000);
		boolean ok = countDatabase("first execution (201)", n, () -> {
			HttpResponse<String> r = send(pay(onPort, UUID.randomUUID().toString(), PAY_BODY));
			return r.statusCode() == 201 && r.headers().firstValue("Idempotent-Replayed").isEmpty();
		});
		ok &= countDatabase("replay (201, Idempotent-Replayed)", n, () -> {
			HttpResponse<String> r = send(pay(onPort, key, PAY_BODY));
			return r.statusCode() == 201 && r.headers().firstValue("Idempotent-Replayed").isPresent();
		});
		ok &= countDatabase("unannotated GET, filter on", n, () -> send(get(onPort)).statusCode() == 200);
		ok &= countDatabase("POST /payments, filter off", n,
				() -> send(pay(offPort, UUID.randomUUID().toString(), PAY_BODY)).statusCode() == 201);
		return ok;
	}

	private boolean countDatabase(String name, int n, Check request) throws Exception {
		long[] before = this.database.stats();
		int unexpected = 0;
		for (int i = 0; i < n; i++) {
			if (!request.send()) {
				unexpected++;
			}
		}
		Thread.sleep(11_000);
		long[] after = this.database.stats();
		double[] per = new double[before.length];
		for (int i = 0; i < per.length; i++) {
			per[i] = (after[i] - before[i]) / (double) n;
		}
		line(String.format(Locale.ROOT,
				"%-38s per request: %.2f transactions, %.2f rows inserted, %.2f updated, %.2f deleted; unexpected answers %d",
				name, per[0], per[1], per[2], per[3], unexpected));
		return unexpected == 0;
	}

	interface Check {

		boolean send() throws Exception;

	}

	private boolean count(Resp resp, String name, int n, int expected, Check request) throws Exception {
		resp.call("CONFIG", "RESETSTAT");
		int unexpected = 0;
		for (int i = 0; i < n; i++) {
			if (!request.send()) {
				unexpected++;
			}
		}
		String stats = (String) resp.call("INFO", "commandstats");
		Map<String, Long> calls = new LinkedHashMap<>();
		for (String l : stats.lines().toList()) {
			if (l.startsWith("cmdstat_")) {
				String command = l.substring("cmdstat_".length(), l.indexOf(':'));
				long c = Long.parseLong(l.replaceAll("^[^:]*:calls=(\\d+),.*$", "$1"));
				calls.put(command, c);
			}
		}
		long topLevel = 0;
		StringBuilder breakdown = new StringBuilder();
		for (Map.Entry<String, Long> e : calls.entrySet()) {
			if (PROBES.contains(e.getKey())) {
				continue;
			}
			boolean inScript = SCRIPT_CALLED.contains(e.getKey());
			if (!inScript) {
				topLevel += e.getValue();
			}
			breakdown.append(' ').append(e.getKey()).append(inScript ? "(in script)" : "").append('=')
				.append(String.format(Locale.ROOT, "%.2f", e.getValue() / (double) n));
		}
		double perRequest = topLevel / (double) n;
		boolean met = expected < 0 || perRequest == expected;
		line(String.format(Locale.ROOT, "%-38s %5.2f top-level commands/request%s; per request:%s; unexpected answers %d",
				name, perRequest, expected >= 0 ? " (floor " + expected + ": " + (met ? "MET" : "NOT MET") + ")" : "",
				breakdown.length() == 0 ? " none" : breakdown, unexpected));
		return met && unexpected == 0;
	}

	// ---- load generation --------------------------------------------------------------------------------

	enum Kind {

		GET, POST_FIRST, POST_REPLAY

	}

	record Scenario(String name, String process, int port, Kind kind, String[] replayKeys) {
	}

	private Result load(Scenario scenario, Duration duration) throws InterruptedException {
		int workers = this.options.workers;
		long[][] latencies = new long[workers][];
		int[] counts = new int[workers];
		AtomicLong errors = new AtomicLong();
		CountDownLatch start = new CountDownLatch(1);
		CountDownLatch done = new CountDownLatch(workers);
		long[] window = new long[2];
		HttpRequest getRequest = get(scenario.port);
		for (int w = 0; w < workers; w++) {
			int worker = w;
			Thread thread = new Thread(() -> {
				long[] lat = new long[1 << 14];
				int c = 0;
				try {
					start.await();
					long deadline = window[1];
					while (true) {
						long t0 = System.nanoTime();
						if (t0 >= deadline) {
							break;
						}
						HttpRequest request = switch (scenario.kind) {
							case GET -> getRequest;
							case POST_FIRST -> pay(scenario.port, UUID.randomUUID().toString(), PAY_BODY);
							case POST_REPLAY -> pay(scenario.port, scenario.replayKeys[worker], PAY_BODY);
						};
						boolean good;
						try {
							HttpResponse<byte[]> response = this.http.send(request, HttpResponse.BodyHandlers.ofByteArray());
							good = switch (scenario.kind) {
								case GET -> response.statusCode() == 200;
								case POST_FIRST -> response.statusCode() == 201;
								case POST_REPLAY -> response.statusCode() == 201
										&& response.headers().firstValue("Idempotent-Replayed").isPresent();
							};
						}
						catch (IOException ex) {
							good = false;
						}
						long t1 = System.nanoTime();
						if (!good) {
							errors.incrementAndGet();
						}
						if (c == lat.length) {
							lat = Arrays.copyOf(lat, c * 2);
						}
						lat[c++] = t1 - t0;
					}
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				finally {
					latencies[worker] = lat;
					counts[worker] = c;
					done.countDown();
				}
			}, "load-" + w);
			thread.setDaemon(true);
			thread.start();
		}
		long appPid = this.named.get(scenario.process).pid();
		long[] cpuBefore = { cpuNanos(appPid), storeCpuNanos(),
				cpuNanos(ProcessHandle.current().pid()), systemNanos(appPid), contextSwitches(appPid) };
		window[0] = System.nanoTime();
		window[1] = window[0] + duration.toNanos();
		start.countDown();
		done.await();
		long elapsed = System.nanoTime() - window[0];
		long[] cpu = { cpuNanos(appPid) - cpuBefore[0], storeCpuNanos() - cpuBefore[1],
				cpuNanos(ProcessHandle.current().pid()) - cpuBefore[2], systemNanos(appPid) - cpuBefore[3],
				contextSwitches(appPid) - cpuBefore[4] };
		int total = Arrays.stream(counts).sum();
		long[] all = new long[total];
		int offset = 0;
		for (int w = 0; w < workers; w++) {
			System.arraycopy(latencies[w], 0, all, offset, counts[w]);
			offset += counts[w];
		}
		return new Result(total, errors.get(), elapsed, all, cpu);
	}

	/** CPU time of the store: redis-server, or the bench database's backends. */
	private long storeCpuNanos() {
		BenchDatabase db = this.database;
		return (db != null) ? db.backendCpuNanos() : cpuNanos(this.named.get("redis").pid());
	}

	/** User + system CPU time of a process from /proc (Linux), in nanoseconds; -1 when unavailable. */
	private static long cpuNanos(long pid) {
		long[] ticks = cpuTicks(pid);
		return (ticks == null) ? -1 : (ticks[0] + ticks[1]) * 10_000_000L; // USER_HZ is 100 on Linux
	}

	/** System (kernel) CPU time of a process, in nanoseconds. */
	private static long systemNanos(long pid) {
		long[] ticks = cpuTicks(pid);
		return (ticks == null) ? -1 : ticks[1] * 10_000_000L;
	}

	private static long[] cpuTicks(long pid) {
		try {
			String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
			String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
			return new long[] { Long.parseLong(fields[11]), Long.parseLong(fields[12]) };
		}
		catch (IOException | RuntimeException ex) {
			return null;
		}
	}

	/** Voluntary + involuntary context switches of all threads of a process, from /proc (Linux). */
	private static long contextSwitches(long pid) {
		long total = 0;
		try (var tasks = Files.list(Path.of("/proc", String.valueOf(pid), "task"))) {
			for (Path task : tasks.toList()) {
				try {
					for (String l : Files.readAllLines(task.resolve("status"))) {
						if (l.startsWith("voluntary_ctxt_switches:") || l.startsWith("nonvoluntary_ctxt_switches:")) {
							total += Long.parseLong(l.substring(l.indexOf(':') + 1).trim());
						}
					}
				}
				catch (IOException | RuntimeException ex) {
					// thread ended
				}
			}
		}
		catch (IOException ex) {
			return -1;
		}
		return total;
	}

	static final class Result {

		final long requests;

		final long errors;

		final long nanos;

		final long[] latencies;

		/** CPU time used during the measurement by the sample, by Redis, by this load generator. */
		final long[] cpu;

		Result(long requests, long errors, long nanos, long[] latencies, long[] cpu) {
			this.cpu = cpu;
			this.requests = requests;
			this.errors = errors;
			this.nanos = nanos;
			this.latencies = latencies;
		}

		/** Per request: 0 sample, 1 Redis, 2 load generator CPU µs; 3 sample kernel CPU µs; 4 sample context switches (x1000). */
		double cpuMicrosPerRequest(int i) {
			return this.cpu[i] / 1e3 / Math.max(1, this.requests);
		}

		double throughput() {
			return this.requests / (this.nanos / 1e9);
		}

		double percentileMillis(double p) {
			if (this.latencies.length == 0) {
				return Double.NaN;
			}
			int index = (int) Math.ceil(p / 100.0 * this.latencies.length) - 1;
			return this.latencies[Math.max(0, Math.min(index, this.latencies.length - 1))] / 1e6;
		}

		static Result merge(List<Result> results) {
			long requests = 0;
			long errors = 0;
			long nanos = 0;
			int size = 0;
			for (Result r : results) {
				requests += r.requests;
				errors += r.errors;
				nanos += r.nanos;
				size += r.latencies.length;
			}
			long[] all = new long[size];
			long[] cpu = new long[5];
			int offset = 0;
			for (Result r : results) {
				for (int i = 0; i < 5; i++) {
					cpu[i] += r.cpu[i];
				}
				System.arraycopy(r.latencies, 0, all, offset, r.latencies.length);
				offset += r.latencies.length;
			}
			Arrays.sort(all);
			return new Result(requests, errors, nanos, all, cpu);
		}

	}

	// ---- HTTP helpers -----------------------------------------------------------------------------------

	private static URI uri(int port, String path) {
		return URI.create("http://" + HOST + ":" + port + path);
	}

	private static HttpRequest get(int port) {
		return HttpRequest.newBuilder(uri(port, "/accounts/" + ACCOUNT)).header("Authorization", AUTH).GET().build();
	}

	private static HttpRequest pay(int port, String key, String body) {
		return HttpRequest.newBuilder(uri(port, "/payments"))
			.header("Authorization", AUTH)
			.header("Content-Type", "application/json")
			.header("Idempotency-Key", "\"" + key + "\"")
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build();
	}

	private HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
		return this.http.send(request, HttpResponse.BodyHandlers.ofString());
	}

	private void checkFilter(int onPort, int offPort) throws Exception {
		HttpRequest noKeyOn = HttpRequest.newBuilder(uri(onPort, "/payments"))
			.header("Authorization", AUTH)
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(PAY_BODY))
			.build();
		int on = send(noKeyOn).statusCode();
		require(on == 400, "filter on: a POST without key should get 400, got " + on);
		HttpRequest noKeyOff = HttpRequest.newBuilder(uri(offPort, "/payments"))
			.header("Authorization", AUTH)
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(PAY_BODY))
			.build();
		int off = send(noKeyOff).statusCode();
		require(off == 404, "filter off: a POST without key should reach the handler (404 no account yet), got " + off);
		line("checked: filter on refuses a POST without key (400); filter off runs it (404 account-not-found)");
	}

	// ---- processes --------------------------------------------------------------------------------------

	private final Map<String, Process> named = new LinkedHashMap<>();

	private void startRedis(int port) throws Exception {
		Path log = this.options.workDir.resolve("redis.log");
		ProcessBuilder builder = new ProcessBuilder(this.options.redisServer, "--port", String.valueOf(port), "--bind",
				HOST, "--save", "", "--appendonly", "no", "--maxmemory-policy", "noeviction", "--protected-mode", "yes",
				"--dir", this.options.workDir.toAbsolutePath().toString())
			.redirectErrorStream(true)
			.redirectOutput(log.toFile());
		register("redis", builder.start());
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
		while (true) {
			try (Resp resp = new Resp(HOST, port, 1000)) {
				if ("PONG".equals(resp.call("PING"))) {
					return;
				}
			}
			catch (IOException ex) {
				if (System.nanoTime() > deadline) {
					throw new IllegalStateException("redis-server did not start, see " + log, ex);
				}
				Thread.sleep(100);
			}
		}
	}

	private void startSample(String name, int port, int redisPort, boolean filter, String gatewayDelay)
			throws IOException {
		Path log = this.options.workDir.resolve("sample-" + name + ".log");
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.add("-Xms" + this.options.heap);
		command.add("-Xmx" + this.options.heap);
		command.addAll(this.options.jvmArgs);
		if (this.options.jfr && !name.equals("slow")) {
			command.add("-XX:StartFlightRecording=filename="
					+ this.options.workDir.resolve("sample-" + name + ".jfr").toAbsolutePath() + ",settings=profile");
		}
		command.add("-jar");
		command.add(this.options.sampleJar.toAbsolutePath().toString());
		BenchDatabase db = this.database;
		if (db != null) {
			command.add("--spring.profiles.active=jdbc");
			command.add("--spring.datasource.url=" + db.url());
			command.add("--spring.datasource.username=" + db.user());
		}
		else {
			command.add("--spring.profiles.active=redis");
			command.add("--spring.data.redis.host=" + HOST);
			command.add("--spring.data.redis.port=" + redisPort);
		}
		command.add("--server.address=" + HOST);
		command.add("--server.port=" + port);
		command.add("--sample.gateway-delay=" + gatewayDelay);
		command.add("--idempotency.enabled=" + filter);
		command.add("--logging.level.root=WARN");
		command.add("--logging.level.dev.idempotency=INFO");
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
		register(name, builder.start());
	}

	private void awaitReady(String name, int port) throws Exception {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
		Process process = this.named.get(name);
		while (true) {
			if (!process.isAlive()) {
				throw new IllegalStateException("sample '" + name + "' exited with " + process.exitValue() + ", see "
						+ this.options.workDir.resolve("sample-" + name + ".log"));
			}
			try {
				HttpResponse<String> response = send(HttpRequest.newBuilder(uri(port, "/accounts/ready"))
					.header("Authorization", AUTH)
					.timeout(Duration.ofSeconds(2))
					.GET()
					.build());
				if (response.statusCode() == 404) {
					return;
				}
			}
			catch (IOException ex) {
				// not up yet
			}
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("sample '" + name + "' did not start in 120 s");
			}
			Thread.sleep(250);
		}
	}

	private synchronized void register(String name, Process process) {
		this.named.put(name, process);
		this.processes.add(process);
	}

	private void stop(String name) {
		Process process = this.named.get(name);
		if (process != null) {
			LocalRedis.destroy(process);
		}
	}

	private void cleanUp() {
		stopAll();
		BenchDatabase db = this.database;
		if (db != null) {
			db.close();
		}
	}

	private synchronized void stopAll() {
		for (int i = this.processes.size() - 1; i >= 0; i--) {
			LocalRedis.destroy(this.processes.get(i));
		}
	}

	// ---- misc -------------------------------------------------------------------------------------------

	private static void require(boolean condition, String message) {
		if (!condition) {
			throw new IllegalStateException(message);
		}
	}

	private static double median(List<Double> values) {
		double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
		int m = sorted.length / 2;
		return (sorted.length % 2 == 1) ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
	}

	private void line(String text) {
		this.out.println(text);
		this.out.flush();
		this.report.append(text).append('\n');
	}

	static final class Options {

		Path sampleJar = Path.of("idempotency-sample-app/target/idempotency-sample-app-0.1.0-SNAPSHOT.jar");

		Path workDir = Path.of("idempotency-benchmarks/target/e2e");

		String redisServer = "redis-server";

		int workers = 8;

		Duration round = Duration.ofSeconds(5);

		int rounds = 6;

		Duration warmup = Duration.ofSeconds(15);

		int count = 200;

		String heap = "1g";

		boolean jfr;

		List<String> jvmArgs = new ArrayList<>();

		String store = "redis";

		String postgres = "127.0.0.1:5432";

		String postgresUser = "postgres";

		static Options parse(String[] args) {
			Options o = new Options();
			for (String arg : args) {
				if (arg.equals("--help") || arg.equals("-h")) {
					System.out.println("""
							Options (defaults in brackets; whole run about 5 minutes with the defaults):
							  --sample-jar=PATH   [idempotency-sample-app/target/idempotency-sample-app-0.1.0-SNAPSHOT.jar]
							  --work-dir=PATH     logs and report [idempotency-benchmarks/target/e2e]
							  --redis-server=CMD  [redis-server]
							  --workers=N         concurrent client workers [8]
							  --round=SECONDS     duration of one measured round [5]
							  --rounds=N          rounds per on/off pair [6]
							  --warmup=SECONDS    warm-up per instance and scenario [15]
							  --count=N           requests per Redis command count [200]
							  --heap=SIZE         -Xms/-Xmx of each sample JVM [1g]
							  --jfr               record a JFR profile of both samples into the work dir
							  --jvm-arg=ARG       extra JVM argument for the samples (repeatable)
							  --store=redis|jdbc  the idempotency store [redis]; jdbc: profile 'jdbc' (JDBC store,
							                      transactional completion) on a fresh PostgreSQL database, no Redis
							  --postgres=HOST:PORT  PostgreSQL server for --store=jdbc [127.0.0.1:5432]
							  --postgres-user=NAME  its user, no password (trust) [postgres]""");
					return null;
				}
				String value = arg.contains("=") ? arg.substring(arg.indexOf('=') + 1) : "";
				if (arg.startsWith("--sample-jar=")) {
					o.sampleJar = Path.of(value);
				}
				else if (arg.startsWith("--work-dir=")) {
					o.workDir = Path.of(value);
				}
				else if (arg.startsWith("--redis-server=")) {
					o.redisServer = value;
				}
				else if (arg.startsWith("--workers=")) {
					o.workers = Integer.parseInt(value);
				}
				else if (arg.startsWith("--round=")) {
					o.round = Duration.ofSeconds(Long.parseLong(value));
				}
				else if (arg.startsWith("--rounds=")) {
					o.rounds = Integer.parseInt(value);
				}
				else if (arg.startsWith("--warmup=")) {
					o.warmup = Duration.ofSeconds(Long.parseLong(value));
				}
				else if (arg.startsWith("--count=")) {
					o.count = Integer.parseInt(value);
				}
				else if (arg.startsWith("--heap=")) {
					o.heap = value;
				}
				else if (arg.equals("--jfr")) {
					o.jfr = true;
				}
				else if (arg.startsWith("--jvm-arg=")) {
					o.jvmArgs.add(value);
				}
				else if (arg.equals("--store=redis") || arg.equals("--store=jdbc")) {
					o.store = value;
				}
				else if (arg.startsWith("--postgres=")) {
					o.postgres = value;
				}
				else if (arg.startsWith("--postgres-user=")) {
					o.postgresUser = value;
				}
				else {
					System.err.println("Unknown option " + arg + " (try --help)");
					return null;
				}
			}
			return o;
		}

	}

}
