package dev.idempotency.sample;

import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.test.context.ActiveProfiles;

import dev.idempotency.IdempotencyFilter;
import dev.idempotency.store.IdempotencyStore;
import dev.idempotency.store.jdbc.JdbcIdempotencyStore;

import static dev.idempotency.sample.SampleClient.replayed;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample's contract with profile {@code jdbc} on a database server: the JDBC store in the sample's own
 * database, with transactional completion, so a payment's debit and its stored answer commit together.
 */
@ActiveProfiles("jdbc")
abstract class JdbcProfileSampleE2eTests extends ExternalDatabaseSampleE2eTests {

	@Autowired
	IdempotencyStore store;

	@Autowired
	@Qualifier("idempotencyFilterRegistration")
	FilterRegistrationBean<IdempotencyFilter> filterRegistration;

	@Override
	protected boolean debitCommitsBeforeTheAnswer() {
		return false;
	}

	@Test
	void issue12_jdbcProfileUsesTheJdbcStoreWithTransactionalCompletion() {
		assertThat(this.store).isInstanceOf(JdbcIdempotencyStore.class);
		assertThat(this.filterRegistration.getFilter().isTransactionalCompletion()).isTrue();
	}

	@Test
	void issue12_aPaymentsAnswerIsACompletedRowOfTheIdempotencyTableInTheSamplesDatabase() {
		String key = newKey();
		long before = completedRecords();
		HttpResponse<byte[]> first = this.client.pay("alice", key, this.account, "10.00");
		long afterFirst = completedRecords();
		HttpResponse<byte[]> retry = this.client.pay("alice", key, this.account, "10.00");
		assertThat(first.statusCode()).isEqualTo(201);
		assertThat(afterFirst - before).as("completed records written by the payment").isEqualTo(1);
		assertThat(replayed(retry)).isTrue();
		assertThat(completedRecords()).as("completed records after its replay").isEqualTo(afterFirst);
		assertThat(this.jdbc.sql("SELECT COUNT(*) FROM idempotency_record WHERE completed_by IS NOT NULL"
				+ " AND owner_token IS NULL AND record IS NOT NULL AND expires_at > CURRENT_TIMESTAMP")
			.query(Long.class)
			.single()).as("completed, unexpired records holding no lease").isEqualTo(afterFirst);
	}

	private long completedRecords() {
		return this.jdbc.sql("SELECT COUNT(*) FROM idempotency_record WHERE completed_by IS NOT NULL")
			.query(Long.class)
			.single();
	}

}
