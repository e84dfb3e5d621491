package dev.idempotency.sample;

import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.idempotency.testsupport.RedisTestServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The crash test of transactional completion: the sample in a JVM of its own, 20 payments with distinct
 * keys in flight, each waiting after its debit ({@code sample.after-debit-delay=4s}), the JVM killed with
 * SIGKILL, the sample started again, and every key retried until it answers. With the JDBC store and
 * transactional completion (profile {@code jdbc}) each key debits exactly once and replays the same
 * payment, on PostgreSQL and on MariaDB. With the Redis store (profile {@code redis}, accounts in
 * PostgreSQL) the debits committed before the crash, their answers did not, and retries debit again:
 * the measured reason the JDBC store exists. Debits are counted in the database, not in the answers.
 */
class CrashRecoveryE2eTests {

	private static final int PAYMENTS = 20;

	private static final Duration LEASE = Duration.ofSeconds(3);

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	@Test
	void issue12_jdbcProfileOnPostgresqlDebitsEachKeyOnceAcrossASigkill() throws Exception {
		Map<String, Integer> debits = crashRun(SampleTestDatabase.Server.POSTGRESQL, "jdbc");
		assertThat(debits.values()).as("debits per key").hasSize(PAYMENTS).containsOnly(1);
	}

	@Test
	void issue12_jdbcProfileOnMariadbDebitsEachKeyOnceAcrossASigkill() throws Exception {
		Map<String, Integer> debits = crashRun(SampleTestDatabase.Server.MARIADB, "jdbc");
		assertThat(debits.values()).as("debits per key").hasSize(PAYMENTS).containsOnly(1);
	}

	@Test
	void issue12_redisProfileDebitsKeysTwiceAcrossASigkillWithoutTransactionalCompletion() throws Exception {
		Map<String, Integer> debits = crashRun(SampleTestDatabase.Server.POSTGRESQL, "redis");
		long twice = debits.values().stream().filter((count) -> count > 1).count();
		System.out.printf("[crash, redis profile] %d of %d keys debited twice%n", twice, PAYMENTS);
		assertThat(twice).as("keys that debited twice: the debit committed, its answer was lost with the JVM")
			.isPositive();
	}

	/** Runs the crash and returns, for each key, how many payment rows its account got. */
	private Map<String, Integer> crashRun(SampleTestDatabase.Server server, String profile) throws Exception {
		SampleTestDatabase database = SampleTestDatabase.create(server);
		List<String> arguments = new ArrayList<>(List.of("--spring.profiles.active=" + profile,
				"--spring.datasource.url=" + database.url(), "--spring.datasource.username=" + database.username(),
				"--spring.datasource.hikari.maximum-pool-size=50", "--sample.after-debit-delay=4s",
				"--idempotency.lease=" + LEASE.toSeconds() + "s"));
		if (profile.equals("redis")) {
			arguments.add("--spring.data.redis.url=" + RedisTestServer.get().url());
			arguments.add("--idempotency.key-prefix=crash-" + UUID.randomUUID() + ":");
		}
		Map<String, String> accountByKey = new HashMap<>();
		for (int i = 0; i < PAYMENTS; i++) {
			accountByKey.put(UUID.randomUUID().toString(), "crash-" + i);
		}
		try {
			try (SampleProcess first = new SampleProcess(arguments).start()) {
				for (String account : accountByKey.values()) {
					assertThat(send(first, "PUT", "/accounts/" + account, null, "{\"balance\":\"1000.00\"}").statusCode())
						.isEqualTo(201);
				}
				List<CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>();
				accountByKey.forEach((key, account) -> inFlight.add(sendAsync(first, key, account)));
				awaitDebitsUnderway(database, profile);
				first.kill();
				assertThat(inFlight).as("answers before the kill").noneMatch((answer) -> answer.isDone() && !answer.isCompletedExceptionally());
			}
			try (SampleProcess second = new SampleProcess(arguments).start()) {
				Set<String> paymentIds = new HashSet<>();
				for (Map.Entry<String, String> payment : accountByKey.entrySet()) {
					HttpResponse<String> answer = payUntilAnswered(second, payment.getKey(), payment.getValue());
					assertThat(answer.statusCode()).as(answer.body()).isEqualTo(201);
					HttpResponse<String> replay = send(second, "POST", "/payments", payment.getKey(),
							body(payment.getValue()));
					assertThat(replay.headers().firstValue("Idempotent-Replayed")).hasValue("true");
					assertThat(replay.body()).isEqualTo(answer.body());
					paymentIds.add(answer.body().replaceAll(".*\"id\":\"([^\"]+)\".*", "$1"));
				}
				assertThat(paymentIds).as("distinct payments").hasSize(PAYMENTS);
			}
			Map<String, Integer> debits = new HashMap<>();
			Map<String, Integer> rows = paymentRowsByAccount(database);
			accountByKey.forEach((key, account) -> debits.put(key, rows.getOrDefault(account, 0)));
			System.out.printf("[crash, %s profile, %s] payment rows per key: %s%n", profile, server, debits.values());
			return debits;
		}
		finally {
			database.drop();
		}
	}

	/** Waits until every payment has claimed its key and debited, then a little into the receipt step. */
	private void awaitDebitsUnderway(SampleTestDatabase database, String profile) throws Exception {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
		String count = profile.equals("redis") ? "SELECT COUNT(*) FROM payment"
				: "SELECT COUNT(*) FROM idempotency_record";
		while (query(database, count) < PAYMENTS) {
			assertThat(System.nanoTime()).as("payments in flight before the kill").isLessThan(deadline);
			Thread.sleep(50);
		}
		Thread.sleep(1_000);
	}

	private HttpResponse<String> payUntilAnswered(SampleProcess sample, String key, String account) throws Exception {
		HttpResponse<String> answer = null;
		for (int attempt = 0; attempt < 60; attempt++) {
			answer = send(sample, "POST", "/payments", key, body(account));
			if (answer.statusCode() != 409 && answer.statusCode() != 503) {
				return answer;
			}
			Thread.sleep(TimeUnit.SECONDS.toMillis(answer.headers().firstValueAsLong("Retry-After").orElse(1)));
		}
		return answer;
	}

	private CompletableFuture<HttpResponse<String>> sendAsync(SampleProcess sample, String key, String account) {
		return this.http.sendAsync(request(sample, "POST", "/payments", key, body(account)),
				HttpResponse.BodyHandlers.ofString());
	}

	private HttpResponse<String> send(SampleProcess sample, String method, String path, String key, String body)
			throws Exception {
		return this.http.send(request(sample, method, path, key, body), HttpResponse.BodyHandlers.ofString());
	}

	private static HttpRequest request(SampleProcess sample, String method, String path, String key, String body) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + sample.port() + path))
			.timeout(Duration.ofSeconds(60))
			.header("Authorization",
					"Basic " + Base64.getEncoder().encodeToString("alice:alice".getBytes(StandardCharsets.UTF_8)))
			.header("Content-Type", "application/json")
			.method(method, HttpRequest.BodyPublishers.ofString(body));
		if (key != null) {
			request.header("Idempotency-Key", key);
		}
		return request.build();
	}

	private static String body(String account) {
		return "{\"accountId\":\"" + account + "\",\"amount\":\"10.00\"}";
	}

	private static Map<String, Integer> paymentRowsByAccount(SampleTestDatabase database) throws SQLException {
		Map<String, Integer> rows = new HashMap<>();
		try (Connection connection = DriverManager.getConnection(database.url(), database.username(), "");
				Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT account_id, COUNT(*) FROM payment GROUP BY account_id")) {
			while (result.next()) {
				rows.put(result.getString(1), result.getInt(2));
			}
		}
		try (Connection connection = DriverManager.getConnection(database.url(), database.username(), "");
				Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT id, balance FROM account")) {
			while (result.next()) {
				BigDecimal expected = new BigDecimal("1000.00").subtract(
						new BigDecimal("10.00").multiply(BigDecimal.valueOf(rows.getOrDefault(result.getString(1), 0))));
				assertThat(result.getBigDecimal(2)).as("balance of %s", result.getString(1)).isEqualByComparingTo(expected);
			}
		}
		return rows;
	}

	private static long query(SampleTestDatabase database, String sql) {
		try (Connection connection = DriverManager.getConnection(database.url(), database.username(), "");
				Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery(sql)) {
			result.next();
			return result.getLong(1);
		}
		catch (SQLException ex) {
			return 0;
		}
	}

}
