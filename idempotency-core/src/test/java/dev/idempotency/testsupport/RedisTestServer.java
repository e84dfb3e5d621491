package dev.idempotency.testsupport;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.jspecify.annotations.Nullable;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;

import redis.embedded.RedisServer;

/**
 * The Redis server used by the tests of this project, resolved once per JVM in this order:
 * <ol>
 * <li>the URL in the environment variable {@value #ENV_URL} ({@code redis://host[:port]}, port 6379 by default),
 * which must answer PING;</li>
 * <li>a Redis answering PING on {@code 127.0.0.1:6379};</li>
 * <li>a {@value #CONTAINER_IMAGE} container started by Testcontainers when a Docker engine is available;</li>
 * <li>the Redis binary shipped in embedded-redis, on a free loopback port without persistence;</li>
 * </ol>
 * otherwise {@link #get()} throws an {@link IllegalStateException} explaining how to provide one.
 * Redis tests are never skipped.
 */
public final class RedisTestServer {

	static final String ENV_URL = "IDEMPOTENCY_TEST_REDIS_URL";

	static final String LOCAL_HOST = "127.0.0.1";

	static final int DEFAULT_PORT = 6379;

	static final String CONTAINER_IMAGE = "redis:7.4-alpine";

	static final String HOW_TO_GET_REDIS = "Provide one of:\n"
			+ "  - set " + ENV_URL + "=redis://host:port to a running Redis\n"
			+ "  - start a local one: "
			+ "redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save \"\" --appendonly no\n"
			+ "  - install Docker so that Testcontainers can start " + CONTAINER_IMAGE;

	private static final int PROBE_CONNECT_TIMEOUT_MILLIS = 300;

	private static final int PROBE_READ_TIMEOUT_MILLIS = 1_000;

	private static final int COMMAND_CONNECT_TIMEOUT_MILLIS = 2_000;

	private static final int COMMAND_READ_TIMEOUT_MILLIS = 10_000;

	private static final long DOCKER_PROBE_TIMEOUT_SECONDS = 15;

	private static final int EMBEDDED_START_ATTEMPTS = 3;

	private static final Runnable NOTHING_TO_STOP = () -> {
	};

	private static RedisTestServer instance;

	private static IllegalStateException failure;

	private final String host;

	private final int port;

	private final String source;

	private final Runnable stopper;

	private RedisTestServer(String host, int port, String source, Runnable stopper) {
		this.host = host;
		this.port = port;
		this.source = source;
		this.stopper = stopper;
	}

	/**
	 * Returns the JVM-wide server, resolving it on first use.
	 * @throws IllegalStateException if no Redis can be found or started, now or on an earlier call
	 */
	public static synchronized RedisTestServer get() {
		if (instance == null && failure == null) {
			try {
				instance = resolve(System.getenv(ENV_URL), DEFAULT_PORT, true, true);
				System.out.println("RedisTestServer: using " + instance.source + " at " + instance.url());
			}
			catch (IllegalStateException ex) {
				failure = ex;
			}
		}
		if (failure != null) {
			throw new IllegalStateException(failure.getMessage(), failure);
		}
		return instance;
	}

	public String host() {
		return this.host;
	}

	public int port() {
		return this.port;
	}

	/** Returns {@code redis://host:port}. */
	public String url() {
		return "redis://" + this.host + ":" + this.port;
	}

	/** Returns a human-readable description of where this server came from. */
	public String source() {
		return this.source;
	}

	/**
	 * Sends one command over a fresh connection and returns the reply as text: simple strings, integers and bulk
	 * strings as their value, errors with their leading {@code -} (e.g. {@code -ERR unknown command}), a null bulk
	 * string or null array as {@code null}, arrays as their elements joined by {@code \n} with null elements
	 * rendered as {@code (nil)}.
	 * @throws UncheckedIOException if the server cannot be reached or the reply cannot be read
	 */
	public @Nullable String command(String... args) {
		try {
			return roundTrip(this.host, this.port, COMMAND_CONNECT_TIMEOUT_MILLIS, COMMAND_READ_TIMEOUT_MILLIS, args);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Redis command " + String.join(" ", args) + " to " + url() + " failed", ex);
		}
	}

	/** Like {@link #command(String...)}, for any Redis server, e.g. one a test started itself. */
	public static @Nullable String command(String host, int port, String... args) {
		try {
			return roundTrip(host, port, COMMAND_CONNECT_TIMEOUT_MILLIS, COMMAND_READ_TIMEOUT_MILLIS, args);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Redis command " + String.join(" ", args) + " to " + host + ":" + port
					+ " failed", ex);
		}
	}

	/** Returns a loopback port that nothing listened on at the time of the call. */
	public static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("No free port", ex);
		}
	}

	/**
	 * Resolves a server following the order documented on this class, probing {@code localPort} instead of 6379 and
	 * optionally leaving out Testcontainers or embedded-redis.
	 * @param envUrl the value of {@value #ENV_URL}, {@code null} or blank when unset
	 */
	static RedisTestServer resolve(@Nullable String envUrl, int localPort, boolean tryDocker, boolean tryEmbedded) {
		if (envUrl != null && !envUrl.isBlank()) {
			return fromUrl(envUrl.trim());
		}
		List<String> tried = new ArrayList<>();
		String local = LOCAL_HOST + ":" + localPort;
		String localReply = ping(LOCAL_HOST, localPort);
		if ("PONG".equals(localReply)) {
			return new RedisTestServer(LOCAL_HOST, localPort, "local " + local, NOTHING_TO_STOP);
		}
		tried.add(local + " (" + localReply + ")");
		if (tryDocker) {
			String unavailable = Containers.whyDockerIsUnavailable();
			if (unavailable == null) {
				try {
					return Containers.start();
				}
				catch (Exception | LinkageError ex) {
					tried.add("Testcontainers " + CONTAINER_IMAGE + " (" + ex + ")");
				}
			}
			else {
				tried.add("Testcontainers (" + unavailable + ")");
			}
		}
		if (tryEmbedded) {
			try {
				return Embedded.start();
			}
			catch (Exception | LinkageError ex) {
				tried.add("embedded-redis (" + ex + ")");
			}
		}
		throw new IllegalStateException("No Redis server for the tests. Tried: " + String.join("; ", tried) + ".\n"
				+ HOW_TO_GET_REDIS);
	}

	/** Starts the embedded-redis binary on a free loopback port; {@link #stop()} or JVM shutdown stops it. */
	static RedisTestServer startEmbedded() throws IOException {
		return Embedded.start();
	}

	/** Returns {@code true} if {@code host:port} answers {@code PING} with {@code +PONG}. */
	static boolean answersPing(String host, int port) {
		return "PONG".equals(ping(host, port));
	}

	/** Parses {@code redis://host[:port]} into host and port, the port defaulting to 6379. */
	static InetSocketAddress parseUrl(String url) {
		URI uri;
		try {
			uri = new URI(url);
		}
		catch (URISyntaxException ex) {
			throw new IllegalStateException(notARedisUrl(url), ex);
		}
		if (!"redis".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
			throw new IllegalStateException(notARedisUrl(url));
		}
		int port = (uri.getPort() != -1) ? uri.getPort() : DEFAULT_PORT;
		return InetSocketAddress.createUnresolved(uri.getHost(), port);
	}

	/** Stops a server this class started; for tests of this class only, never on {@link #get()}. */
	void stop() {
		this.stopper.run();
	}

	private static String notARedisUrl(String url) {
		return ENV_URL + "=" + url + " is not a redis://host[:port] URL.\n" + HOW_TO_GET_REDIS;
	}

	private static RedisTestServer fromUrl(String url) {
		InetSocketAddress address = parseUrl(url);
		String reply = ping(address.getHostString(), address.getPort());
		if (!"PONG".equals(reply)) {
			throw new IllegalStateException(ENV_URL + "=" + url + " does not answer PING (" + reply + ").\n"
					+ "Point it at a running Redis, or unset it to let the tests find or start one.");
		}
		return new RedisTestServer(address.getHostString(), address.getPort(), ENV_URL, NOTHING_TO_STOP);
	}

	private static @Nullable String ping(String host, int port) {
		try {
			return roundTrip(host, port, PROBE_CONNECT_TIMEOUT_MILLIS, PROBE_READ_TIMEOUT_MILLIS, "PING");
		}
		catch (IOException ex) {
			return ex.toString();
		}
	}

	private static @Nullable String roundTrip(String host, int port, int connectTimeoutMillis, int readTimeoutMillis,
			String... args) throws IOException {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(host, port), connectTimeoutMillis);
			socket.setSoTimeout(readTimeoutMillis);
			OutputStream out = socket.getOutputStream();
			out.write(encode(args));
			out.flush();
			return readReply(new BufferedInputStream(socket.getInputStream()));
		}
	}

	private static byte[] encode(String... args) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		out.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
		for (String arg : args) {
			byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
			out.writeBytes(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
			out.writeBytes(bytes);
			out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
		}
		return out.toByteArray();
	}

	private static @Nullable String readReply(InputStream in) throws IOException {
		int type = in.read();
		if (type == -1) {
			throw new IOException("Connection closed before a reply");
		}
		String line = readLine(in);
		switch (type) {
			case '+':
			case ':':
				return line;
			case '-':
				return "-" + line;
			case '$': {
				int length = parseLength(line);
				if (length < 0) {
					return null;
				}
				byte[] bytes = in.readNBytes(length);
				if (bytes.length != length || in.readNBytes(2).length != 2) {
					throw new IOException("Connection closed inside a bulk string");
				}
				return new String(bytes, StandardCharsets.UTF_8);
			}
			case '*': {
				int count = parseLength(line);
				if (count < 0) {
					return null;
				}
				List<String> elements = new ArrayList<>(count);
				for (int i = 0; i < count; i++) {
					String element = readReply(in);
					elements.add((element != null) ? element : "(nil)");
				}
				return String.join("\n", elements);
			}
			default:
				throw new IOException("Not a RESP reply, starts with " + (char) type + line);
		}
	}

	private static int parseLength(String line) throws IOException {
		try {
			return Integer.parseInt(line);
		}
		catch (NumberFormatException ex) {
			throw new IOException("Not a RESP length: " + line, ex);
		}
	}

	private static String readLine(InputStream in) throws IOException {
		ByteArrayOutputStream line = new ByteArrayOutputStream();
		int previous = -1;
		for (int b = in.read(); b != -1; b = in.read()) {
			if (previous == '\r' && b == '\n') {
				byte[] bytes = line.toByteArray();
				return new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8);
			}
			line.write(b);
			previous = b;
		}
		throw new IOException("Connection closed inside a reply line");
	}

	/** Testcontainers access, kept apart so that this class loads without Testcontainers on the class path. */
	private static final class Containers {

		/** Returns {@code null} if Testcontainers finds a Docker engine, otherwise why not. */
		static @Nullable String whyDockerIsUnavailable() {
			FutureTask<Boolean> probe = new FutureTask<>(() -> DockerClientFactory.instance().isDockerAvailable());
			Thread thread = new Thread(probe, "redis-test-server-docker-probe");
			thread.setDaemon(true);
			thread.start();
			try {
				return probe.get(DOCKER_PROBE_TIMEOUT_SECONDS, TimeUnit.SECONDS) ? null : "no Docker engine found";
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return "interrupted while looking for a Docker engine";
			}
			catch (TimeoutException ex) {
				return "no answer from Docker within " + DOCKER_PROBE_TIMEOUT_SECONDS + " s";
			}
			catch (ExecutionException ex) {
				return ex.getCause().toString();
			}
			catch (Throwable ex) {
				return ex.toString();
			}
		}

		static RedisTestServer start() {
			GenericContainer<?> container = new GenericContainer<>(DockerImageName.parse(CONTAINER_IMAGE))
				.withExposedPorts(DEFAULT_PORT)
				.withCommand("redis-server", "--save", "", "--appendonly", "no");
			try {
				container.start();
				return new RedisTestServer(container.getHost(), container.getMappedPort(DEFAULT_PORT),
						"Testcontainers " + CONTAINER_IMAGE, container::stop);
			}
			catch (RuntimeException ex) {
				container.stop();
				throw ex;
			}
		}

	}

	/** embedded-redis access, kept apart so that this class loads without embedded-redis on the class path. */
	private static final class Embedded {

		static RedisTestServer start() throws IOException {
			IOException failure = null;
			for (int attempt = 0; attempt < EMBEDDED_START_ATTEMPTS; attempt++) {
				int port = freePort();
				RedisServer server = RedisServer.newRedisServer()
					.bind(LOCAL_HOST)
					.port(port)
					.setting("save \"\"")
					.setting("appendonly no")
					.soutListener((line) -> {
					})
					.serrListener((line) -> {
					})
					.build();
				try {
					server.start();
				}
				catch (IOException ex) {
					failure = ex;
					continue;
				}
				Runnable stopper = () -> {
					try {
						server.stop();
					}
					catch (IOException ex) {
						throw new UncheckedIOException(ex);
					}
				};
				Runtime.getRuntime().addShutdownHook(new Thread(stopper, "redis-test-server-embedded-stop"));
				return new RedisTestServer(LOCAL_HOST, port, "embedded-redis 6.2 on port " + port, stopper);
			}
			throw failure;
		}

	}

}
