package dev.idempotency.sample;

import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

import dev.idempotency.sample.SampleContractTests.Tally;
import dev.idempotency.sample.payments.PaymentGateway;

import static dev.idempotency.sample.SampleClient.replayed;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two sample instances with profile {@code jdbc} on one fresh PostgreSQL database, requests with the same
 * keys spread over both: each key executes exactly once, counted in the database (payment rows and
 * balances), not only in the answers.
 */
class JdbcTwoInstancesE2eTests {

	private static final int KEYS = 1000;

	private static final int COPIES = 3;

	private static final int ACCOUNTS = 16;

	private static final int THREADS = 16;

	static SampleTestDatabase database;

	static List<ConfigurableApplicationContext> instances;

	static List<SampleClient> clients;

	@BeforeAll
	static void startTwoInstances() {
		database = SampleTestDatabase.create(SampleTestDatabase.Server.POSTGRESQL);
		instances = List.of(start(), start());
		clients = instances.stream()
			.map((instance) -> new SampleClient(Integer.parseInt(instance.getEnvironment().getProperty("local.server.port"))))
			.toList();
	}

	private static ConfigurableApplicationContext start() {
		return new SpringApplicationBuilder(SampleApplication.class).profiles("jdbc")
			.properties("server.port=0", "spring.datasource.url=" + database.url(),
					"spring.datasource.username=" + database.username(), "spring.datasource.hikari.maximum-pool-size=20")
			.run();
	}

	@AfterAll
	static void stopAndDrop() {
		if (instances != null) {
			instances.forEach(ConfigurableApplicationContext::close);
		}
		if (database != null) {
			database.drop();
		}
	}

	@Test
	void issue12_thirtyTwoRacingRequestsWithOneKeyOverTwoInstancesCommitOnePaymentAndOneDebit() throws Exception {
		String account = openAccount("1000.00");
		String key = UUID.randomUUID().toString();
		long debits = debits();
		List<HttpResponse<byte[]>> responses = SampleContractTests.concurrently(32,
				(i) -> clients.get(i % 2).pay("alice", key, account, "10.00"));
		Tally tally = Tally.of(responses);
		System.out.printf("[two instances, jdbc, one key] 32 requests: %d executed, %d replayed, %d got 409; "
				+ "%d payment rows, %d debits%n", tally.executed(), tally.replays(), tally.conflicts(),
				paymentRows(account), debits() - debits);
		assertThat(tally.executed()).isEqualTo(1);
		assertThat(tally.executed() + tally.replays() + tally.conflicts()).isEqualTo(32);
		assertThat(paymentRows(account)).isEqualTo(1);
		assertThat(debits() - debits).isEqualTo(1);
		assertThat(balance(account)).isEqualByComparingTo("990.00");
	}

	@Test
	void issue12_aThousandKeysSentThreeTimesOverTwoInstancesExecuteOncePerKey() throws Exception {
		List<String> accounts = new ArrayList<>();
		for (int a = 0; a < ACCOUNTS; a++) {
			accounts.add(openAccount("1000.00"));
		}
		List<String> keys = Stream.generate(() -> UUID.randomUUID().toString()).limit(KEYS).toList();
		Map<String, String> accountByKey = new HashMap<>();
		for (int k = 0; k < KEYS; k++) {
			accountByKey.put(keys.get(k), accounts.get(k % ACCOUNTS));
		}
		List<String> sends = new ArrayList<>();
		keys.forEach((key) -> sends.addAll(Collections.nCopies(COPIES, key)));
		Collections.shuffle(sends);
		long debits = debits();
		long start = System.nanoTime();
		List<HttpResponse<byte[]>> responses = new ArrayList<>();
		ExecutorService executor = Executors.newFixedThreadPool(THREADS);
		try {
			List<Future<HttpResponse<byte[]>>> futures = new ArrayList<>();
			for (int i = 0; i < sends.size(); i++) {
				SampleClient client = clients.get(i % 2);
				String key = sends.get(i);
				futures.add(executor.submit(() -> client.pay("alice", key, accountByKey.get(key), "1.00")));
			}
			for (Future<HttpResponse<byte[]>> future : futures) {
				responses.add(future.get(180, TimeUnit.SECONDS));
			}
		}
		finally {
			executor.shutdownNow();
		}
		Duration took = Duration.ofNanos(System.nanoTime() - start);
		Tally tally = Tally.of(responses);
		Map<String, Long> rows = paymentRowsByAccount(accounts);
		long totalRows = rows.values().stream().mapToLong(Long::longValue).sum();
		System.out.printf("[two instances, jdbc] %d keys x %d over 2 instances, %d threads, in %d ms: %d executed, "
				+ "%d replayed, %d got 409; %d payment rows, %d debits (%s per instance)%n", KEYS, COPIES, THREADS,
				took.toMillis(), tally.executed(), tally.replays(), tally.conflicts(), totalRows, debits() - debits,
				Arrays.toString(instances.stream().mapToLong((i) -> i.getBean(PaymentGateway.class).debits()).toArray()));
		assertThat(tally.executed()).isEqualTo(KEYS);
		assertThat(tally.executed() + tally.replays() + tally.conflicts()).isEqualTo(sends.size());
		assertThat(debits() - debits).isEqualTo(KEYS);
		assertThat(totalRows).isEqualTo(KEYS);
		Map<String, byte[]> executedBody = new HashMap<>();
		for (int i = 0; i < sends.size(); i++) {
			HttpResponse<byte[]> response = responses.get(i);
			if (response.statusCode() == 201 && !replayed(response)) {
				assertThat(executedBody.put(sends.get(i), response.body())).as("a second execution of one key").isNull();
			}
		}
		assertThat(executedBody).hasSize(KEYS);
		for (int i = 0; i < sends.size(); i++) {
			if (replayed(responses.get(i))) {
				assertThat(responses.get(i).body()).as("a replay's body").isEqualTo(executedBody.get(sends.get(i)));
			}
		}
		for (int a = 0; a < ACCOUNTS; a++) {
			long keysOfAccount = KEYS / ACCOUNTS + ((a < KEYS % ACCOUNTS) ? 1 : 0);
			assertThat(rows.getOrDefault(accounts.get(a), 0L)).as("payment rows of account %d", a).isEqualTo(keysOfAccount);
			assertThat(balance(accounts.get(a))).as("balance of account %d", a)
				.isEqualByComparingTo(new BigDecimal("1000.00").subtract(BigDecimal.valueOf(keysOfAccount)));
		}
	}

	private static String openAccount(String balance) {
		String account = "acc-" + UUID.randomUUID();
		assertThat(clients.get(0).putAccount("alice", account, balance).statusCode()).isEqualTo(201);
		return account;
	}

	private static JdbcClient jdbc() {
		return instances.get(0).getBean(JdbcClient.class);
	}

	private static long debits() {
		return instances.stream().mapToLong((instance) -> instance.getBean(PaymentGateway.class).debits()).sum();
	}

	private static long paymentRows(String account) {
		return jdbc().sql("SELECT COUNT(*) FROM payment WHERE account_id = ?").param(account).query(Long.class).single();
	}

	private static Map<String, Long> paymentRowsByAccount(List<String> accounts) {
		Map<String, Long> rows = new HashMap<>();
		jdbc().sql("SELECT account_id, COUNT(*) AS n FROM payment GROUP BY account_id")
			.query((rs, row) -> rows.put(rs.getString("account_id"), rs.getLong("n")))
			.list();
		rows.keySet().retainAll(accounts);
		return rows;
	}

	private static BigDecimal balance(String account) {
		return jdbc().sql("SELECT balance FROM account WHERE id = ?").param(account).query(BigDecimal.class).single();
	}

}
