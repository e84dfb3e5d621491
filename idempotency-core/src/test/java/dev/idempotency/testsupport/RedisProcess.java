package dev.idempotency.testsupport;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

/**
 * A {@code redis-server} process of a test's own, on a loopback port, that the test can stop and start
 * again (to show recovery from an outage). No persistence: a restart loses every key. Needs the
 * {@code redis-server} binary on the PATH, which {@code .ci/run} installs.
 */
public final class RedisProcess implements AutoCloseable {

	private final int port;

	private final List<String> extraArguments;

	private final Path directory;

	private final @Nullable Path sentinelConfig;

	private @Nullable Process process;

	private RedisProcess(int port, List<String> extraArguments, @Nullable String sentinelConfig) throws IOException {
		this.port = port;
		this.extraArguments = extraArguments;
		this.directory = Files.createTempDirectory("redis-" + port + "-");
		this.sentinelConfig = (sentinelConfig != null)
				? Files.writeString(this.directory.resolve("sentinel.conf"), sentinelConfig) : null;
	}

	/** Starts {@code redis-server} on a free port, with any extra arguments, e.g. {@code --replicaof}. */
	public static RedisProcess launch(String... extraArguments) {
		try {
			RedisProcess redis = new RedisProcess(RedisTestServer.freePort(), List.of(extraArguments), null);
			redis.start();
			return redis;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Starts a Sentinel on a free port that monitors {@code master} at {@code 127.0.0.1:masterPort} with
	 * quorum 1, declares it down after 500 ms and fails over quickly.
	 */
	public static RedisProcess launchSentinel(String master, int masterPort) {
		String config = String.join("\n", "sentinel monitor " + master + " 127.0.0.1 " + masterPort + " 1",
				"sentinel down-after-milliseconds " + master + " 500", "sentinel failover-timeout " + master + " 5000",
				"sentinel parallel-syncs " + master + " 1", "");
		try {
			RedisProcess sentinel = new RedisProcess(RedisTestServer.freePort(), List.of(), config);
			sentinel.start();
			return sentinel;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** Freezes the process (SIGSTOP): it keeps its connections but answers nothing, like a stalled host. */
	public void pause() {
		signal("-STOP");
	}

	/** Lets a {@link #pause() paused} process run again (SIGCONT). */
	public void resume() {
		signal("-CONT");
	}

	public int port() {
		return this.port;
	}

	/** Sends one command, see {@link RedisTestServer#command(String...)}. */
	public String command(String... args) {
		return RedisTestServer.command("127.0.0.1", this.port, args);
	}

	/** Starts the server again on the same port, after {@link #stop()}. */
	public synchronized void start() {
		List<String> command = new ArrayList<>();
		command.add("redis-server");
		if (this.sentinelConfig != null) {
			command.addAll(List.of(this.sentinelConfig.toString(), "--sentinel"));
		}
		else {
			command.addAll(List.of("--save", "", "--appendonly", "no"));
		}
		command.addAll(List.of("--port", Integer.toString(this.port), "--bind", "127.0.0.1", "--dir",
				this.directory.toString()));
		command.addAll(this.extraArguments);
		File log = this.directory.resolve("redis.log").toFile();
		try {
			this.process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.appendTo(log))
				.start();
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot run redis-server (" + ex.getMessage() + "). Install it, e.g."
					+ " 'apt-get install redis-server', or run .ci/run which does.", ex);
		}
		for (int i = 0; i < 200; i++) {
			if (RedisTestServer.answersPing("127.0.0.1", this.port)) {
				return;
			}
			sleep(25);
		}
		throw new IllegalStateException("redis-server on port " + this.port + " did not answer PING; see " + log);
	}

	/** Stops the server (a crash, as far as clients can tell) and waits for the process to end. */
	public synchronized void stop() {
		if (this.process == null) {
			return;
		}
		this.process.destroyForcibly();
		try {
			this.process.waitFor(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		this.process = null;
	}

	@Override
	public void close() {
		stop();
	}

	private void signal(String signal) {
		Process running = this.process;
		if (running == null) {
			throw new IllegalStateException("redis-server on port " + this.port + " is not running");
		}
		try {
			new ProcessBuilder("kill", signal, Long.toString(running.pid())).inheritIO().start().waitFor(10, TimeUnit.SECONDS);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
