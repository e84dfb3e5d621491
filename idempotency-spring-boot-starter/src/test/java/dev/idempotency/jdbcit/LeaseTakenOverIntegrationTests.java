package dev.idempotency.jdbcit;

import java.net.http.HttpResponse;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.idempotency.testsupport.HttpTestClient;
import dev.idempotency.testsupport.JdbcTestDatabases;

import static dev.idempotency.testsupport.HttpTestClient.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A zombie execution commits nothing: its lease runs out (heartbeat off) while its handler still runs, a
 * retry takes the key over and completes, and when the zombie's completion finds the key taken over, its
 * transaction, with the handler's write, rolls back and its client gets 409.
 */
@SpringBootTest(classes = TransactionalCompletionIntegrationTests.App.class,
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "idempotency.store.type=jdbc", "idempotency.store.jdbc.initialize-schema=always",
				"idempotency.lease=1s", "idempotency.lease-heartbeat=false" })
class LeaseTakenOverIntegrationTests {

	static final JdbcTestDatabases.TestDatabase database = JdbcTestDatabases.create(JdbcTestDatabases.Kind.POSTGRESQL);

	@LocalServerPort
	int port;

	@Autowired
	LedgerController ledger;

	@Autowired
	JdbcTemplate jdbc;

	@Autowired
	MeterRegistry meters;

	@DynamicPropertySource
	static void dataSource(DynamicPropertyRegistry registry) {
		registry.add("spring.datasource.url", database::url);
		registry.add("spring.datasource.username", database::username);
		registry.add("spring.datasource.password", database::password);
	}

	@AfterAll
	static void dropDatabase() {
		database.close();
	}

	@Test
	void issue12_zombieWhoseLeaseWasTakenOverRollsBackItsWriteAndGets409() throws Exception {
		HttpTestClient http = new HttpTestClient(this.port);
		String key = UUID.randomUUID().toString();
		CountDownLatch zombieGate = new CountDownLatch(1);
		this.ledger.gate(key, zombieGate);
		double leaseLost = this.meters.get("idempotency.requests").tag("outcome", "lease_lost").counter().count();
		CompletableFuture<HttpResponse<byte[]>> zombie = CompletableFuture
			.supplyAsync(() -> http.postWithKey("/tx/ok", key, "{}"));
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
		while (this.ledger.runs(key) == 0 && System.nanoTime() < deadline) {
			Thread.sleep(10);
		}
		Thread.sleep(1_500);
		this.ledger.gate(key, new CountDownLatch(0));
		HttpResponse<byte[]> takeover = http.postWithKey("/tx/ok", key, "{}");
		zombieGate.countDown();
		HttpResponse<byte[]> zombieAnswer = zombie.get(30, TimeUnit.SECONDS);
		HttpResponse<byte[]> replay = http.postWithKey("/tx/ok", key, "{}");

		assertThat(takeover.statusCode()).as("the retry after the lease ran out").isEqualTo(201);
		assertThat(zombieAnswer.statusCode()).as("the zombie's client").isEqualTo(409);
		assertThat(text(zombieAnswer)).contains("https://idempotency.dev/problems/in-progress");
		assertThat(replay.body()).isEqualTo(takeover.body());
		assertThat(this.ledger.runs(key)).as("handler runs").isEqualTo(2);
		assertThat(this.jdbc.queryForObject("SELECT COUNT(*) FROM ledger WHERE entry = ?", Integer.class, key))
			.as("committed writes: the zombie's rolled back").isEqualTo(1);
		assertThat(this.meters.get("idempotency.requests").tag("outcome", "lease_lost").counter().count())
			.isEqualTo(leaseLost + 1);
	}

}
