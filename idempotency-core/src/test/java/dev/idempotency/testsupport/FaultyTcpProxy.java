package dev.idempotency.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A real TCP proxy on a free loopback port in front of a server (a Redis, say), that can fail the way a
 * network does: {@link #cut(Duration)} resets every open connection (the peer sees "Connection reset") and
 * resets every new one until the outage is over; {@link #delay(Duration)} adds latency to every chunk
 * forwarded in either direction (latency, not a throughput limit: chunks read close together are
 * forwarded close together). Plain sockets and platform threads, four per connection.
 */
public final class FaultyTcpProxy implements AutoCloseable {

	private static final int BUFFER_SIZE = 64 * 1024;

	private final InetSocketAddress target;

	private final ServerSocket server;

	private final Set<Connection> connections = ConcurrentHashMap.newKeySet();

	private final AtomicLong accepted = new AtomicLong();

	private final AtomicLong reset = new AtomicLong();

	private volatile long cutUntilNanos = System.nanoTime();

	private volatile long requestDelayNanos;

	private volatile long replyDelayNanos;

	private volatile boolean closed;

	/** Starts a proxy forwarding to {@code host:port}, listening on a free loopback port. */
	public FaultyTcpProxy(String host, int port) {
		this.target = new InetSocketAddress(host, port);
		try {
			this.server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		start("faulty-proxy-acceptor-" + port(), this::acceptForever);
	}

	/** A proxy in front of the tests' {@link RedisTestServer}. */
	public static FaultyTcpProxy forRedis() {
		RedisTestServer redis = RedisTestServer.get();
		return new FaultyTcpProxy(redis.host(), redis.port());
	}

	public String host() {
		return this.server.getInetAddress().getHostAddress();
	}

	public int port() {
		return this.server.getLocalPort();
	}

	/**
	 * Resets every open connection at once and every connection accepted during the next {@code outage};
	 * returns at once. Connections accepted after that are forwarded again.
	 */
	public void cut(Duration outage) {
		this.cutUntilNanos = System.nanoTime() + outage.toNanos();
		for (Connection connection : this.connections) {
			connection.reset();
		}
	}

	/**
	 * Like {@link #cut(Duration)}, but ends the open connections in order (FIN, as a server that closes its
	 * connections does) instead of resetting them; new connections are still reset during the outage.
	 */
	public void close(Duration outage) {
		this.cutUntilNanos = System.nanoTime() + outage.toNanos();
		for (Connection connection : this.connections) {
			connection.close();
		}
	}

	/** Ends an outage started by {@link #cut(Duration)} early. */
	public void restore() {
		this.cutUntilNanos = System.nanoTime();
	}

	/** Whether connections are being reset now. */
	public boolean isCut() {
		return System.nanoTime() - this.cutUntilNanos < 0;
	}

	/** Holds back every chunk forwarded from now on by {@code latency} ({@link Duration#ZERO} to stop). */
	public void delay(Duration latency) {
		delay(latency, latency);
	}

	/**
	 * Holds back chunks sent to the server by {@code requests} and chunks sent back by {@code replies}: with
	 * requests undelayed and replies delayed, a command has run on the server while its reply is still held.
	 */
	public void delay(Duration requests, Duration replies) {
		this.requestDelayNanos = requests.toNanos();
		this.replyDelayNanos = replies.toNanos();
	}

	/** How many connections the proxy accepted, the ones it reset at once included. */
	public long acceptedConnections() {
		return this.accepted.get();
	}

	/** How many connections the proxy reset: open ones cut and new ones refused during an outage. */
	public long resetConnections() {
		return this.reset.get();
	}

	@Override
	public void close() {
		this.closed = true;
		try {
			this.server.close();
		}
		catch (IOException ex) {
			// closing anyway
		}
		for (Connection connection : this.connections) {
			connection.reset();
		}
	}

	private void acceptForever() {
		while (!this.closed) {
			Socket client;
			try {
				client = this.server.accept();
			}
			catch (IOException ex) {
				return;
			}
			this.accepted.incrementAndGet();
			if (isCut()) {
				this.reset.incrementAndGet();
				resetQuietly(client);
				continue;
			}
			Socket upstream = new Socket();
			try {
				upstream.setTcpNoDelay(true);
				client.setTcpNoDelay(true);
				upstream.connect(this.target, 2_000);
			}
			catch (IOException ex) {
				resetQuietly(client);
				resetQuietly(upstream);
				continue;
			}
			Connection connection = new Connection(client, upstream);
			this.connections.add(connection);
			connection.start();
		}
	}

	private static void start(String name, Runnable task) {
		Thread thread = new Thread(task, name);
		thread.setDaemon(true);
		thread.start();
	}

	private static void resetQuietly(Socket socket) {
		try {
			if (!socket.isClosed()) {
				socket.setSoLinger(true, 0);
			}
		}
		catch (IOException ex) {
			// closing anyway
		}
		try {
			socket.close();
		}
		catch (IOException ex) {
			// already gone
		}
	}

	/** One proxied connection: per direction a reader that stamps chunks and a writer that sends them when due. */
	private final class Connection {

		private final Socket client;

		private final Socket upstream;

		private volatile boolean done;

		Connection(Socket client, Socket upstream) {
			this.client = client;
			this.upstream = upstream;
		}

		void start() {
			String name = "faulty-proxy-" + this.client.getPort();
			pump(name + "-up", this.client, this.upstream, true);
			pump(name + "-down", this.upstream, this.client, false);
		}

		private void pump(String name, Socket from, Socket to, boolean requests) {
			BlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
			FaultyTcpProxy.start(name + "-read", () -> {
				byte[] buffer = new byte[BUFFER_SIZE];
				try (InputStream in = from.getInputStream()) {
					int read;
					while ((read = in.read(buffer)) >= 0) {
						queue.put(new Chunk(Arrays.copyOf(buffer, read), System.nanoTime() + (requests
								? FaultyTcpProxy.this.requestDelayNanos : FaultyTcpProxy.this.replyDelayNanos)));
					}
				}
				catch (IOException | InterruptedException ex) {
					// the connection is gone
				}
				queue.add(Chunk.END);
			});
			FaultyTcpProxy.start(name + "-write", () -> {
				try {
					OutputStream out = to.getOutputStream();
					while (true) {
						Chunk chunk = queue.take();
						if (chunk == Chunk.END) {
							break;
						}
						long wait = chunk.dueNanos - System.nanoTime();
						if (wait > 0) {
							TimeUnit.NANOSECONDS.sleep(wait);
						}
						out.write(chunk.bytes);
						out.flush();
					}
				}
				catch (IOException | InterruptedException ex) {
					// the connection is gone
				}
				close();
			});
		}

		/** Resets both sides: each peer sees "Connection reset", not an orderly end of stream. */
		void reset() {
			if (!this.done) {
				FaultyTcpProxy.this.reset.incrementAndGet();
			}
			this.done = true;
			FaultyTcpProxy.this.connections.remove(this);
			resetQuietly(this.client);
			resetQuietly(this.upstream);
		}

		void close() {
			this.done = true;
			FaultyTcpProxy.this.connections.remove(this);
			try {
				this.client.close();
			}
			catch (IOException ex) {
				// already gone
			}
			try {
				this.upstream.close();
			}
			catch (IOException ex) {
				// already gone
			}
		}

	}

	private record Chunk(byte[] bytes, long dueNanos) {

		static final Chunk END = new Chunk(new byte[0], 0);

	}

}
