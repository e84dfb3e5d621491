package dev.idempotency.sample;

import java.net.http.HttpResponse;
import java.util.List;

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

	/**
	 * The claim commits on its own, so a duplicate racing a running execution gets 409 (or, once the answer
	 * is stored, its replay) at once, whatever the database does with its locks: never a 503.
	 */
	@Test
	void issue12_racingDuplicatesGet409OrAReplayNeverAStoreFailure() throws Exception {
		int rounds = 20;
		int requests = 32;
		java.util.Map<Integer, Long> statuses = new java.util.TreeMap<>();
		long executed = 0;
		for (int round = 0; round < rounds; round++) {
			String key = newKey();
			List<HttpResponse<byte[]>> responses = concurrently(requests, (i) -> this.client.pay("alice", key, this.account, "1.00"));
			responses.forEach((r) -> statuses.merge(r.statusCode(), 1L, Long::sum));
			executed += Tally.of(responses).executed();
		}
		System.out.printf("[racing duplicates, jdbc] %d keys x %d racing requests: statuses %s, %d executed%n", rounds,
				requests, statuses, executed);
		assertThat(statuses.keySet()).as("statuses of %d racing requests", rounds * requests).containsOnly(201, 409);
		assertThat(executed).isEqualTo(rounds);
		assertThat(paymentRows()).isEqualTo(rounds);
	}

	private long completedRecords() {
		return this.jdbc.sql("SELECT COUNT(*) FROM idempotency_record WHERE completed_by IS NOT NULL")
			.query(Long.class)
			.single();
	}

}
