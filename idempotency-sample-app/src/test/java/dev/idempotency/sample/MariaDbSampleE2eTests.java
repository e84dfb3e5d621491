package dev.idempotency.sample;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample's contract with its accounts and payments in MariaDB, configured with nothing but
 * {@code spring.datasource.url} and {@code spring.datasource.username}, in a database of its own.
 */
class MariaDbSampleE2eTests extends ExternalDatabaseSampleE2eTests {

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
	void accountsAndPaymentsLiveInMariadb() {
		assertThat(this.jdbc.sql("SELECT version()").query(String.class).single()).contains("MariaDB");
		assertThat(this.jdbc.sql("SELECT DATABASE()").query(String.class).single()).isEqualTo(database.name());
	}

	@Test
	void accountIdsDifferingOnlyInCaseOrTrailingSpaceAreDifferentAccounts() {
		String upper = this.account.toUpperCase();
		assertThat(this.client.putAccount("alice", upper, "5.00").statusCode()).isEqualTo(201);
		assertThat(this.client.putAccount("alice", this.account + "%20", "6.00").statusCode()).isEqualTo(201);
		assertThat(this.client.balance(this.account)).isEqualByComparingTo("1000.00");
		assertThat(this.client.balance(upper)).isEqualByComparingTo("5.00");
	}

}
