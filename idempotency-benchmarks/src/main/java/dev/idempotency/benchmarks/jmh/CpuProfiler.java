package dev.idempotency.benchmarks.jmh;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import dev.idempotency.benchmarks.support.LocalRedis;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * CPU time per operation, for {@code -prof dev.idempotency.benchmarks.jmh.CpuProfiler} (Linux): the
 * benchmark JVM's threads by kind, from {@code /proc/self/task/<tid>/schedstat} (nanoseconds on a CPU) and
 * the thread's name, plus the {@code redis-server} the benchmark {@linkplain #watch started} (its own
 * {@code INFO cpu}), plus the context switches of all the JVM's threads. Divided by all operations of the
 * iteration, like {@code -prof gc} does.
 * <ul>
 * <li>{@code cpu.caller}: the benchmark threads (the request threads of a real application), JMH's workers or
 * those of {@link InterleavedStoreRun};</li>
 * <li>{@code cpu.io}: Lettuce's event loop and timer threads;</li>
 * <li>{@code cpu.reactor}: Reactor's scheduler threads ({@code boundedElastic}, {@code parallel});</li>
 * <li>{@code cpu.gc}: the garbage collector and VM threads;</li>
 * <li>{@code cpu.jit}: the JIT compilers, left out of {@code cpu.total}: on a starved machine they are still
 * compiling long after the warm-up, which says nothing about the code being measured;</li>
 * <li>{@code cpu.jvm}: the whole process ({@code getProcessCpuTime}, JIT included);</li>
 * <li>{@code cpu.redis}; {@code cpu.total} = {@code cpu.jvm} − {@code cpu.jit} + {@code cpu.redis};</li>
 * <li>{@code ctxsw}: voluntary + involuntary context switches of all JVM threads;</li>
 * <li>{@code runq.wait}: time the JVM's threads were runnable but waited for a CPU (how busy the machine
 * was, not a cost of the code).</li>
 * </ul>
 * Hardware counters ({@code perf stat -e instructions}) are not available on the VMs this was written on.
 */
public class CpuProfiler implements InternalProfiler {

	private static final String[] KINDS = { "caller", "io", "reactor", "gc", "jit", "other" };

	private static final int JIT = 4;

	private static volatile LocalRedis watched;

	/**
	 * The readings taken when the trial's tear-down began: JMH tears the state down inside the last
	 * iteration, before {@link #afterIteration}, so that iteration ends there, not once Redis is gone.
	 */
	private static volatile Readings trialEnd;

	private Readings before;

	/** The Redis whose CPU time is counted; {@code null} for none. */
	public static void watch(LocalRedis redis) {
		watched = redis;
	}

	/** Called first thing in the benchmark's {@code @TearDown(Level.Trial)}. */
	public static void trialEnding() {
		trialEnd = Readings.now();
	}

	@Override
	public String getDescription() {
		return "CPU time per operation by thread kind (JIT apart), of the benchmark's redis-server, context switches";
	}

	@Override
	public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
		trialEnd = null;
		this.before = Readings.now();
	}

	@Override
	public Collection<? extends Result> afterIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams,
			IterationResult result) {
		Readings end = trialEnd;
		trialEnd = null;
		if (end == null) {
			end = Readings.now();
		}
		long ops = result.getMetadata().getAllOps();
		List<Result> results = new ArrayList<>();
		if (ops <= 0 || this.before == null) {
			return results;
		}
		double jvm = (end.processCpu - this.before.processCpu) / 1e3 / ops;
		results.add(perOp("cpu.jvm", jvm));
		if (end.threads != null && this.before.threads != null) {
			for (int kind = 0; kind < KINDS.length; kind++) {
				results.add(perOp("cpu." + KINDS[kind], (end.threads[kind] - this.before.threads[kind]) / 1e3 / ops));
			}
			results.add(new ScalarResult("runq.wait", (end.waiting - this.before.waiting) / 1e3 / ops, "us/op",
					AggregationPolicy.AVG));
			results.add(new ScalarResult("ctxsw", (end.contextSwitches - this.before.contextSwitches) / (double) ops,
					"#/op", AggregationPolicy.AVG));
		}
		if (!Double.isNaN(end.redisCpu) && !Double.isNaN(this.before.redisCpu)) {
			double redis = (end.redisCpu - this.before.redisCpu) * 1e6 / ops;
			results.add(perOp("cpu.redis", redis));
			if (end.threads != null && this.before.threads != null) {
				double jit = (end.threads[JIT] - this.before.threads[JIT]) / 1e3 / ops;
				results.add(perOp("cpu.total", jvm - jit + redis));
			}
		}
		return results;
	}

	private static ScalarResult perOp(String label, double micros) {
		return new ScalarResult(label, micros, "us/op", AggregationPolicy.AVG);
	}

	/** One reading of every counter. */
	static final class Readings {

		long processCpu;

		/** Nanoseconds on a CPU per thread kind, summed over the live threads; null without /proc. */
		long[] threads;

		long waiting;

		long contextSwitches;

		double redisCpu;

		static Readings now() {
			Readings r = new Readings();
			r.redisCpu = redisCpu();
			readThreads(r);
			r.processCpu = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
				.getProcessCpuTime();
			return r;
		}

		private static void readThreads(Readings r) {
			long[] threads = new long[KINDS.length];
			try (var tasks = Files.list(Path.of("/proc/self/task"))) {
				for (Path task : tasks.toList()) {
					try {
						String name = Files.readString(task.resolve("comm")).strip();
						String[] schedstat = Files.readString(task.resolve("schedstat")).strip().split(" ");
						threads[kind(name)] += Long.parseLong(schedstat[0]);
						r.waiting += Long.parseLong(schedstat[1]);
						for (String line : Files.readAllLines(task.resolve("status"))) {
							if (line.startsWith("voluntary_ctxt_switches:")
									|| line.startsWith("nonvoluntary_ctxt_switches:")) {
								r.contextSwitches += Long.parseLong(line.substring(line.indexOf(':') + 1).strip());
							}
						}
					}
					catch (IOException | RuntimeException ex) {
						// the thread ended
					}
				}
				r.threads = threads;
			}
			catch (IOException ex) {
				r.threads = null;
			}
		}

		/** The kind of a thread by its native name (the first 15 characters of its Java name). */
		static int kind(String name) {
			if (name.contains("jmh-worker") || name.startsWith("dev.idempotency") || name.startsWith("store-ab-")) {
				return 0;
			}
			if (name.startsWith("lettuce-")) {
				return 1;
			}
			if (name.startsWith("boundedElastic") || name.startsWith("parallel-") || name.startsWith("single-")) {
				return 2;
			}
			if (name.startsWith("GC Thread") || name.startsWith("G1 ") || name.startsWith("VM Thread")) {
				return 3;
			}
			if (name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre")) {
				return JIT;
			}
			return 5;
		}

		private static double redisCpu() {
			LocalRedis redis = watched;
			if (redis == null) {
				return Double.NaN;
			}
			try {
				return redis.cpuSeconds();
			}
			catch (IOException | RuntimeException ex) {
				return Double.NaN;
			}
		}

	}

}
