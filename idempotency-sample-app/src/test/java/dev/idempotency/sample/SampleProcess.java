package dev.idempotency.sample;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.idempotency.testsupport.RedisTestServer;

/**
 * The sample application in a JVM of its own, on this test's class path, so that it can be killed with
 * SIGKILL ({@link Process#destroyForcibly()}) in the middle of requests and started again.
 */
final class SampleProcess implements AutoCloseable {

	private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

	private final List<String> arguments;

	private final int port;

	private final Path log;

	private Process process;

	SampleProcess(List<String> arguments) throws IOException {
		this.arguments = List.copyOf(arguments);
		this.port = RedisTestServer.freePort();
		this.log = Files.createTempFile("sample-process-", ".log");
	}

	int port() {
		return this.port;
	}

	/** Starts the JVM and waits until the sample answers HTTP. */
	SampleProcess start() throws IOException, InterruptedException {
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.add("-Xmx256m");
		command.add("-cp");
		command.add(System.getProperty("java.class.path"));
		command.add(SampleApplication.class.getName());
		command.add("--server.port=" + this.port);
		command.addAll(this.arguments);
		this.process = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.appendTo(this.log.toFile()))
			.start();
		awaitAnswering();
		return this;
	}

	/** Kills the JVM with SIGKILL: no shutdown hook, no graceful shutdown, nothing flushed. */
	void kill() throws InterruptedException {
		this.process.destroyForcibly();
		this.process.waitFor(30, TimeUnit.SECONDS);
	}

	File log() {
		return this.log.toFile();
	}

	private void awaitAnswering() throws IOException, InterruptedException {
		HttpClient client = HttpClient.newHttpClient();
		long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
		while (System.nanoTime() < deadline) {
			if (!this.process.isAlive()) {
				throw new IllegalStateException("The sample exited with " + this.process.exitValue() + "; see "
						+ this.log + ":\n" + Files.readString(this.log));
			}
			try {
				HttpResponse<Void> response = client.send(
						HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/v3/api-docs"))
							.timeout(Duration.ofSeconds(2))
							.build(),
						HttpResponse.BodyHandlers.discarding());
				if (response.statusCode() == 200) {
					return;
				}
			}
			catch (IOException ex) {
				// not listening yet
			}
			Thread.sleep(200);
		}
		throw new IllegalStateException("The sample did not answer within " + START_TIMEOUT + "; see " + this.log);
	}

	@Override
	public void close() throws InterruptedException {
		if (this.process != null && this.process.isAlive()) {
			kill();
		}
	}

}
