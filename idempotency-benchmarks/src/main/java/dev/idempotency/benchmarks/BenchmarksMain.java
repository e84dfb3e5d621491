package dev.idempotency.benchmarks;

import java.util.Arrays;

import dev.idempotency.benchmarks.e2e.E2eBenchmark;

/**
 * Entry point of the benchmarks jar: {@code jmh [JMH options]} runs the JMH micro-benchmarks (with the
 * short defaults of the benchmark classes unless overridden), {@code e2e [options]} runs the end-to-end
 * load benchmark. See docs/benchmarks.md.
 */
public final class BenchmarksMain {

	private BenchmarksMain() {
	}

	public static void main(String[] args) throws Exception {
		if (args.length == 0 || !(args[0].equals("jmh") || args[0].equals("e2e"))) {
			System.err.println("Usage: java -jar idempotency-benchmarks.jar jmh [JMH options, e.g. -h]");
			System.err.println("       java -jar idempotency-benchmarks.jar e2e [--help]");
			System.exit(2);
		}
		String[] rest = Arrays.copyOfRange(args, 1, args.length);
		if (args[0].equals("jmh")) {
			org.openjdk.jmh.Main.main(rest);
		}
		else {
			System.exit(E2eBenchmark.run(rest));
		}
	}

}
