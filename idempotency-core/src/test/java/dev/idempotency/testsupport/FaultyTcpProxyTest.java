package dev.idempotency.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

@Timeout(60)
class FaultyTcpProxyTest {

	private static final byte[] PING = "PING\r\n".getBytes(StandardCharsets.US_ASCII);

	@Test
	void forwardsToRedis() {
		try (FaultyTcpProxy proxy = FaultyTcpProxy.forRedis()) {
			assertThat(RedisTestServer.command(proxy.host(), proxy.port(), "PING")).isEqualTo("PONG");
			assertThat(RedisTestServer.command(proxy.host(), proxy.port(), "ECHO", "through the proxy"))
				.isEqualTo("through the proxy");
		}
	}

	@Test
	void cutResetsOpenConnectionsAndNewOnesUntilTheOutageEnds() throws Exception {
		try (FaultyTcpProxy proxy = FaultyTcpProxy.forRedis(); Socket open = new Socket(proxy.host(), proxy.port())) {
			open.setSoTimeout(5_000);
			assertThat(ping(open)).isEqualTo("+PONG");

			proxy.cut(Duration.ofSeconds(2));

			assertThat(proxy.isCut()).isTrue();
			assertThatExceptionOfType(SocketException.class).isThrownBy(() -> ping(open))
				.withMessageContaining("reset");
			try (Socket during = new Socket(proxy.host(), proxy.port())) {
				during.setSoTimeout(5_000);
				assertThatExceptionOfType(SocketException.class).isThrownBy(() -> ping(during))
					.withMessageContaining("reset");
			}
			while (proxy.isCut()) {
				Thread.sleep(20);
			}
			try (Socket after = new Socket(proxy.host(), proxy.port())) {
				after.setSoTimeout(5_000);
				assertThat(ping(after)).isEqualTo("+PONG");
			}
			assertThat(proxy.resetConnections()).isEqualTo(2);
		}
	}

	@Test
	void delayHoldsBackEachDirection() throws Exception {
		try (FaultyTcpProxy proxy = FaultyTcpProxy.forRedis(); Socket socket = new Socket(proxy.host(), proxy.port())) {
			socket.setSoTimeout(5_000);
			assertThat(ping(socket)).isEqualTo("+PONG");
			proxy.delay(Duration.ofMillis(50));

			long start = System.nanoTime();
			assertThat(ping(socket)).isEqualTo("+PONG");
			Duration roundTrip = Duration.ofNanos(System.nanoTime() - start);

			assertThat(roundTrip).as("request and reply each held back 50 ms").isGreaterThanOrEqualTo(Duration.ofMillis(100));
			proxy.delay(Duration.ZERO);
			assertThat(ping(socket)).isEqualTo("+PONG");
		}
	}

	/** Sends PING and reads the reply line; a reset surfaces as the {@link SocketException} it is. */
	private static String ping(Socket socket) throws IOException {
		OutputStream out = socket.getOutputStream();
		out.write(PING);
		out.flush();
		InputStream in = socket.getInputStream();
		StringBuilder line = new StringBuilder();
		int read;
		while ((read = in.read()) >= 0 && read != '\r') {
			line.append((char) read);
		}
		if (read < 0) {
			throw new SocketException("end of stream, no reset");
		}
		in.read();
		return line.toString();
	}

}
