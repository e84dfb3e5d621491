package dev.idempotency.benchmarks.support;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A dedicated {@code redis-server} on a free loopback port, no persistence, {@code noeviction}: the
 * benchmarks never touch another Redis. {@link #close()} stops it ({@code SIGTERM}, then {@code SIGKILL});
 * a JVM shutdown hook does the same if the benchmark is interrupted.
 */
public final class LocalRedis implements AutoCloseable {

	public static final String HOST = "127.0.0.1";

	private final Process process;

	private final int port;

	private final Thread hook;

	private LocalRedis(Process process, int port) {
		this.process = process;
		this.port = port;
		this.hook = new Thread(() -> destroy(process), "redis-cleanup");
		Runtime.getRuntime().addShutdownHook(this.hook);
	}

	/**
	 * Starts {@code redisServer} (a command on the {@code PATH} or a path) with its working directory and log
	 * in {@code dir}, plus any extra arguments ({@code "--maxmemory", "4gb"}), and waits until it answers.
	 */
	public static LocalRedis start(String redisServer, Path dir, String... extraArgs) throws IOException, InterruptedException {
		Files.createDirectories(dir);
		int port = freePort();
		Path log = dir.resolve("redis-" + port + ".log");
		List<String> command = new ArrayList<>(List.of(redisServer, "--port", String.valueOf(port), "--bind", HOST,
				"--save", "", "--appendonly", "no", "--maxmemory-policy", "noeviction", "--protected-mode", "yes",
				"--dir", dir.toAbsolutePath().toString()));
		command.addAll(List.of(extraArgs));
		Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
		LocalRedis redis = new LocalRedis(process, port);
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
		while (true) {
			try (Resp resp = redis.resp(1000)) {
				if ("PONG".equals(resp.call("PING"))) {
					return redis;
				}
			}
			catch (IOException ex) {
				if (!process.isAlive() || System.nanoTime() > deadline) {
					redis.close();
					throw new IllegalStateException("redis-server did not start, see " + log, ex);
				}
				Thread.sleep(50);
			}
		}
	}

	public int port() {
		return this.port;
	}

	public long pid() {
		return this.process.pid();
	}

	public Resp resp(int timeoutMillis) throws IOException {
		return new Resp(HOST, this.port, timeoutMillis);
	}

	/** One section of {@code INFO} as name/value pairs. */
	public Map<String, String> info(String section) throws IOException {
		try (Resp resp = resp(5000)) {
			return parseInfo((String) resp.call("INFO", section));
		}
	}

	public static Map<String, String> parseInfo(String info) {
		Map<String, String> values = new LinkedHashMap<>();
		for (String line : info.lines().toList()) {
			int colon = line.indexOf(':');
			if (colon > 0 && !line.startsWith("#")) {
				values.put(line.substring(0, colon), line.substring(colon + 1).trim());
			}
		}
		return values;
	}

	/** User + system CPU seconds of the server, as Redis reports them ({@code INFO cpu}, µs resolution). */
	public double cpuSeconds() throws IOException {
		Map<String, String> cpu = info("cpu");
		return Double.parseDouble(cpu.get("used_cpu_user")) + Double.parseDouble(cpu.get("used_cpu_sys"));
	}

	@Override
	public void close() {
		destroy(this.process);
		try {
			Runtime.getRuntime().removeShutdownHook(this.hook);
		}
		catch (IllegalStateException ex) {
			// shutting down already
		}
	}

	public static void destroy(Process process) {
		if (!process.isAlive()) {
			return;
		}
		process.destroy();
		try {
			if (!process.waitFor(15, TimeUnit.SECONDS)) {
				process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
			}
		}
		catch (InterruptedException ex) {
			process.destroyForcibly();
			Thread.currentThread().interrupt();
		}
	}

	public static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
			return socket.getLocalPort();
		}
	}

}
