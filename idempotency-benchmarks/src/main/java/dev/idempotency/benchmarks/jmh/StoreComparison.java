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
 * {@code java -jar idempotency-benchmarks.jar store}: {@link RedisStoreBenchmarks} for both store paths,
 * side by side. Each round runs, for each thread count and benchmark, one JMH fork per path (the order of
 * the two paths alternates from round to round, so a slow phase of a shared machine does not always hit
 * the same path), with {@code -prof gc} and {@link CpuProfiler}; then prints the means over the rounds and
 * the ratios native / reactive, and writes them to {@code <work-dir>/store-report.md}.
 */
public final class StoreComparison {

	private static final String[] BENCHMARKS = { "claimComplete", "claimExisting" };

	private static final String[] PATHS = { "native", "reactive" };

	/** Metrics per run: name, JMH label, unit. */
	private static final String[][] METRICS = { { "ops/s", null, "ops/s" }, { "CPU total", "cpu.total", "µs/op" },
			{ "caller", "cpu.caller", "µs/op" }, { "Lettuce I/O", "cpu.io", "µs/op" },
			{ "Reactor", "cpu.reactor", "µs/op" }, { "GC+VM", "cpu.gc", "µs/op" }, { "other", "cpu.other", "µs/op" },
			{ "Redis", "cpu.redis", "µs/op" }, { "JIT (not in total)", "cpu.jit", "µs/op" },
			{ "ctx switches", "ctxsw", "/op" }, { "allocated", "gc.alloc.rate.norm", "B/op" },
			{ "run-queue wait", "runq.wait", "µs/op" } };

	private static final int TOTAL = 1;

	private static final int CONTEXT_SWITCHES = 9;

	private static final int ALLOCATED = 10;

	private final PrintStream out = System.out;

	private final StringBuilder report = new StringBuilder();

	private StoreComparison() {
	}

	public static int run(String[] args) throws Exception {
		int rounds = 3;
		int[] threads = { 1, 4 };
		int warmup = 10;
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
						Options (defaults in brackets; about 13 minutes with the defaults):
						  --rounds=N        rounds; each runs one fork per path, thread count and benchmark [3]
						  --threads=LIST    benchmark threads, comma-separated [1,4]
						  --warmup=N        warm-up iterations per fork; the JIT compilers need about 15 s on a busy 2-core machine [10]
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
		line("# Redis store paths, native vs reactive, " + Instant.now());
		line(String.format(Locale.ROOT, "%d rounds; per fork %d x %d s warm-up, %d x %d s measured; JMH throughput mode,"
				+ " -prof gc, CpuProfiler; one dedicated redis-server per fork", rounds, warmup, time, iterations, time));
		line("");
		// results.get(key)[path] = list over rounds of metric arrays
		Map<String, List<List<double[]>>> results = new LinkedHashMap<>();
		for (int round = 1; round <= rounds; round++) {
			for (int threads : threadCounts) {
				for (String benchmark : BENCHMARKS) {
					String key = benchmark + ", " + threads + " thread" + (threads > 1 ? "s" : "");
					List<List<double[]>> perPath = results.computeIfAbsent(key,
							(k) -> List.of(new ArrayList<>(), new ArrayList<>()));
					int[] order = (round % 2 == 1) ? new int[] { 0, 1 } : new int[] { 1, 0 };
					double[][] pair = new double[2][];
					for (int p : order) {
						Path log = workDir.resolve(String.format(Locale.ROOT, "jmh-r%d-t%d-%s-%s.log", round, threads,
								benchmark, PATHS[p]));
						pair[p] = runOne(benchmark, PATHS[p], threads, warmup, iterations, time, log);
						perPath.get(p).add(pair[p]);
					}
					line(String.format(Locale.ROOT,
							"round %d  %-26s native %8.0f ops/s %6.1f µs CPU/op | reactive %8.0f ops/s %6.1f µs CPU/op"
									+ " | ops/s native/reactive %.3f, CPU/op native/reactive %.3f",
							round, key, pair[0][0], pair[0][TOTAL], pair[1][0], pair[1][TOTAL], pair[0][0] / pair[1][0],
							pair[0][TOTAL] / pair[1][TOTAL]));
				}
			}
		}
		line("");
		line("## Means over the rounds (CPU per operation by thread kind from /proc schedstat, Redis's own INFO cpu;"
				+ " CPU total = the JVM without its JIT compiler threads + Redis; context switches of all JVM threads;"
				+ " allocation from -prof gc)");
		line("");
		StringBuilder header = new StringBuilder("| benchmark | path |");
		StringBuilder rule = new StringBuilder("| --- | --- |");
		for (String[] metric : METRICS) {
			header.append(' ').append(metric[0]).append(" (").append(metric[2]).append(") |");
			rule.append(" ---: |");
		}
		line(header.toString());
		line(rule.toString());
		StringBuilder ratios = new StringBuilder();
		for (Map.Entry<String, List<List<double[]>>> entry : results.entrySet()) {
			double[][] means = new double[2][];
			for (int p = 0; p < 2; p++) {
				means[p] = mean(entry.getValue().get(p));
				StringBuilder row = new StringBuilder("| " + entry.getKey() + " | " + PATHS[p] + " |");
				for (int m = 0; m < METRICS.length; m++) {
					row.append(String.format(Locale.ROOT, (m == 0 || m == ALLOCATED) ? " %.0f |" : " %.1f |", means[p][m]));
				}
				line(row.toString());
			}
			List<Double> roundRatios = new ArrayList<>();
			List<double[]> nat = entry.getValue().get(0);
			List<double[]> rea = entry.getValue().get(1);
			for (int i = 0; i < Math.min(nat.size(), rea.size()); i++) {
				roundRatios.add(nat.get(i)[0] / rea.get(i)[0]);
			}
			List<Double> cpuRatios = new ArrayList<>();
			for (int i = 0; i < Math.min(nat.size(), rea.size()); i++) {
				cpuRatios.add(nat.get(i)[TOTAL] / rea.get(i)[TOTAL]);
			}
			ratios.append(String.format(Locale.ROOT, "| %s | %.3f [%s] | %.3f [%s] | %.3f | %.3f | %.3f | %.3f |%n",
					entry.getKey(), means[0][0] / means[1][0], join(roundRatios), means[0][TOTAL] / means[1][TOTAL],
					join(cpuRatios), means[0][2] / means[1][2], means[0][7] / means[1][7],
					means[0][CONTEXT_SWITCHES] / means[1][CONTEXT_SWITCHES], means[0][ALLOCATED] / means[1][ALLOCATED]));
		}
		line("");
		line("## Ratios native / reactive (of the means; per round in brackets). Below 1 in the CPU, context-switch"
				+ " and allocation columns means native is cheaper; above 1 in ops/s, faster.");
		line("");
		line("| benchmark | ops/s | CPU total/op | caller CPU/op | Redis CPU/op | ctx switches/op | allocated B/op |");
		line("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
		for (String row : ratios.toString().split("\n")) {
			line(row.stripTrailing());
		}
		Path report = workDir.resolve("store-report.md");
		Files.writeString(report, this.report.toString());
		this.out.println("Report written to " + report.toAbsolutePath());
		return 0;
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

	private static String join(List<Double> values) {
		return String.join(", ", values.stream().map((r) -> String.format(Locale.ROOT, "%.3f", r)).toList());
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
