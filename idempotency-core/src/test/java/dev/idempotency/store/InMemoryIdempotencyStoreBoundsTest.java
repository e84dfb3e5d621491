package dev.idempotency.store;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** The bounds of the in-memory store (spec §5): what is evicted, what never is, and what a claim gets when full. */
class InMemoryIdempotencyStoreBoundsTest {

	private static final Duration LEASE = Duration.ofSeconds(30);

	private static final Duration RETENTION = Duration.ofHours(24);

	private final AtomicLong clock = new AtomicLong();

	@Test
	void spec5_defaultStoreIsBounded() {
		InMemoryIdempotencyStore store = new InMemoryIdempotencyStore();
		for (int i = 0; i < InMemoryIdempotencyStore.DEFAULT_MAX_RECORDS; i++) {
			assertThat(store.claim(id(), inProgress(), owner(), LEASE).isClaimed()).isTrue();
		}
		assertThatExceptionOfType(IdempotencyStoreException.class)
			.isThrownBy(() -> store.claim(id(), inProgress(), owner(), LEASE));
		assertThat(store.maxRecords()).isEqualTo(10_000);
		assertThat(store.maxBytes()).isEqualTo(32L * 1024 * 1024);
	}

	@Test
	void spec5_atMaxRecordsTheOldestCompletedRecordIsEvictedFirst() {
		InMemoryIdempotencyStore store = store(3, 1_000_000);
		String first = completeNew(store, 10);
		String second = completeNew(store, 10);
		String third = completeNew(store, 10);

		String fourth = completeNew(store, 10);

		assertThat(store.find(first)).as("oldest completion, evicted").isNull();
		assertThat(store.find(second)).isInstanceOf(CompletedRecord.class);
		assertThat(store.find(third)).isInstanceOf(CompletedRecord.class);
		assertThat(store.find(fourth)).isInstanceOf(CompletedRecord.class);
		assertThat(store.size()).isEqualTo(3);
		assertThat(store.evictions()).isEqualTo(1);
	}

	@Test
	void spec5_evictionOrderIsCompletionOrderNotClaimOrder() {
		InMemoryIdempotencyStore store = store(2, 1_000_000);
		String claimedFirst = id();
		String ownerFirst = owner();
		store.claim(claimedFirst, inProgress(), ownerFirst, LEASE);
		String claimedSecond = completeNew(store, 10);
		store.complete(claimedFirst, ownerFirst, completed(10), RETENTION);

		completeNew(store, 10);

		assertThat(store.find(claimedSecond)).as("completed first, evicted first").isNull();
		assertThat(store.find(claimedFirst)).isInstanceOf(CompletedRecord.class);
	}

	@Test
	void spec5_inProgressRecordsAreNeverEvictedAndAFullStoreRefusesNewClaims() {
		InMemoryIdempotencyStore store = store(3, 1_000_000);
		String done = completeNew(store, 10);
		List<String> running = new ArrayList<>();
		for (int i = 0; i < 2; i++) {
			String id = id();
			assertThat(store.claim(id, inProgress(), owner(), LEASE).isClaimed()).isTrue();
			running.add(id);
		}

		String third = id();
		assertThat(store.claim(third, inProgress(), owner(), LEASE).isClaimed()).as("evicts the completed one")
			.isTrue();
		assertThat(store.find(done)).isNull();

		assertThatExceptionOfType(IdempotencyStoreException.class)
			.isThrownBy(() -> store.claim(id(), inProgress(), owner(), LEASE))
			.withMessageContaining("full")
			.withMessageContaining("max-records=3");
		for (String id : running) {
			assertThat(store.find(id)).isInstanceOf(InProgressRecord.class);
		}
		assertThat(store.find(third)).isInstanceOf(InProgressRecord.class);
		assertThat(store.size()).isEqualTo(3);
	}

	@Test
	void spec5_aFullStoreStillAnswersClaimsOfKeysItHolds() {
		InMemoryIdempotencyStore store = store(1, 1_000_000);
		String id = id();
		InProgressRecord running = inProgress();
		store.claim(id, running, owner(), LEASE);

		assertThat(store.claim(id, inProgress(), owner(), LEASE).existing()).isEqualTo(running);
	}

	@Test
	void spec5_expiredInProgressRecordsGiveTheirRoomBackWhenTheStoreIsFull() {
		InMemoryIdempotencyStore store = store(2, 1_000_000);
		store.claim(id(), inProgress(), owner(), Duration.ofSeconds(2));
		store.claim(id(), inProgress(), owner(), Duration.ofSeconds(2));
		this.clock.addAndGet(Duration.ofSeconds(2).toNanos());

		assertThat(store.claim(id(), inProgress(), owner(), LEASE).isClaimed()).isTrue();
		assertThat(store.size()).isEqualTo(1);
		assertThat(store.evictions()).as("expired, not evicted").isZero();
	}

	@Test
	void spec5_releasedAndCompletedRecordsFreeTheirRoom() {
		InMemoryIdempotencyStore store = store(1, 1_000_000);
		String id = id();
		String owner = owner();
		store.claim(id, inProgress(), owner, LEASE);
		assertThat(store.release(id, owner)).isTrue();

		assertThat(store.claim(id(), inProgress(), owner(), LEASE).isClaimed()).isTrue();
		assertThat(store.size()).isEqualTo(1);
	}

	@Test
	void spec5_waitingTokensAreNeverEvictedAndCountAsRecords() {
		InMemoryIdempotencyStore store = store(2, 1_000_000);
		String token = id();
		store.issueToken(token, Duration.ofHours(1));
		String running = id();
		store.claim(running, inProgress(), owner(), LEASE);

		assertThatExceptionOfType(IdempotencyStoreException.class)
			.isThrownBy(() -> store.claim(id(), inProgress(), owner(), LEASE));
		assertThatExceptionOfType(IdempotencyStoreException.class)
			.isThrownBy(() -> store.issueToken(id(), Duration.ofHours(1)));
		assertThat(store.claimToken(token, inProgress(), owner(), LEASE).isClaimed())
			.as("the waiting token's own room").isTrue();
	}

	@Test
	void spec5_atMaxBytesTheOldestCompletedRecordsAreEvictedUntilTheAnswerFits() {
		long weight = InMemoryBounds.weigh(completed(100));
		InMemoryIdempotencyStore store = store(100, 3 * weight);
		String first = completeNew(store, 100);
		String second = completeNew(store, 100);
		String third = completeNew(store, 100);
		assertThat(store.bytes()).isEqualTo(3 * weight);

		String big = completeNew(store, 100 + (int) weight);

		assertThat(store.find(first)).isNull();
		assertThat(store.find(second)).isNull();
		assertThat(store.find(third)).isInstanceOf(CompletedRecord.class);
		assertThat(((CompletedRecord) store.find(big)).replayable()).isTrue();
		assertThat(store.bytes()).isLessThanOrEqualTo(3 * weight);
		assertThat(store.evictions()).isEqualTo(2);
	}

	@Test
	void spec5_anAnswerLargerThanMaxBytesIsKeptWithoutItsBodyAndEvictsNothing() {
		InMemoryIdempotencyStore store = store(100, 500);
		String small = completeNew(store, 100);

		String big = completeNew(store, 501);

		CompletedRecord kept = (CompletedRecord) store.find(big);
		assertThat(kept.replayable()).isFalse();
		assertThat(kept.body()).isEmpty();
		assertThat(kept.status()).isEqualTo(201);
		assertThat(store.find(small)).isInstanceOf(CompletedRecord.class);
		assertThat(store.evictions()).isZero();
	}

	@Test
	void spec5_bytesAreGivenBackWhenCompletedRecordsLeave() {
		InMemoryIdempotencyStore store = store(100, 1_000_000);
		String deleted = completeNew(store, 100);
		completeNew(store, 100);
		long both = store.bytes();
		assertThat(store.delete(deleted)).isTrue();
		assertThat(store.bytes()).isEqualTo(both / 2);

		this.clock.addAndGet(RETENTION.toNanos());
		for (int i = 0; i < 4096; i++) {
			store.claim("sweep", inProgress(), owner(), LEASE);
		}
		assertThat(store.bytes()).isZero();
		assertThat(store.size()).isEqualTo(1);
	}

	private InMemoryIdempotencyStore store(int maxRecords, long maxBytes) {
		return new InMemoryIdempotencyStore(maxRecords, maxBytes, this.clock::get);
	}

	/** Claims and completes a new record with a body of {@code bodyBytes}; returns its id. */
	private String completeNew(InMemoryIdempotencyStore store, int bodyBytes) {
		String id = id();
		String owner = owner();
		assertThat(store.claim(id, inProgress(), owner, LEASE).isClaimed()).isTrue();
		assertThat(store.complete(id, owner, completed(bodyBytes), RETENTION)).isEqualTo(CompletionResult.STORED);
		this.clock.incrementAndGet();
		return id;
	}

	private static CompletedRecord completed(int bodyBytes) {
		return new CompletedRecord("v1:fp", Instant.EPOCH, Instant.EPOCH, 201,
				List.of(new CompletedRecord.Header("Content-Type", "application/json")), new byte[bodyBytes], true);
	}

	private static InProgressRecord inProgress() {
		return new InProgressRecord("v1:fp", Instant.EPOCH);
	}

	private static String id() {
		return "idempotency:{" + UUID.randomUUID() + "}";
	}

	private static String owner() {
		return UUID.randomUUID().toString();
	}

}
