package dev.idempotency.it;

import org.junit.jupiter.api.Test;

import org.springframework.test.context.TestPropertySource;

import dev.idempotency.store.InMemoryIdempotencyStore;

import static org.assertj.core.api.Assertions.assertThat;

/** The HTTP contract with the in-memory store. */
@TestPropertySource(properties = "idempotency.store.type=in-memory")
class InMemoryIdempotencyFilterIntegrationTests extends IdempotencyFilterContractTests {

	@Test
	void usesTheInMemoryStore() {
		assertThat(counting().delegate()).isInstanceOf(InMemoryIdempotencyStore.class);
	}

}
