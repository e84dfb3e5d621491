package dev.idempotency.jdbcit;

import java.net.http.HttpResponse;
import java.util.UUID;
import java.util.concurrent.Callable;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.jdbc.DataSourceBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

import dev.idempotency.Idempotent;
import dev.idempotency.testsupport.HttpTestClient;
import dev.idempotency.testsupport.JdbcTestDatabases;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What transactional completion does not cover, shown as it happens: a write to a second
 * {@code DataSource} stays committed when the handler's transaction rolls back; an async handler is
 * named in a start-up warning, and its answer is stored after the request thread's work committed.
 */
@ExtendWith(OutputCaptureExtension.class)
@SpringBootTest(classes = NotCoveredByTransactionalCompletionTests.App.class,
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "idempotency.store.type=jdbc", "idempotency.store.jdbc.initialize-schema=always" })
class NotCoveredByTransactionalCompletionTests {

	static final JdbcTestDatabases.TestDatabase database = JdbcTestDatabases.create(JdbcTestDatabases.Kind.POSTGRESQL);

	@LocalServerPort
	int port;

	@Autowired
	@Qualifier("jdbcTemplate")
	JdbcTemplate jdbc;

	@Autowired
	@Qualifier("secondJdbc")
	JdbcTemplate secondJdbc;

	@AfterAll
	static void dropDatabase() {
		database.close();
	}

	@Test
	void issue12_writeToASecondDataSourceStaysCommittedWhenTheHandlersTransactionRollsBack() {
		String key = UUID.randomUUID().toString();
		HttpResponse<byte[]> answer = new HttpTestClient(this.port).postWithKey("/not-covered/two-databases", key, "{}");
		assertThat(answer.statusCode()).isEqualTo(500);
		assertThat(count(this.jdbc, key)).as("write to the store's DataSource: rolled back").isZero();
		assertThat(count(this.secondJdbc, key)).as("write to the second DataSource: not covered").isEqualTo(1);
	}

	@Test
	void issue12_asyncHandlerIsNamedInAStartUpWarningAndItsAnswerIsStoredOutsideTheTransaction(CapturedOutput output) {
		HttpTestClient http = new HttpTestClient(this.port);
		String key = UUID.randomUUID().toString();
		HttpResponse<byte[]> first = http.postWithKey("/not-covered/async", key, "{}");
		HttpResponse<byte[]> replay = http.postWithKey("/not-covered/async", key, "{}");
		assertThat(output).contains("Transactional completion does not cover these @Idempotent handlers")
			.contains("NotCoveredController.async");
		assertThat(first.statusCode()).isEqualTo(201);
		assertThat(replay.headers().firstValue("Idempotent-Replayed")).hasValue("true");
		assertThat(count(this.jdbc, key)).isEqualTo(1);
	}

	private static int count(JdbcTemplate jdbc, String entry) {
		Integer count = jdbc.queryForObject("SELECT COUNT(*) FROM ledger WHERE entry = ?", Integer.class, entry);
		return (count != null) ? count : 0;
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class App {

		@Bean
		@Primary
		HikariDataSource dataSource() {
			return DataSourceBuilder.create()
				.type(HikariDataSource.class)
				.url(database.url())
				.username(database.username())
				.password(database.password())
				.build();
		}

		@Bean
		@Primary
		JdbcTemplate jdbcTemplate(DataSource dataSource) {
			return new JdbcTemplate(dataSource);
		}

		@Bean
		DataSource secondDataSource() {
			return DataSourceBuilder.create()
				.url("jdbc:h2:mem:second-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1")
				.username("sa")
				.build();
		}

		@Bean
		JdbcTemplate secondJdbc(@Qualifier("secondDataSource") DataSource secondDataSource) {
			JdbcTemplate jdbc = new JdbcTemplate(secondDataSource);
			jdbc.execute(LedgerController.TABLE);
			return jdbc;
		}

		@Bean
		NotCoveredController notCoveredController(@Qualifier("jdbcTemplate") JdbcTemplate jdbcTemplate,
				@Qualifier("secondJdbc") JdbcTemplate secondJdbc) {
			jdbcTemplate.execute(LedgerController.TABLE);
			return new NotCoveredController(jdbcTemplate, secondJdbc);
		}

		@Bean
		SecurityFilterChain openChain(HttpSecurity http) throws Exception {
			return http.csrf(AbstractHttpConfigurer::disable)
				.authorizeHttpRequests((requests) -> requests.anyRequest().permitAll())
				.build();
		}

	}

	@RestController
	static class NotCoveredController {

		private final JdbcTemplate jdbc;

		private final JdbcTemplate secondJdbc;

		NotCoveredController(JdbcTemplate jdbc, JdbcTemplate secondJdbc) {
			this.jdbc = jdbc;
			this.secondJdbc = secondJdbc;
		}

		@Idempotent
		@PostMapping("/not-covered/two-databases")
		String twoDatabases(@RequestHeader("Idempotency-Key") String key) {
			this.jdbc.update("INSERT INTO ledger (entry) VALUES (?)", key);
			this.secondJdbc.update("INSERT INTO ledger (entry) VALUES (?)", key);
			throw new IllegalStateException("failed after writing to both databases");
		}

		@Idempotent
		@PostMapping("/not-covered/async")
		Callable<ResponseEntity<String>> async(@RequestHeader("Idempotency-Key") String key) {
			return () -> {
				this.jdbc.update("INSERT INTO ledger (entry) VALUES (?)", key);
				return ResponseEntity.status(HttpStatus.CREATED).body("async " + key);
			};
		}

	}

}
