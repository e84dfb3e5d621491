package dev.idempotency.sample;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import dev.idempotency.store.IdempotencyStore;
import dev.idempotency.store.InMemoryIdempotencyStore;

import static org.assertj.core.api.Assertions.assertThat;

/** The sample with its default profile: in-memory idempotency store, nothing installed. */
class InMemorySampleE2eTests extends SampleContractTests {

	@Autowired
	IdempotencyStore store;

	@Test
	void defaultProfileUsesTheInMemoryStore() {
		assertThat(this.store).isInstanceOf(InMemoryIdempotencyStore.class);
	}

}
