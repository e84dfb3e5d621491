package dev.idempotency.store;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class InMemoryIdempotencyStoreTest extends IdempotencyStoreContractTests {

	@Override
	protected IdempotencyStore createStore() {
		return new InMemoryIdempotencyStore();
	}

	@Test
	void spec5_leaseAndRetentionExpireOnTheInjectedClockWithoutSleeping() {
		// Starts near the overflow of a long, as System.nanoTime may: expiry compares by difference.
		AtomicLong clock = new AtomicLong(Long.MAX_VALUE - Duration.ofSeconds(2).toNanos());
		InMemoryIdempotencyStore store = new InMemoryIdempotencyStore(clock::get);
		String id = newRecordId();
		String owner = newOwner();
		InProgressRecord claimed = inProgress("v1:fp");

		assertThat(store.claim(id, claimed, owner, Duration.ofSeconds(30)).isClaimed()).isTrue();
		clock.addAndGet(Duration.ofSeconds(30).minusNanos(1).toNanos());
		assertThat(store.find(id)).isEqualTo(claimed);
		assertThat(store.claim(id, inProgress("v1:other"), newOwner(), Duration.ofSeconds(30)).existing())
			.isEqualTo(claimed);

		clock.addAndGet(1);
		assertThat(store.find(id)).isNull();
		assertThat(store.extendLease(id, owner, Duration.ofSeconds(30))).isFalse();

		String next = newOwner();
		InProgressRecord second = inProgress("v1:fp");
		assertThat(store.claim(id, second, next, Duration.ofSeconds(30)).isClaimed()).isTrue();
		clock.addAndGet(Duration.ofSeconds(20).toNanos());
		assertThat(store.extendLease(id, next, Duration.ofSeconds(30))).isTrue();
		clock.addAndGet(Duration.ofSeconds(20).toNanos());
		assertThat(store.find(id)).as("extended past the original lease").isEqualTo(second);

		CompletedRecord completed = completed(second.createdAt(), "v1:fp");
		assertThat(store.complete(id, next, completed, Duration.ofHours(24))).isEqualTo(CompletionResult.STORED);
		clock.addAndGet(Duration.ofHours(24).minusNanos(1).toNanos());
		assertThat(store.find(id)).isEqualTo(completed);
		clock.addAndGet(1);
		assertThat(store.find(id)).isNull();
	}

	@Test
	void spec5_expiredEntriesAreSweptByLaterClaims() {
		AtomicLong clock = new AtomicLong();
		InMemoryIdempotencyStore store = new InMemoryIdempotencyStore(clock::get);
		for (int i = 0; i < 100; i++) {
			store.claim(newRecordId(), inProgress("v1:fp"), newOwner(), Duration.ofSeconds(1));
		}
		assertThat(store.size()).isEqualTo(100);
		clock.addAndGet(Duration.ofSeconds(1).toNanos());

		String live = newRecordId();
		for (int i = 0; i < 5000; i++) {
			store.claim(live, inProgress("v1:fp"), newOwner(), Duration.ofSeconds(1));
		}

		assertThat(store.size()).isEqualTo(1);
	}

}
