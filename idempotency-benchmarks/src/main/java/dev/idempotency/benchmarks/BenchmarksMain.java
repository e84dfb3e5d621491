package dev.idempotency.benchmarks;

import java.util.Arrays;
import java.util.Set;

import dev.idempotency.benchmarks.e2e.E2eBenchmark;
import dev.idempotency.benchmarks.jmh.InterleavedStoreRun;
import dev.idempotency.benchmarks.jmh.StoreComparison;
import dev.idempotency.benchmarks.memory.MemoryBenchmark;

/**
 * Entry point of the benchmarks jar: {@code jmh [JMH options]} runs the JMH micro-benchmarks (with the
 * short defaults of the benchmark classes unless overridden), {@code store [options]} compares the Redis
 * store's two paths side by side (JMH forks), {@code store-ab [options]} has them take turns in short
 * blocks in one JVM, {@code e2e [options]} runs the end-to-end load benchmark,
 * {@code memory [options]} the memory run. See docs/benchmarks.md.
 */
public final class BenchmarksMain {

	private static final Set<String> COMMANDS = Set.of("jmh", "store", "store-ab", "e2e", "memory");

	private BenchmarksMain() {
	}

	public static void main(String[] args) throws Exception {
		if (args.length == 0 || !COMMANDS.contains(args[0])) {
			System.err.println("Usage: java -jar idempotency-benchmarks.jar jmh [JMH options, e.g. -h]");
			System.err.println("       java -jar idempotency-benchmarks.jar store [--help]");
			System.err.println("       java -jar idempotency-benchmarks.jar store-ab [--help]");
			System.err.println("       java -jar idempotency-benchmarks.jar e2e [--help]");
			System.err.println("       java -jar idempotency-benchmarks.jar memory [--help]");
			System.exit(2);
		}
		String[] rest = Arrays.copyOfRange(args, 1, args.length);
		switch (args[0]) {
			case "jmh" -> org.openjdk.jmh.Main.main(rest);
			case "store" -> System.exit(StoreComparison.run(rest));
			case "store-ab" -> System.exit(InterleavedStoreRun.run(rest));
			case "e2e" -> System.exit(E2eBenchmark.run(rest));
			default -> System.exit(MemoryBenchmark.run(rest));
		}
	}

}
