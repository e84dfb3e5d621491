package dev.idempotency.sample;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample's contract with profile {@code jdbc} on MariaDB: accounts, payments and the idempotency
 * records in one database of its own, configured with nothing but {@code spring.datasource.url} and
 * {@code spring.datasource.username}.
 */
class JdbcProfileMariaDbSampleE2eTests extends JdbcProfileSampleE2eTests {

	static SampleTestDatabase database;

	@DynamicPropertySource
	static void mariadb(DynamicPropertyRegistry registry) {
		database = SampleTestDatabase.create(SampleTestDatabase.Server.MARIADB);
		registry.add("spring.datasource.url", database::url);
		registry.add("spring.datasource.username", database::username);
	}

	@AfterAll
	static void dropDatabase() {
		if (database != null) {
			database.drop();
		}
	}

	@Override
	SampleTestDatabase database() {
		return database;
	}

	@Test
	void issue12_accountsPaymentsAndIdempotencyRecordsLiveInMariadb() {
		assertThat(this.jdbc.sql("SELECT version()").query(String.class).single()).contains("MariaDB");
		assertThat(this.jdbc.sql("SELECT DATABASE()").query(String.class).single()).isEqualTo(database.name());
		assertThat(this.jdbc.sql("SELECT COUNT(*) FROM idempotency_record").query(Long.class).single()).isNotNull();
	}

}
