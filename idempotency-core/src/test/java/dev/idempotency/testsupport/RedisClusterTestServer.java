package dev.idempotency.testsupport;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;

/**
 * A real Redis Cluster for the tests of this project: three primaries, no replicas, started once per JVM on first
 * use and stopped by a JVM shutdown hook. Every node is a {@code redis-server --cluster-enabled yes} process of its
 * own, in its own temporary directory (deleted at shutdown), bound to loopback, without persistence. The cluster is
 * created with {@code redis-cli --cluster create} (from the PATH, or next to {@code redis-server}); without
 * {@code redis-cli} the same steps ({@code CLUSTER ADDSLOTS}, {@code CLUSTER MEET}) are sent over RESP. {@link #get()}
 * returns once {@code CLUSTER INFO} says {@code cluster_state:ok} on every node.
 * <p>
 * Needs the {@code redis-server} binary (6.2 or later) on the PATH, which {@code .ci/run} installs; without it
 * {@link #get()} throws an {@link IllegalStateException} that says how to install it. Cluster tests are never
 * skipped.
 */
public final class RedisClusterTestServer {

	static final String HOST = "127.0.0.1";

	static final int PRIMARIES = 3;

	static final int SLOTS = 16384;

	/** A node's cluster bus listens on its port plus this offset (Redis' default). */
	static final int BUS_PORT_OFFSET = 10000;

	/**
	 * Node ports are drawn from [{@value #MIN_PORT}, {@value #MAX_PORT}], so that ports and bus ports (+10000) stay
	 * below the usual ephemeral range (32768 and up on Linux) and away from 6379/16379.
	 */
	static final int MIN_PORT = 11000;

	static final int MAX_PORT = 22000;

	static final String HOW_TO_INSTALL = "The Redis Cluster tests start their own cluster and need the redis-server"
			+ " binary (Redis 6.2 or later; redis-cli is used when present) on the PATH:\n"
			+ "  - Debian/Ubuntu: sudo apt-get install redis-server   (redis-cli comes with redis-tools)\n"
			+ "  - Fedora/RHEL: sudo dnf install redis   - macOS: brew install redis\n"
			+ "  - or run .ci/run, which installs redis-server with apt-get when it can.";

	private static final int START_ATTEMPTS_PER_NODE = 5;

	private static final long NODE_START_TIMEOUT_MILLIS = 15_000;

	private static final long CLUSTER_CREATE_TIMEOUT_SECONDS = 60;

	private static final long CLUSTER_OK_TIMEOUT_MILLIS = 30_000;

	private static final int LOG_TAIL_LINES = 25;

	private static @Nullable RedisClusterTestServer instance;

	private static @Nullable IllegalStateException failure;

	private final List<Integer> ports;

	private final int[] slotOwners;

	private final String description;

	private final Map<Integer, RedisTestServer> connections = new ConcurrentHashMap<>();

	private RedisClusterTestServer(List<Integer> ports, int[] slotOwners, String description) {
		this.ports = List.copyOf(ports);
		this.slotOwners = slotOwners;
		this.description = description;
	}

	/**
	 * Returns the JVM-wide cluster, starting it on first use.
	 * @throws IllegalStateException if the cluster cannot be started, now or on an earlier call
	 */
	public static synchronized RedisClusterTestServer get() {
		if (instance == null && failure == null) {
			long started = System.nanoTime();
			try {
				instance = Starter.start();
				System.out.printf("RedisClusterTestServer: %s, ready in %d ms%n", instance.description,
						TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
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

	/** The primaries as {@code 127.0.0.1:port}. */
	public List<String> nodes() {
		return this.ports.stream().map((port) -> HOST + ":" + port).toList();
	}

	/** The primaries, comma-joined, as {@code spring.data.redis.cluster.nodes} expects them. */
	public String nodesProperty() {
		return String.join(",", nodes());
	}

	/** The primaries' ports. */
	public List<Integer> ports() {
		return this.ports;
	}

	/** What was started, e.g. for a test's log line. */
	public String description() {
		return this.description;
	}

	/**
	 * Sends one command to the node on {@code port} over a fresh connection and returns the reply as text, the way
	 * {@link RedisTestServer#command(String...)} does. A key of another node's slot gets {@code -MOVED ...}.
	 * @throws UncheckedIOException if the node cannot be reached or the reply cannot be read
	 */
	public @Nullable String command(int port, String... args) {
		return connection(port).command(args);
	}

	/** Sends one command to the primary that serves {@code key}'s slot. */
	public @Nullable String commandForKey(String key, String... args) {
		return command(portOfSlot(slotOf(key)), args);
	}

	/** The hash slot of {@code key}, as the cluster computes it ({@code CLUSTER KEYSLOT}). */
	public int slotOf(String key) {
		String reply = command(this.ports.get(0), "CLUSTER", "KEYSLOT", key);
		try {
			return Integer.parseInt(String.valueOf(reply));
		}
		catch (NumberFormatException ex) {
			throw new IllegalStateException("CLUSTER KEYSLOT " + key + " answered " + reply, ex);
		}
	}

	/** The port of the primary that serves {@code slot}. */
	public int portOfSlot(int slot) {
		return this.slotOwners[slot];
	}

	private RedisTestServer connection(int port) {
		RedisTestServer connection = this.connections.get(port);
		if (connection != null) {
			return connection;
		}
		try {
			connection = RedisTestServer.resolve("redis://" + HOST + ":" + port, port, false, false);
		}
		catch (IllegalStateException ex) {
			throw new UncheckedIOException(new IOException("Cluster node " + HOST + ":" + port
					+ " does not answer PING (" + this.description + ")", ex));
		}
		this.connections.put(port, connection);
		return connection;
	}

	private static @Nullable String send(int port, String... args) {
		return RedisTestServer.resolve("redis://" + HOST + ":" + port, port, false, false).command(args);
	}

	/** Starts the nodes, creates the cluster and waits for it; cleans up everything it started if that fails. */
	private static final class Starter {

		private final Path root;

		private final List<Process> processes = new CopyOnWriteArrayList<>();

		private final List<Path> logs = new ArrayList<>();

		private final Set<Integer> usedPorts = new HashSet<>();

		private Starter(Path root) {
			this.root = root;
		}

		static RedisClusterTestServer start() {
			Path server = findExecutable("redis-server", List.of());
			if (server == null) {
				throw new IllegalStateException("No redis-server on the PATH (" + System.getenv("PATH") + ").\n"
						+ HOW_TO_INSTALL);
			}
			Path root;
			try {
				root = Files.createTempDirectory("idempotency-redis-cluster-");
			}
			catch (IOException ex) {
				throw new IllegalStateException("Cannot create a directory for the Redis Cluster nodes: " + ex, ex);
			}
			Starter starter = new Starter(root);
			Runtime.getRuntime().addShutdownHook(new Thread(starter::stopAndDelete, "redis-cluster-test-server-stop"));
			try {
				return starter.startCluster(server);
			}
			catch (RuntimeException ex) {
				String logTails = starter.logTails();
				starter.stopAndDelete();
				throw new IllegalStateException("Could not start a " + PRIMARIES + "-primary Redis Cluster with "
						+ server + ": " + ex.getMessage() + "\n" + logTails + HOW_TO_INSTALL, ex);
			}
		}

		private RedisClusterTestServer startCluster(Path server) {
			String version = version(server);
			List<Integer> ports = new ArrayList<>();
			for (int i = 0; i < PRIMARIES; i++) {
				ports.add(startNode(server));
			}
			Path cli = findExecutable("redis-cli", siblingDirectories(server));
			String how;
			if (cli != null) {
				createWithRedisCli(cli, ports);
				how = "created by " + cli;
			}
			else {
				createOverResp(ports);
				how = "created over RESP (no redis-cli found)";
			}
			awaitClusterOk(ports);
			int[] slotOwners = slotOwners(ports);
			String description = PRIMARIES + "-primary Redis Cluster (" + version + ") on "
					+ ports.stream().map((port) -> HOST + ":" + port).collect(Collectors.joining(",")) + ", " + how
					+ ", in " + this.root;
			return new RedisClusterTestServer(ports, slotOwners, description);
		}

		/** Starts one node on a fresh port, trying other ports when one turns out to be taken. */
		private int startNode(Path server) {
			String lastProblem = "";
			for (int attempt = 1; attempt <= START_ATTEMPTS_PER_NODE; attempt++) {
				int port = choosePort();
				Path dir = this.root.resolve("node-" + port);
				Path log = dir.resolve("redis.log");
				Process process;
				try {
					Files.createDirectories(dir);
					this.logs.add(log);
					process = new ProcessBuilder(server.toString(), "--port", Integer.toString(port), "--bind", HOST,
							"--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
							"--cluster-node-timeout", "5000", "--save", "", "--appendonly", "no", "--daemonize", "no",
							"--dir", dir.toString())
						.directory(dir.toFile())
						.redirectErrorStream(true)
						.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
						.start();
				}
				catch (IOException ex) {
					throw new IllegalStateException("Cannot run " + server + ": " + ex.getMessage(), ex);
				}
				this.processes.add(process);
				long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(NODE_START_TIMEOUT_MILLIS);
				while (process.isAlive() && System.nanoTime() - deadline < 0) {
					if (RedisTestServer.answersPing(HOST, port)) {
						return port;
					}
					sleep(25);
				}
				if (process.isAlive()) {
					throw new IllegalStateException("Node on port " + port + " did not answer PING within "
							+ NODE_START_TIMEOUT_MILLIS + " ms");
				}
				// Most likely the port or its bus port was taken in the meantime: try others.
				lastProblem = "node on port " + port + " exited with " + process.exitValue() + ": "
						+ tail(log, 3).trim();
				this.processes.remove(process);
			}
			throw new IllegalStateException("No node started in " + START_ATTEMPTS_PER_NODE + " attempts; last: "
					+ lastProblem);
		}

		/** A port that, with its cluster bus port, nothing listens on now and this cluster does not use yet. */
		private int choosePort() {
			for (int i = 0; i < 1000; i++) {
				int port = ThreadLocalRandom.current().nextInt(MIN_PORT, MAX_PORT + 1);
				int bus = port + BUS_PORT_OFFSET;
				if (this.usedPorts.contains(port) || this.usedPorts.contains(bus)) {
					continue;
				}
				if (isFree(port) && isFree(bus)) {
					this.usedPorts.add(port);
					this.usedPorts.add(bus);
					return port;
				}
			}
			throw new IllegalStateException("No free port pair (port, port + " + BUS_PORT_OFFSET + ") between "
					+ MIN_PORT + " and " + (MAX_PORT + BUS_PORT_OFFSET));
		}

		private void createWithRedisCli(Path cli, List<Integer> ports) {
			List<String> command = new ArrayList<>(List.of(cli.toString(), "--cluster", "create"));
			ports.forEach((port) -> command.add(HOST + ":" + port));
			command.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
			Path log = this.root.resolve("cluster-create.log");
			this.logs.add(log);
			run(command, log, CLUSTER_CREATE_TIMEOUT_SECONDS);
		}

		/** What {@code redis-cli --cluster create} does, for machines with {@code redis-server} only. */
		private void createOverResp(List<Integer> ports) {
			for (int i = 0; i < ports.size(); i++) {
				int first = SLOTS * i / ports.size();
				int last = SLOTS * (i + 1) / ports.size() - 1;
				List<String> addSlots = new ArrayList<>(List.of("CLUSTER", "ADDSLOTS"));
				for (int slot = first; slot <= last; slot++) {
					addSlots.add(Integer.toString(slot));
				}
				expectOk(ports.get(i), addSlots.toArray(String[]::new));
				expectOk(ports.get(i), "CLUSTER", "SET-CONFIG-EPOCH", Integer.toString(i + 1));
			}
			for (int i = 1; i < ports.size(); i++) {
				expectOk(ports.get(0), "CLUSTER", "MEET", HOST, Integer.toString(ports.get(i)));
			}
		}

		private void awaitClusterOk(List<Integer> ports) {
			long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLUSTER_OK_TIMEOUT_MILLIS);
			while (true) {
				List<String> notReady = new ArrayList<>();
				for (int port : ports) {
					String info = String.valueOf(send(port, "CLUSTER", "INFO"));
					if (!info.contains("cluster_state:ok") || !info.contains("cluster_slots_ok:" + SLOTS)
							|| !info.contains("cluster_known_nodes:" + ports.size())) {
						notReady.add(HOST + ":" + port + ": " + info.replaceAll("\\s+", " "));
					}
				}
				if (notReady.isEmpty()) {
					return;
				}
				if (System.nanoTime() - deadline > 0) {
					throw new IllegalStateException("CLUSTER INFO not ok within " + CLUSTER_OK_TIMEOUT_MILLIS
							+ " ms on " + String.join("; ", notReady));
				}
				sleep(50);
			}
		}

		/** Parses {@code CLUSTER NODES}: the port of each slot's primary. */
		private static int[] slotOwners(List<Integer> ports) {
			String nodes = String.valueOf(send(ports.get(0), "CLUSTER", "NODES"));
			int[] owners = new int[SLOTS];
			for (String line : nodes.split("\n")) {
				String[] fields = line.trim().split(" ");
				if (fields.length < 8 || !fields[2].contains("master")) {
					continue;
				}
				// ip:port@busport[,hostname]
				String address = fields[1];
				int port = Integer.parseInt(address.substring(address.lastIndexOf(':', address.indexOf('@')) + 1,
						address.indexOf('@')));
				for (int i = 8; i < fields.length; i++) {
					String range = fields[i];
					if (range.startsWith("[")) {
						continue; // a slot being imported or migrated
					}
					int dash = range.indexOf('-');
					int first = Integer.parseInt((dash < 0) ? range : range.substring(0, dash));
					int last = (dash < 0) ? first : Integer.parseInt(range.substring(dash + 1));
					Arrays.fill(owners, first, last + 1, port);
				}
			}
			for (int slot = 0; slot < SLOTS; slot++) {
				if (owners[slot] == 0) {
					throw new IllegalStateException("Slot " + slot + " has no primary in CLUSTER NODES:\n" + nodes);
				}
			}
			return owners;
		}

		private void expectOk(int port, String... args) {
			String reply = send(port, args);
			if (!"OK".equals(reply)) {
				throw new IllegalStateException(args[0] + " " + args[1] + " on port " + port + " answered " + reply);
			}
		}

		private static String version(Path server) {
			try {
				Process process = new ProcessBuilder(server.toString(), "--version").redirectErrorStream(true).start();
				String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
				process.waitFor(10, TimeUnit.SECONDS);
				int start = output.indexOf("v=");
				return (start < 0) ? output : "redis-server " + output.substring(start + 2).split(" ")[0];
			}
			catch (IOException ex) {
				throw new IllegalStateException("Cannot run " + server + " --version: " + ex.getMessage(), ex);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("Interrupted", ex);
			}
		}

		private void run(List<String> command, Path log, long timeoutSeconds) {
			try {
				Process process = new ProcessBuilder(command).redirectErrorStream(true)
					.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
					.start();
				this.processes.add(process);
				process.getOutputStream().close(); // --cluster-yes: nothing to answer
				if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
					process.destroyForcibly();
					throw new IllegalStateException(String.join(" ", command) + " did not end within "
							+ timeoutSeconds + " s");
				}
				this.processes.remove(process);
				if (process.exitValue() != 0) {
					throw new IllegalStateException(String.join(" ", command) + " exited with " + process.exitValue());
				}
			}
			catch (IOException ex) {
				throw new IllegalStateException("Cannot run " + command.get(0) + ": " + ex.getMessage(), ex);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("Interrupted while running " + command.get(0), ex);
			}
		}

		/** Stops every process this starter began and deletes the nodes' directories; safe to call twice. */
		private void stopAndDelete() {
			for (Process process : this.processes) {
				process.destroy();
			}
			for (Process process : this.processes) {
				try {
					if (!process.waitFor(5, TimeUnit.SECONDS)) {
						process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
					}
				}
				catch (InterruptedException ex) {
					process.destroyForcibly();
					Thread.currentThread().interrupt();
				}
			}
			this.processes.clear();
			if (Files.exists(this.root)) {
				try (Stream<Path> paths = Files.walk(this.root)) {
					paths.sorted(Comparator.reverseOrder()).forEach((path) -> path.toFile().delete());
				}
				catch (IOException | UncheckedIOException ex) {
					System.err.println("RedisClusterTestServer: could not delete " + this.root + ": " + ex);
				}
			}
		}

		private String logTails() {
			StringBuilder tails = new StringBuilder();
			for (Path log : this.logs) {
				if (Files.exists(log)) {
					tails.append("--- last lines of ").append(log).append(" ---\n").append(tail(log, LOG_TAIL_LINES));
				}
			}
			return tails.toString();
		}

		private static String tail(Path log, int lines) {
			try {
				List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
				return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size())) + "\n";
			}
			catch (IOException | UncheckedIOException ex) {
				return "(cannot read " + log + ": " + ex + ")\n";
			}
		}

		/** The directories of {@code redis-server} as found and with symlinks resolved, where redis-cli may be. */
		private static List<Path> siblingDirectories(Path server) {
			List<Path> directories = new ArrayList<>();
			directories.add(server.getParent());
			try {
				directories.add(server.toRealPath().getParent());
			}
			catch (IOException ex) {
				// the path as found is enough
			}
			return directories;
		}

		private static @Nullable Path findExecutable(String name, List<Path> extraDirectories) {
			List<Path> directories = new ArrayList<>();
			String path = System.getenv("PATH");
			if (path != null) {
				for (String entry : path.split(File.pathSeparator)) {
					if (!entry.isBlank()) {
						directories.add(Paths.get(entry));
					}
				}
			}
			directories.addAll(extraDirectories);
			for (Path directory : directories) {
				Path candidate = directory.resolve(name);
				if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
					return candidate;
				}
			}
			return null;
		}

		private static boolean isFree(int port) {
			try (ServerSocket socket = new ServerSocket()) {
				socket.setReuseAddress(false);
				socket.bind(new InetSocketAddress(InetAddress.getByName(HOST), port));
				return true;
			}
			catch (IOException ex) {
				return false;
			}
		}

		private static void sleep(long millis) {
			try {
				Thread.sleep(millis);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("Interrupted while starting the Redis Cluster", ex);
			}
		}

	}

}
