package dev.idempotency.sample;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import dev.idempotency.store.IdempotencyStore;
import dev.idempotency.store.InMemoryIdempotencyStore;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample with its default profile: in-memory idempotency store, accounts and payments in an embedded
 * H2, nothing installed.
 */
class InMemorySampleE2eTests extends SampleContractTests {

	@Autowired
	IdempotencyStore store;

	@Test
	void defaultProfileUsesTheInMemoryStore() {
		assertThat(this.store).isInstanceOf(InMemoryIdempotencyStore.class);
	}

	@Test
	void issue12_defaultProfileKeepsAccountsAndPaymentsInAnEmbeddedH2() {
		assertThat(this.jdbc.sql("SELECT H2VERSION()").query(String.class).single()).startsWith("2.");
		this.client.pay("alice", newKey(), this.account, "10.00");
		assertThat(paymentRows()).isEqualTo(1);
		assertThat(storedBalance(this.account)).isEqualByComparingTo("990.00");
	}

}
