package dev.idempotency.jdbcit;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.idempotency.it.TestApplication;
import dev.idempotency.key.RecordIds;
import dev.idempotency.store.IdempotencyStore;
import dev.idempotency.store.InProgressRecord;
import dev.idempotency.testsupport.HttpTestClient;
import dev.idempotency.testsupport.JdbcTestDatabases;

import static dev.idempotency.testsupport.HttpTestClient.basic;
import static dev.idempotency.testsupport.HttpTestClient.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The integration tests' application over real HTTP with {@code idempotency.store.type=jdbc} on a fresh
 * PostgreSQL database: replay, 409 while in progress, 422 for another body, and the operator endpoint.
 */
@SpringBootTest(classes = JdbcStoreIntegrationTests.JdbcTestApplication.class,
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "idempotency.store.type=jdbc", "idempotency.store.jdbc.initialize-schema=always",
				"management.endpoint.idempotency.access=unrestricted",
				"management.endpoints.web.exposure.include=idempotency" })
class JdbcStoreIntegrationTests {

	static final JdbcTestDatabases.TestDatabase database = JdbcTestDatabases.create(JdbcTestDatabases.Kind.POSTGRESQL);

	@LocalServerPort
	int port;

	@Autowired
	IdempotencyStore store;

	@Autowired
	TestApplication.Executions executions;

	@Autowired
	JdbcTemplate jdbc;

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
	void issue12_replay409And422WorkOnTheJdbcStoreAndTheOperatorFindsTheRecord() {
		HttpTestClient http = new HttpTestClient(this.port);
		String key = UUID.randomUUID().toString();

		HttpResponse<byte[]> first = http.postWithKey("/it/payments", key, "{\"amount\":1}");
		HttpResponse<byte[]> replay = http.postWithKey("/it/payments", key, "{\"amount\":1}");
		HttpResponse<byte[]> otherBody = http.postWithKey("/it/payments", key, "{\"amount\":2}");

		assertThat(first.statusCode()).isEqualTo(201);
		assertThat(replay.statusCode()).isEqualTo(201);
		assertThat(replay.body()).isEqualTo(first.body());
		assertThat(replay.headers().firstValue("Idempotent-Replayed")).hasValue("true");
		assertThat(otherBody.statusCode()).isEqualTo(422);
		assertThat(this.executions.count("payments", key)).isEqualTo(1);
		String recordId = RecordIds.recordId("anonymous", "POST", "/it/payments", key);
		assertThat(this.jdbc.queryForObject("SELECT completed_by IS NOT NULL FROM idempotency_record WHERE id = ?",
				Boolean.class, recordId)).isTrue();

		String inFlight = UUID.randomUUID().toString();
		this.store.claim(RecordIds.recordId("anonymous", "POST", "/it/payments", inFlight),
				new InProgressRecord("v1:other-instance", Instant.now()), "owner-elsewhere", Duration.ofMinutes(5));
		assertThat(http.postWithKey("/it/payments", inFlight, "{\"amount\":1}").statusCode()).isEqualTo(409);

		HttpResponse<byte[]> lookup = http.send(http.request("/actuator/idempotency?scope=anonymous&method=POST&route="
				+ URLEncoder.encode("/it/payments", StandardCharsets.UTF_8) + "&key=" + key, "Authorization",
				basic("alice")).GET().build());
		assertThat(lookup.statusCode()).isEqualTo(200);
		assertThat(text(lookup)).contains("\"recordId\":\"" + recordId + "\"")
			.contains("\"state\":\"COMPLETED\"")
			.contains("\"status\":201");
	}

	/** The integration tests' application, in a package of its own so that its scan finds no other test's beans. */
	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(TestApplication.class)
	static class JdbcTestApplication {

	}

}
