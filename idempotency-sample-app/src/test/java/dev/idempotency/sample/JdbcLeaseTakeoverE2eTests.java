package dev.idempotency.sample;

import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.idempotency.IdempotencyObserver;
import dev.idempotency.IdempotencyOutcome;
import dev.idempotency.sample.payments.PaymentGateway;

import static dev.idempotency.sample.SampleClient.replayed;
import static dev.idempotency.testsupport.HttpTestClient.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A zombie execution under transactional completion: with a 2 s lease that is never extended, a payment
 * that waits 4 s after its debit loses its key to a retry; the retry runs and answers, and the zombie's
 * completion, finding the key taken over, rolls its own debit back and answers 409. The sample has no
 * Micrometer registry, so {@code lease_lost} is counted by an {@link IdempotencyObserver}, the hook that
 * feeds {@code idempotency.requests{outcome}}.
 */
@SpringBootTest(classes = { SampleApplication.class, JdbcLeaseTakeoverE2eTests.Outcomes.class },
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "idempotency.lease=2s", "idempotency.lease-heartbeat=false", "sample.after-debit-delay=4s" })
@ActiveProfiles("jdbc")
class JdbcLeaseTakeoverE2eTests {

	private static final Duration LEASE = Duration.ofSeconds(2);

	static SampleTestDatabase database;

	@DynamicPropertySource
	static void postgres(DynamicPropertyRegistry registry) {
		database = SampleTestDatabase.create(SampleTestDatabase.Server.POSTGRESQL);
		registry.add("spring.datasource.url", database::url);
		registry.add("spring.datasource.username", database::username);
	}

	@AfterAll
	static void dropDatabase() {
		if (database != null) {
			database.drop();
		}
	}

	@LocalServerPort
	int port;

	@Autowired
	JdbcClient jdbc;

	@Autowired
	PaymentGateway gateway;

	@Autowired
	Outcomes outcomes;

	@Test
	void issue12_aZombieExecutionWhoseLeaseWasTakenOverCommitsNothing() throws Exception {
		SampleClient client = new SampleClient(this.port);
		String account = "acc-" + UUID.randomUUID();
		assertThat(client.putAccount("alice", account, "1000.00").statusCode()).isEqualTo(201);
		String key = UUID.randomUUID().toString();
		long debits = this.gateway.debits();
		long leaseLost = this.outcomes.leaseLost.get();
		ExecutorService executor = Executors.newSingleThreadExecutor();
		try {
			long start = System.nanoTime();
			Future<HttpResponse<byte[]>> zombie = executor.submit(() -> client.pay("alice", key, account, "10.00"));
			awaitDebitUnderway(account, start);
			long claimed = System.nanoTime();
			Thread.sleep(LEASE.toMillis() - 200);
			HttpResponse<byte[]> takeover = client.pay("alice", key, account, "10.00");
			int conflictsBeforeTakeover = 0;
			while (takeover.statusCode() == 409 && !zombie.isDone()) {
				conflictsBeforeTakeover++;
				Thread.sleep(100);
				takeover = client.pay("alice", key, account, "10.00");
			}
			long tookOver = System.nanoTime();
			HttpResponse<byte[]> zombieAnswer = zombie.get(30, TimeUnit.SECONDS);
			HttpResponse<byte[]> retry = client.pay("alice", key, account, "10.00");
			System.out.printf("[zombie, jdbc] debit underway after %d ms; the retry, sent again after %d 409s, answered %d ms"
					+ " after the claim with %d (%s), %d ms after the start; the zombie answered %d; payment rows %d,"
					+ " balance %s, debits %d, lease_lost %d%n", Duration.ofNanos(claimed - start).toMillis(),
					conflictsBeforeTakeover, Duration.ofNanos(tookOver - claimed).toMillis(), takeover.statusCode(),
					replayed(takeover) ? "replayed" : "executed", Duration.ofNanos(System.nanoTime() - start).toMillis(),
					zombieAnswer.statusCode(), paymentRows(account), balance(account), this.gateway.debits() - debits,
					this.outcomes.leaseLost.get() - leaseLost);
			assertThat(takeover.statusCode()).as(text(takeover)).isEqualTo(201);
			assertThat(replayed(takeover)).as("the retry ran the handler itself").isFalse();
			assertThat(zombieAnswer.statusCode()).as(text(zombieAnswer)).isEqualTo(409);
			assertThat(text(zombieAnswer)).contains("https://idempotency.dev/problems/in-progress");
			assertThat(retry.statusCode()).isEqualTo(201);
			assertThat(replayed(retry)).isTrue();
			assertThat(retry.body()).isEqualTo(takeover.body());
		}
		finally {
			executor.shutdownNow();
		}
		assertThat(paymentRows(account)).as("payment rows").isEqualTo(1);
		assertThat(balance(account)).as("balance").isEqualByComparingTo("990.00");
		assertThat(this.gateway.debits() - debits).as("committed debits").isEqualTo(1);
		assertThat(this.outcomes.leaseLost.get() - leaseLost).as("lease_lost outcomes").isEqualTo(1);
	}

	/** Waits until the first payment holds its claim and its debit's row lock, before its lease expires. */
	private void awaitDebitUnderway(String account, long start) throws InterruptedException {
		while (!this.jdbc.sql("SELECT id FROM account WHERE id = ? FOR UPDATE SKIP LOCKED")
			.param(account)
			.query(String.class)
			.list()
			.isEmpty()) {
			assertThat(Duration.ofNanos(System.nanoTime() - start)).as("the first payment debited").isLessThan(LEASE);
			Thread.sleep(20);
		}
		assertThat(paymentRows(account)).as("committed payment rows while the first payment waits").isZero();
	}

	private long paymentRows(String account) {
		return this.jdbc.sql("SELECT COUNT(*) FROM payment WHERE account_id = ?").param(account).query(Long.class).single();
	}

	private BigDecimal balance(String account) {
		return this.jdbc.sql("SELECT balance FROM account WHERE id = ?").param(account).query(BigDecimal.class).single();
	}

	/** Counts the filter's outcomes, as {@code idempotency.requests{outcome}} does with Micrometer. */
	static class Outcomes implements IdempotencyObserver {

		final AtomicLong leaseLost = new AtomicLong();

		@Override
		public void onOutcome(IdempotencyOutcome outcome) {
			if (outcome == IdempotencyOutcome.LEASE_LOST) {
				this.leaseLost.incrementAndGet();
			}
		}

	}

}
