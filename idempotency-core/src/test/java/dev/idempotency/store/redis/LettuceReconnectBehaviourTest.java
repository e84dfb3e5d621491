package dev.idempotency.store.redis;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.async.RedisAsyncCommands;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import dev.idempotency.testsupport.FaultyTcpProxy;
import dev.idempotency.testsupport.RedisTestServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * What Lettuce, as Spring Data Redis' {@link LettuceConnectionFactory} configures it by default, does with
 * commands caught by a connection reset, found against the real Redis through a {@link FaultyTcpProxy}.
 * Each command is an {@code INCR} of a counter of its own, so the counter says how often it ran.
 */
@Timeout(60)
class LettuceReconnectBehaviourTest {

	private static final Duration BOUND = Duration.ofSeconds(20);

	private FaultyTcpProxy proxy;

	private LettuceConnectionFactory factory;

	private RedisAsyncCommands<byte[], byte[]> commands;

	private long outageEndsNanos;

	private final String counter = "lettuce-reconnect-test:" + UUID.randomUUID();

	@BeforeEach
	@SuppressWarnings("unchecked")
	void connect() {
		this.proxy = FaultyTcpProxy.forRedis();
		this.factory = new LettuceConnectionFactory(new RedisStandaloneConfiguration(this.proxy.host(), this.proxy.port()),
				LettuceClientConfiguration.defaultConfiguration());
		this.factory.afterPropertiesSet();
		this.factory.start();
		RedisConnection connection = this.factory.getConnection();
		this.commands = (RedisAsyncCommands<byte[], byte[]>) connection.getNativeConnection();
		connection.ping();
	}

	@AfterEach
	void disconnect() {
		this.factory.destroy();
		this.proxy.close();
		RedisTestServer.get().command("DEL", this.counter);
	}

	@Test
	void aResetFailsTheOldestUnansweredCommandAndSendsTheOthersAgainAfterReconnectSoTheyRunTwice() throws Exception {
		this.proxy.delay(Duration.ZERO, Duration.ofSeconds(5));
		RedisFuture<Long> first = incr();
		RedisFuture<Long> second = incr();
		RedisFuture<Long> third = incr();
		await(() -> "3".equals(ranTimes()), "the three INCRs ran on Redis, their replies held back");

		this.proxy.cut(Duration.ofMillis(500));
		this.proxy.delay(Duration.ZERO);

		assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> first.get(BOUND.toSeconds(), TimeUnit.SECONDS))
			.withMessageContaining("Connection reset");
		assertThat(second.get(BOUND.toSeconds(), TimeUnit.SECONDS)).as("the reply of its second run").isEqualTo(4L);
		assertThat(third.get(BOUND.toSeconds(), TimeUnit.SECONDS)).as("the reply of its second run").isEqualTo(5L);
		assertThat(ranTimes()).isEqualTo("5");
	}

	@Test
	void anOrderlyCloseSendsEveryUnansweredCommandAgainAfterReconnectSoTheyRunTwice() throws Exception {
		this.proxy.delay(Duration.ZERO, Duration.ofSeconds(5));
		RedisFuture<Long> first = incr();
		RedisFuture<Long> second = incr();
		await(() -> "2".equals(ranTimes()), "the two INCRs ran on Redis, their replies held back");

		this.proxy.close(Duration.ofMillis(500));
		this.proxy.delay(Duration.ZERO);

		assertThat(first.get(BOUND.toSeconds(), TimeUnit.SECONDS)).isEqualTo(3L);
		assertThat(second.get(BOUND.toSeconds(), TimeUnit.SECONDS)).isEqualTo(4L);
		assertThat(ranTimes()).isEqualTo("4");
	}

	@Test
	void aCommandThatNeverReachedRedisBeforeTheConnectionDroppedIsSentAfterReconnectAndRunsOnce() throws Exception {
		this.proxy.delay(Duration.ofSeconds(5), Duration.ZERO);
		RedisFuture<Long> first = incr();
		RedisFuture<Long> second = incr();
		Thread.sleep(200);

		this.proxy.close(Duration.ofMillis(500));
		this.proxy.delay(Duration.ZERO);

		assertThat(first.get(BOUND.toSeconds(), TimeUnit.SECONDS)).isEqualTo(1L);
		assertThat(second.get(BOUND.toSeconds(), TimeUnit.SECONDS)).isEqualTo(2L);
		assertThat(ranTimes()).isEqualTo("2");
	}

	@Test
	void aCommandWhoseCallerTimedOutWhileDisconnectedIsStillSentAfterReconnect() throws Exception {
		cutAndAwaitDisconnected(Duration.ofSeconds(2));
		RedisFuture<Long> incr = incr();
		assertThatExceptionOfType(TimeoutException.class).isThrownBy(() -> incr.get(300, TimeUnit.MILLISECONDS));

		assertThat(incr.get(BOUND.toSeconds(), TimeUnit.SECONDS)).isEqualTo(1L);
		System.out.printf("[lettuce] the queued command was answered %d ms after a 2 s outage of resets ended%n",
				TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - this.outageEndsNanos));
		assertThat(ranTimes()).isEqualTo("1");
	}

	@Test
	void aCommandCancelledWhenItsCallerTimedOutWhileDisconnectedIsNeverSent() throws Exception {
		cutAndAwaitDisconnected(Duration.ofSeconds(2));
		RedisFuture<Long> incr = incr();
		assertThatExceptionOfType(TimeoutException.class).isThrownBy(() -> incr.get(300, TimeUnit.MILLISECONDS));
		incr.cancel(true);

		awaitReconnected();
		assertThat(ranTimes()).isNull();
	}

	@Test
	void aWrittenCommandCancelledWhenItsCallerTimedOutIsNotSentAgainAfterTheConnectionDrops() throws Exception {
		this.proxy.delay(Duration.ofSeconds(5), Duration.ZERO);
		RedisFuture<Long> incr = incr();
		assertThatExceptionOfType(TimeoutException.class).isThrownBy(() -> incr.get(300, TimeUnit.MILLISECONDS));
		incr.cancel(true);

		this.proxy.close(Duration.ofMillis(500));
		this.proxy.delay(Duration.ZERO);

		awaitReconnected();
		assertThat(ranTimes()).isNull();
	}

	private RedisFuture<Long> incr() {
		return this.commands.incr(bytes(this.counter));
	}

	private void cutAndAwaitDisconnected(Duration outage) throws InterruptedException {
		this.outageEndsNanos = System.nanoTime() + outage.toNanos();
		this.proxy.cut(outage);
		await(() -> !this.commands.getStatefulConnection().isOpen(), "Lettuce saw the reset");
	}

	/**
	 * Waits until a PING goes through the same connection: every command queued before it was sent. A PING
	 * written on a connection the outage resets fails, so it is sent again until one is answered.
	 */
	private void awaitReconnected() throws Exception {
		long deadline = System.nanoTime() + BOUND.toNanos();
		while (true) {
			try {
				assertThat(this.commands.ping().get(BOUND.toSeconds(), TimeUnit.SECONDS)).isEqualTo("PONG");
				return;
			}
			catch (ExecutionException ex) {
				if (System.nanoTime() - deadline > 0) {
					throw ex;
				}
			}
		}
	}

	private String ranTimes() {
		return RedisTestServer.get().command("GET", this.counter);
	}

	private static byte[] bytes(String value) {
		return value.getBytes(java.nio.charset.StandardCharsets.UTF_8);
	}

	private static void await(BooleanSupplier condition, String what) throws InterruptedException {
		long deadline = System.nanoTime() + BOUND.toNanos();
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() - deadline > 0) {
				throw new AssertionError("Timed out waiting until " + what);
			}
			Thread.sleep(10);
		}
	}

}
