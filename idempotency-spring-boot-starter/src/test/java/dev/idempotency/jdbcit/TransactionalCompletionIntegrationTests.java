package dev.idempotency.jdbcit;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.idempotency.IdempotencyFilter;
import dev.idempotency.testsupport.HttpTestClient;
import dev.idempotency.testsupport.JdbcTestDatabases;

import static dev.idempotency.testsupport.HttpTestClient.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Transactional completion on PostgreSQL over real HTTP: the handler's writes and the stored answer
 * commit together; what is not stored rolls back; the claim commits on its own first; work in a
 * transaction of its own is not covered; and the transaction holds one connection for the handler's run.
 */
@SpringBootTest(classes = TransactionalCompletionIntegrationTests.App.class,
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "idempotency.store.type=jdbc", "idempotency.store.jdbc.initialize-schema=always",
				"idempotency.lease=10s" })
class TransactionalCompletionIntegrationTests {

	static final JdbcTestDatabases.TestDatabase database = JdbcTestDatabases.create(JdbcTestDatabases.Kind.POSTGRESQL);

	@LocalServerPort
	int port;

	@Autowired
	LedgerController ledger;

	@Autowired
	JdbcTemplate jdbc;

	@Autowired
	HikariDataSource dataSource;

	@Autowired
	FilterRegistrationBean<IdempotencyFilter> idempotencyFilterRegistration;

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
	void issue12_transactionalCompletionIsOnWithTheJdbcStoreAndTheApplicationsTransactionManager() {
		assertThat(this.idempotencyFilterRegistration.getFilter().isTransactionalCompletion()).isTrue();
	}

	@Test
	void issue12_handlerWritesAndTheStoredAnswerCommitTogetherAndReplay() {
		HttpTestClient http = new HttpTestClient(this.port);
		String key = newKey();
		HttpResponse<byte[]> first = http.postWithKey("/tx/ok", key, "{}");
		HttpResponse<byte[]> replay = http.postWithKey("/tx/ok", key, "{}");
		assertThat(first.statusCode()).isEqualTo(201);
		assertThat(replay.headers().firstValue("Idempotent-Replayed")).hasValue("true");
		assertThat(rows(key)).isEqualTo(1);
		assertThat(this.ledger.runs(key)).isEqualTo(1);
	}

	@Test
	void issue12_storedRefusalCommitsItsWritesToo() {
		HttpTestClient http = new HttpTestClient(this.port);
		String key = newKey();
		assertThat(http.postWithKey("/tx/refused", key, "{}").statusCode()).isEqualTo(422);
		assertThat(http.postWithKey("/tx/refused", key, "{}").headers().firstValue("Idempotent-Replayed"))
			.hasValue("true");
		assertThat(rows(key)).isEqualTo(1);
	}

	@Test
	void issue12_refusalOfAJoinedTransactionThatMarkedItRollbackOnlyIsStoredAndItsWritesRolledBack() {
		HttpTestClient http = new HttpTestClient(this.port);
		String key = newKey();
		HttpResponse<byte[]> first = http.postWithKey("/tx/refused-by-exception", key, "{}");
		HttpResponse<byte[]> retry = http.postWithKey("/tx/refused-by-exception", key, "{}");
		assertThat(first.statusCode()).as(text(first)).isEqualTo(422);
		assertThat(retry.statusCode()).isEqualTo(422);
		assertThat(retry.headers().firstValue("Idempotent-Replayed")).hasValue("true");
		assertThat(this.ledger.runs(key)).isEqualTo(1);
		assertThat(rows(key)).as("the joined transaction's write rolled back").isZero();
	}

	@Test
	void issue12_exceptionRollsTheHandlersWritesBackAndReleasesTheKey() {
		HttpTestClient http = new HttpTestClient(this.port);
		String key = newKey();
		assertThat(http.postWithKey("/tx/throws", key, "{}").statusCode()).isEqualTo(500);
		assertThat(http.postWithKey("/tx/throws", key, "{}").statusCode()).isEqualTo(500);
		assertThat(this.ledger.runs(key)).as("runs: released, so the retry ran again").isEqualTo(2);
		assertThat(rows(key)).as("rows: both runs rolled back").isZero();
	}

	@Test
	void issue12_releasedServerErrorRollsTheHandlersWritesBack() {
		HttpTestClient http = new HttpTestClient(this.port);
		String key = newKey();
		assertThat(http.postWithKey("/tx/unavailable", key, "{}").statusCode()).isEqualTo(503);
		assertThat(http.postWithKey("/tx/unavailable", key, "{}").statusCode()).isEqualTo(503);
		assertThat(this.ledger.runs(key)).as("runs: released, so the retry ran again").isEqualTo(2);
		assertThat(rows(key)).isZero();
	}

	@Test
	void issue12_workInATransactionOfItsOwnIsNotCoveredAndStaysCommitted() {
		HttpTestClient http = new HttpTestClient(this.port);
		String key = newKey();
		assertThat(http.postWithKey("/tx/requires-new", key, "{}").statusCode()).isEqualTo(500);
		assertThat(rows(key)).as("the handler's own writes rolled back").isZero();
		assertThat(rows(key + ":own-transaction")).as("REQUIRES_NEW committed on its own").isEqualTo(1);
	}

	@Test
	void issue12_claimCommitsFirstSoADuplicateGets409AtOnceAndTheOpenTransactionHoldsOneConnection() throws Exception {
		HttpTestClient http = new HttpTestClient(this.port);
		List<String> keys = List.of(newKey(), newKey(), newKey(), newKey(), newKey());
		CountDownLatch release = new CountDownLatch(1);
		keys.forEach((key) -> this.ledger.gate(key, release));
		int idleBefore = this.dataSource.getHikariPoolMXBean().getActiveConnections();
		ExecutorService executor = Executors.newFixedThreadPool(keys.size());
		try {
			List<Future<HttpResponse<byte[]>>> slow = new ArrayList<>();
			keys.forEach((key) -> slow.add(executor.submit(() -> http.postWithKey("/tx/ok", key, "{}"))));
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
			while (keys.stream().anyMatch((key) -> this.ledger.runs(key) == 0) && System.nanoTime() < deadline) {
				Thread.sleep(10);
			}
			long start = System.nanoTime();
			HttpResponse<byte[]> duplicate = http.postWithKey("/tx/ok", keys.get(0), "{}");
			long duplicateMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
			int active = this.dataSource.getHikariPoolMXBean().getActiveConnections();
			int uncommitted = rows(keys.get(0));
			System.out.printf("[transactional completion] %d handlers in flight hold %d pool connections (%d before);"
					+ " a duplicate got %d in %d ms%n", keys.size(), active, idleBefore, duplicate.statusCode(),
					duplicateMillis);
			assertThat(duplicate.statusCode()).isEqualTo(409);
			assertThat(text(duplicate)).contains("https://idempotency.dev/problems/in-progress");
			assertThat(uncommitted).as("the handler's write is not visible before its answer is stored").isZero();
			assertThat(active).as("one connection per handler in flight").isEqualTo(idleBefore + keys.size());
			release.countDown();
			for (Future<HttpResponse<byte[]>> answer : slow) {
				assertThat(answer.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(201);
			}
		}
		finally {
			release.countDown();
			executor.shutdownNow();
		}
		assertThat(keys).allSatisfy((key) -> assertThat(rows(key)).isEqualTo(1));
	}

	private int rows(String entry) {
		Integer count = this.jdbc.queryForObject("SELECT COUNT(*) FROM ledger WHERE entry = ?", Integer.class, entry);
		return (count != null) ? count : 0;
	}

	private static String newKey() {
		return UUID.randomUUID().toString();
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import(LedgerController.class)
	static class App {

		@Bean
		SecurityFilterChain openChain(HttpSecurity http) throws Exception {
			return http.csrf(AbstractHttpConfigurer::disable)
				.authorizeHttpRequests((requests) -> requests.anyRequest().permitAll())
				.build();
		}

	}

}
