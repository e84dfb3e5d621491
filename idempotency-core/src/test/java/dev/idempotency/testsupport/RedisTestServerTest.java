package dev.idempotency.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RedisTestServerTest {

	private final RedisTestServer redis = RedisTestServer.get();

	@Test
	void resolvesOnceAndAnswersPing() {
		assertThat(RedisTestServer.get()).isSameAs(this.redis);
		assertThat(this.redis.source()).isNotBlank();
		assertThat(this.redis.url()).isEqualTo("redis://" + this.redis.host() + ":" + this.redis.port());
		assertThat(this.redis.command("PING")).isEqualTo("PONG");
	}

	@Test
	void setGetAndDelRoundTrip() {
		String key = uniqueKey();
		assertThat(this.redis.command("SET", key, "v\u00e4lue")).isEqualTo("OK");
		assertThat(this.redis.command("GET", key)).isEqualTo("v\u00e4lue");
		assertThat(this.redis.command("DEL", key)).isEqualTo("1");
		assertThat(this.redis.command("EXISTS", key)).isEqualTo("0");
	}

	@Test
	void missingKeyHasPttlMinusTwoAndNullValue() {
		String key = uniqueKey();
		assertThat(this.redis.command("PTTL", key)).isEqualTo("-2");
		assertThat(this.redis.command("GET", key)).isNull();
	}

	@Test
	void infoIsReturnedAsText() {
		assertThat(this.redis.command("INFO")).contains("redis_version");
	}

	@Test
	void errorsAreReturnedWithLeadingDash() {
		assertThat(this.redis.command("NO-SUCH-COMMAND")).startsWith("-ERR");
	}

	@Test
	void arraysAreReturnedAsLines() {
		String key = uniqueKey();
		try {
			this.redis.command("RPUSH", key, "a", "b", "c");
			assertThat(this.redis.command("LRANGE", key, "0", "-1")).isEqualTo("a\nb\nc");
			assertThat(this.redis.command("MGET", key + ":missing", key + ":missing")).isEqualTo("(nil)\n(nil)");
		}
		finally {
			this.redis.command("DEL", key);
		}
	}

	@Test
	void freePortHasNoListener() {
		int port = RedisTestServer.freePort();
		assertThat(port).isBetween(1, 65535);
		assertThatThrownBy(() -> {
			try (Socket socket = new Socket()) {
				socket.connect(new InetSocketAddress("127.0.0.1", port), 300);
			}
		}).isInstanceOf(IOException.class);
		assertThat(RedisTestServer.answersPing("127.0.0.1", port)).isFalse();
	}

	@Test
	void localProbeRecognisesRedis() {
		assertThat(RedisTestServer.answersPing(this.redis.host(), this.redis.port())).isTrue();
	}

	@Test
	void localProbeRejectsListenersThatAreNotRedis() throws Exception {
		try (ServerSocket http = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
			Thread responder = new Thread(() -> {
				try (Socket client = http.accept()) {
					byte[] response = "HTTP/1.1 400 Bad Request\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
					client.getOutputStream().write(response);
				}
				catch (IOException ex) {
					throw new UncheckedIOException(ex);
				}
			});
			responder.start();
			assertThat(RedisTestServer.answersPing("127.0.0.1", http.getLocalPort())).isFalse();
			responder.join(5_000);
		}
	}

	@Test
	void embeddedRedisStartsAnswersAndStops() throws IOException {
		RedisTestServer embedded = RedisTestServer.startEmbedded();
		try {
			assertThat(embedded.source()).isEqualTo("embedded-redis 6.2 on port " + embedded.port());
			assertThat(embedded.host()).isEqualTo("127.0.0.1");
			assertThat(embedded.command("PING")).isEqualTo("PONG");
			assertThat(embedded.command("CONFIG", "GET", "save")).isEqualTo("save\n");
			assertThat(embedded.command("CONFIG", "GET", "appendonly")).isEqualTo("appendonly\nno");
		}
		finally {
			embedded.stop();
		}
		assertThat(RedisTestServer.answersPing(embedded.host(), embedded.port())).isFalse();
	}

	@Test
	void withoutLocalRedisOrDockerResolutionStartsEmbeddedRedis() {
		RedisTestServer resolved = RedisTestServer.resolve(null, RedisTestServer.freePort(), false, true);
		try {
			assertThat(resolved.source()).startsWith("embedded-redis 6.2 on port ");
			assertThat(resolved.command("PING")).isEqualTo("PONG");
		}
		finally {
			resolved.stop();
		}
	}

	@Test
	void withoutLocalRedisResolutionStartsContainerOrEmbeddedRedis() {
		RedisTestServer resolved = RedisTestServer.resolve(null, RedisTestServer.freePort(), true, true);
		try {
			assertThat(resolved.source())
				.matches("Testcontainers redis:7\\.4-alpine|embedded-redis 6\\.2 on port \\d+");
			assertThat(resolved.command("PING")).isEqualTo("PONG");
		}
		finally {
			resolved.stop();
		}
	}

	@Test
	void redisAnsweringOnTheLocalPortIsUsed() throws IOException {
		RedisTestServer embedded = RedisTestServer.startEmbedded();
		try {
			RedisTestServer resolved = RedisTestServer.resolve(null, embedded.port(), false, false);
			assertThat(resolved.source()).isEqualTo("local 127.0.0.1:" + embedded.port());
			assertThat(resolved.url()).isEqualTo(embedded.url());
		}
		finally {
			embedded.stop();
		}
	}

	@Test
	void envUrlTakesPrecedence() {
		RedisTestServer resolved = RedisTestServer.resolve(this.redis.url(), RedisTestServer.freePort(), false, false);
		assertThat(resolved.source()).isEqualTo("IDEMPOTENCY_TEST_REDIS_URL");
		assertThat(resolved.url()).isEqualTo(this.redis.url());
		assertThat(resolved.command("PING")).isEqualTo("PONG");
	}

	@Test
	void envUrlThatDoesNotAnswerFailsWithoutFallingBack() {
		String url = "redis://127.0.0.1:" + RedisTestServer.freePort();
		assertThatIllegalStateException().isThrownBy(() -> RedisTestServer.resolve(url, this.redis.port(), true, true))
			.withMessageContaining("IDEMPOTENCY_TEST_REDIS_URL=" + url + " does not answer PING");
	}

	@Test
	void envUrlThatIsNotARedisUrlFails() {
		assertThatIllegalStateException().isThrownBy(() -> RedisTestServer.resolve("localhost:6379", 6379, true, true))
			.withMessageContaining("is not a redis://host[:port] URL");
	}

	@Test
	void envUrlPortDefaultsTo6379() {
		assertThat(RedisTestServer.parseUrl("redis://example.test:6390"))
			.isEqualTo(InetSocketAddress.createUnresolved("example.test", 6390));
		assertThat(RedisTestServer.parseUrl("redis://example.test"))
			.isEqualTo(InetSocketAddress.createUnresolved("example.test", 6379));
		assertThat(RedisTestServer.parseUrl("redis://10.0.0.5/0"))
			.isEqualTo(InetSocketAddress.createUnresolved("10.0.0.5", 6379));
	}

	@Test
	void whenNothingIsAvailableTheMessageSaysHowToGetRedis() {
		int deadPort = RedisTestServer.freePort();
		assertThatIllegalStateException().isThrownBy(() -> RedisTestServer.resolve(null, deadPort, false, false))
			.withMessageContaining("Tried: 127.0.0.1:" + deadPort)
			.withMessageContaining("set IDEMPOTENCY_TEST_REDIS_URL=redis://host:port")
			.withMessageContaining(
					"redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save \"\" --appendonly no")
			.withMessageContaining("install Docker");
	}

	private static String uniqueKey() {
		return "redis-test-server:" + UUID.randomUUID();
	}

}
