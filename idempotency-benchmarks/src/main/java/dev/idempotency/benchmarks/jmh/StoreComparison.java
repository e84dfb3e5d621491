package dev.idempotency.benchmarks.jmh;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * {@code java -jar idempotency-benchmarks.jar store}: {@link RedisStoreBenchmarks} for the store's two paths
 * and the socket reference, side by side. Each round runs, for each thread count and benchmark, one JMH
 * fork per path (the order of the paths is reversed every other round, so a slow phase of a shared machine
 * does not always hit the same path), with {@code -prof gc} and {@link CpuProfiler}; then prints the means
 * over the rounds and the ratios native / reactive and socket / reactive, and writes them to
 * {@code <work-dir>/store-report.md}.
 */
public final class StoreComparison {

	private static final String[] BENCHMARKS = { "claimComplete", "claimExisting" };

	private static final String[] PATHS = { "native", "reactive", "socket" };

	/** Metrics per run: name, JMH label, unit. */
	private static final String[][] METRICS = { { "ops/s", null, "ops/s" }, { "CPU total", "cpu.total", "µs/op" },
			{ "caller", "cpu.caller", "µs/op" }, { "Lettuce I/O", "cpu.io", "µs/op" },
			{ "Reactor", "cpu.reactor", "µs/op" }, { "GC+VM", "cpu.gc", "µs/op" }, { "other", "cpu.other", "µs/op" },
			{ "Redis", "cpu.redis", "µs/op" }, { "JIT (not in total)", "cpu.jit", "µs/op" },
			{ "ctx switches", "ctxsw", "/op" }, { "allocated", "gc.alloc.rate.norm", "B/op" },
			{ "run-queue wait", "runq.wait", "µs/op" } };

	private static final int TOTAL = 1;

	private static final int CALLER = 2;

	private static final int REDIS = 7;

	private static final int CONTEXT_SWITCHES = 9;

	private static final int ALLOCATED = 10;

	private final PrintStream out = System.out;

	private final StringBuilder report = new StringBuilder();

	private StoreComparison() {
	}

	public static int run(String[] args) throws Exception {
		int rounds = 4;
		int[] threads = { 1, 4 };
		int warmup = 8;
		int iterations = 5;
		int time = 2;
		Path workDir = Path.of("idempotency-benchmarks/target/store");
		for (String arg : args) {
			String value = arg.substring(arg.indexOf('=') + 1);
			if (arg.startsWith("--rounds=")) {
				rounds = Integer.parseInt(value);
			}
			else if (arg.startsWith("--threads=")) {
				threads = Arrays.stream(value.split(",")).mapToInt(Integer::parseInt).toArray();
			}
			else if (arg.startsWith("--warmup=")) {
				warmup = Integer.parseInt(value);
			}
			else if (arg.startsWith("--iterations=")) {
				iterations = Integer.parseInt(value);
			}
			else if (arg.startsWith("--time=")) {
				time = Integer.parseInt(value);
			}
			else if (arg.startsWith("--work-dir=")) {
				workDir = Path.of(value);
			}
			else {
				System.out.println("""
						Options (defaults in brackets; about 25 minutes with the defaults):
						  --rounds=N        rounds; each runs one fork per path, thread count and benchmark [4]
						  --threads=LIST    benchmark threads, comma-separated [1,4]
						  --warmup=N        warm-up iterations per fork; the JIT compilers need about 12 s on a busy 2-core machine [8]
						  --iterations=N    measured iterations per fork [5]
						  --time=SECONDS    duration of one iteration [2]
						  --work-dir=PATH   JMH logs and the report [idempotency-benchmarks/target/store]""");
				return arg.equals("--help") || arg.equals("-h") ? 0 : 2;
			}
		}
		Files.createDirectories(workDir);
		return new StoreComparison().execute(rounds, threads, warmup, iterations, time, workDir);
	}

	private int execute(int rounds, int[] threadCounts, int warmup, int iterations, int time, Path workDir)
			throws Exception {
		line("# Redis store paths: native, reactive, and the socket reference, " + Instant.now());
		line(String.format(Locale.ROOT, "%d rounds; per fork %d x %d s warm-up, %d x %d s measured; JMH throughput mode,"
				+ " -prof gc, CpuProfiler; one dedicated redis-server per fork; path order reversed every other round",
				rounds, warmup, time, iterations, time));
		line("");
		// results.get(key).get(path) = the metric arrays of the rounds
		Map<String, List<List<double[]>>> results = new LinkedHashMap<>();
		for (int round = 1; round <= rounds; round++) {
			for (int threads : threadCounts) {
				for (String benchmark : BENCHMARKS) {
					String key = benchmark + ", " + threads + " thread" + (threads > 1 ? "s" : "");
					List<List<double[]>> perPath = results.computeIfAbsent(key, (k) -> {
						List<List<double[]>> lists = new ArrayList<>();
						for (int p = 0; p < PATHS.length; p++) {
							lists.add(new ArrayList<>());
						}
						return lists;
					});
					double[][] values = new double[PATHS.length][];
					for (int i = 0; i < PATHS.length; i++) {
						int p = (round % 2 == 1) ? i : PATHS.length - 1 - i;
						Path log = workDir.resolve(String.format(Locale.ROOT, "jmh-r%d-t%d-%s-%s.log", round, threads,
								benchmark, PATHS[p]));
						values[p] = runOne(benchmark, PATHS[p], threads, warmup, iterations, time, log);
						perPath.get(p).add(values[p]);
					}
					StringBuilder text = new StringBuilder(String.format(Locale.ROOT, "round %d  %-26s", round, key));
					for (int p = 0; p < PATHS.length; p++) {
						text.append(String.format(Locale.ROOT, " | %s %7.0f ops/s %6.1f µs CPU/op", PATHS[p], values[p][0],
								values[p][TOTAL]));
					}
					text.append(String.format(Locale.ROOT, " | CPU/op native/reactive %.3f",
							values[0][TOTAL] / values[1][TOTAL]));
					line(text.toString());
				}
			}
		}
		line("");
		line("## Means over the rounds");
		line("");
		line("CPU per operation by thread kind from /proc/<tid>/schedstat; Redis from its own INFO cpu; CPU total = the"
				+ " JVM without its JIT compiler threads + Redis; context switches of all JVM threads; allocation from"
				+ " -prof gc (gc.alloc.rate.norm); run-queue wait = time the JVM's threads were ready but had no CPU.");
		line("");
		StringBuilder header = new StringBuilder("| benchmark | path |");
		StringBuilder rule = new StringBuilder("| --- | --- |");
		for (String[] metric : METRICS) {
			header.append(' ').append(metric[0]).append(" (").append(metric[2]).append(") |");
			rule.append(" ---: |");
		}
		line(header.toString());
		line(rule.toString());
		for (Map.Entry<String, List<List<double[]>>> entry : results.entrySet()) {
			for (int p = 0; p < PATHS.length; p++) {
				double[] means = mean(entry.getValue().get(p));
				StringBuilder row = new StringBuilder("| " + entry.getKey() + " | " + PATHS[p] + " |");
				for (int m = 0; m < METRICS.length; m++) {
					row.append(String.format(Locale.ROOT, (m == 0 || m == ALLOCATED) ? " %.0f |" : " %.1f |", means[m]));
				}
				line(row.toString());
			}
		}
		line("");
		line("## Ratios");
		line("");
		line("Of the means over the rounds; the per-round ratios in brackets. Below 1 in the CPU, context-switch and"
				+ " allocation columns: the first path is cheaper; above 1 in ops/s: faster. JVM = CPU total − Redis.");
		line("");
		line("| benchmark | paths | ops/s | CPU total/op | JVM CPU/op | caller CPU/op | ctx switches/op | allocated B/op |");
		line("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |");
		int[][] comparisons = { { 0, 1 }, { 2, 1 } };
		for (int[] c : comparisons) {
			for (Map.Entry<String, List<List<double[]>>> entry : results.entrySet()) {
				List<double[]> a = entry.getValue().get(c[0]);
				List<double[]> b = entry.getValue().get(c[1]);
				double[] ma = mean(a);
				double[] mb = mean(b);
				line(String.format(Locale.ROOT, "| %s | %s / %s | %.3f [%s] | %.3f [%s] | %.3f [%s] | %.3f | %.3f | %.3f |",
						entry.getKey(), PATHS[c[0]], PATHS[c[1]], ma[0] / mb[0], perRound(a, b, 0), ma[TOTAL] / mb[TOTAL],
						perRound(a, b, TOTAL), jvm(ma) / jvm(mb), perRound(a, b, -1), ma[CALLER] / mb[CALLER],
						ma[CONTEXT_SWITCHES] / mb[CONTEXT_SWITCHES], ma[ALLOCATED] / mb[ALLOCATED]));
			}
		}
		Path report = workDir.resolve("store-report.md");
		Files.writeString(report, this.report.toString());
		this.out.println("Report written to " + report.toAbsolutePath());
		return 0;
	}

	private static double jvm(double[] values) {
		return values[TOTAL] - values[REDIS];
	}

	/** The per-round ratios of one metric ({@code -1}: JVM CPU), a over b. */
	private static String perRound(List<double[]> a, List<double[]> b, int metric) {
		List<String> ratios = new ArrayList<>();
		for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
			double ratio = (metric < 0) ? jvm(a.get(i)) / jvm(b.get(i)) : a.get(i)[metric] / b.get(i)[metric];
			ratios.add(String.format(Locale.ROOT, "%.2f", ratio));
		}
		return String.join(", ", ratios);
	}

	private static double[] runOne(String benchmark, String path, int threads, int warmup, int iterations, int time,
			Path log) throws Exception {
		Options options = new OptionsBuilder()
			.include(RedisStoreBenchmarks.class.getName() + "\\." + benchmark + "$")
			.param("path", path)
			.threads(threads)
			.forks(1)
			.warmupIterations(warmup)
			.warmupTime(TimeValue.seconds(time))
			.measurementIterations(iterations)
			.measurementTime(TimeValue.seconds(time))
			.addProfiler(GCProfiler.class)
			.addProfiler(CpuProfiler.class)
			.output(log.toString())
			.build();
		Collection<RunResult> runs = new Runner(options).run();
		if (runs.size() != 1) {
			throw new IllegalStateException("Expected one JMH result for " + benchmark + "/" + path + ", got "
					+ runs.size() + "; see " + log);
		}
		RunResult run = runs.iterator().next();
		Map<String, Result> secondary = run.getSecondaryResults();
		double[] values = new double[METRICS.length];
		values[0] = run.getPrimaryResult().getScore();
		for (int m = 1; m < METRICS.length; m++) {
			Result result = secondary.get(METRICS[m][1]);
			values[m] = (result != null) ? result.getScore() : Double.NaN;
		}
		return values;
	}

	private static double[] mean(List<double[]> runs) {
		double[] mean = new double[METRICS.length];
		for (double[] run : runs) {
			for (int m = 0; m < mean.length; m++) {
				mean[m] += run[m] / runs.size();
			}
		}
		return mean;
	}

	private void line(String text) {
		this.out.println(text);
		this.out.flush();
		this.report.append(text).append('\n');
	}

}
