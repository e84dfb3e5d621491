package dev.idempotency.store;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The behaviour every {@link IdempotencyStore} must have (spec §5, §6, §7, §12). Subclasses provide the
 * store; every test works on its own random record ids, so one store may be shared by all tests.
 */
public abstract class IdempotencyStoreContractTests {

	/** Long enough never to expire while a test runs, short enough not to leave records behind for long. */
	protected static final Duration LONG_LEASE = Duration.ofSeconds(60);

	protected static final Duration LONG_RETENTION = Duration.ofSeconds(60);

	/** The upper bound for waiting on an expiry: generous, it is never asserted as a duration. */
	private static final Duration EXPIRY_WAIT_BOUND = Duration.ofSeconds(15);

	private static final int RACE_THREADS = 32;

	private static final int RACE_ROUNDS = 20;

	protected IdempotencyStore store;

	/** A store to test: a fresh one, or one shared by the tests of the class. */
	protected abstract IdempotencyStore createStore();

	@BeforeEach
	void createStoreUnderTest() {
		this.store = createStore();
	}

	@Test
	protected void spec5_claimOnAnEmptyIdWinsAndASecondClaimSeesTheInProgressRecord() {
		String id = newRecordId();
		InProgressRecord record = inProgress("v1:first");

		assertThat(this.store.claim(id, record, newOwner(), LONG_LEASE).isClaimed()).isTrue();

		ClaimResult second = this.store.claim(id, inProgress("v1:second"), newOwner(), LONG_LEASE);
		assertThat(second.isClaimed()).isFalse();
		assertThat(second.existing()).isEqualTo(record);
		assertThat(second.existing().fingerprint()).isEqualTo("v1:first");
		assertThat(second.existing().createdAt()).isEqualTo(record.createdAt());
		assertThat(this.store.find(id)).isEqualTo(record);
	}

	@Test
	protected void spec5_claimRaceHasExactlyOneWinner() throws Exception {
		ExecutorService threads = Executors.newFixedThreadPool(RACE_THREADS);
		try {
			for (int round = 0; round < RACE_ROUNDS; round++) {
				String id = newRecordId();
				CyclicBarrier startGate = new CyclicBarrier(RACE_THREADS);
				List<InProgressRecord> records = new ArrayList<>();
				List<String> owners = new ArrayList<>();
				List<Future<ClaimResult>> results = new ArrayList<>();
				for (int contender = 0; contender < RACE_THREADS; contender++) {
					InProgressRecord record = inProgress("v1:round-" + round + "-contender-" + contender);
					String owner = newOwner();
					records.add(record);
					owners.add(owner);
					results.add(threads.submit(() -> {
						startGate.await(30, TimeUnit.SECONDS);
						return this.store.claim(id, record, owner, LONG_LEASE);
					}));
				}
				int winner = -1;
				List<IdempotencyRecord> seenByLosers = new ArrayList<>();
				for (int contender = 0; contender < RACE_THREADS; contender++) {
					ClaimResult result = results.get(contender).get(60, TimeUnit.SECONDS);
					if (result.isClaimed()) {
						assertThat(winner).as("round %d: a second winner, contender %d", round, contender).isEqualTo(-1);
						winner = contender;
					}
					else {
						seenByLosers.add(result.existing());
					}
				}
				assertThat(winner).as("round %d: no winner", round).isNotEqualTo(-1);
				InProgressRecord won = records.get(winner);
				assertThat(seenByLosers).hasSize(RACE_THREADS - 1).allSatisfy((seen) -> assertThat(seen).isEqualTo(won));
				assertThat(this.store.find(id)).isEqualTo(won);
				// Only the winner's token owns the record.
				for (int contender = 0; contender < RACE_THREADS; contender++) {
					if (contender != winner) {
						assertThat(this.store.extendLease(id, owners.get(contender), LONG_LEASE)).isFalse();
					}
				}
				assertThat(this.store.release(id, owners.get(winner))).isTrue();
			}
		}
		finally {
			threads.shutdownNow();
			assertThat(threads.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
		}
	}

	@Test
	protected void spec5_expiredLeaseLetsANewClaimWin() throws InterruptedException {
		String id = newRecordId();
		String firstOwner = newOwner();
		assertThat(this.store.claim(id, inProgress("v1:first"), firstOwner, Duration.ofMillis(150)).isClaimed())
			.isTrue();

		awaitGone(id);

		String secondOwner = newOwner();
		InProgressRecord second = inProgress("v1:second");
		assertThat(this.store.claim(id, second, secondOwner, LONG_LEASE).isClaimed()).isTrue();
		assertThat(this.store.find(id)).isEqualTo(second);
		// The execution whose lease expired can neither delete nor overwrite its successor's record.
		assertThat(this.store.release(id, firstOwner)).isFalse();
		assertThat(this.store.complete(id, firstOwner, completed(second.createdAt(), "v1:first"), LONG_RETENTION))
			.isEqualTo(CompletionResult.LEASE_TAKEN_OVER);
		assertThat(this.store.extendLease(id, firstOwner, LONG_LEASE)).isFalse();
		assertThat(this.store.find(id)).isEqualTo(second);
		assertThat(this.store.release(id, secondOwner)).isTrue();
	}

	@Test
	protected void spec5_completeByTheOwnerStoresTheCompletedRecord() {
		String id = newRecordId();
		String owner = newOwner();
		InProgressRecord claimed = inProgress("v1:fp-complete");
		assertThat(this.store.claim(id, claimed, owner, LONG_LEASE).isClaimed()).isTrue();

		byte[] body = new byte[256];
		for (int i = 0; i < body.length; i++) {
			body[i] = (byte) i;
		}
		CompletedRecord completed = new CompletedRecord("v1:fp-complete", claimed.createdAt(),
				claimed.createdAt().plusMillis(120), 201,
				List.of(new CompletedRecord.Header("Content-Type", "application/octet-stream"),
						new CompletedRecord.Header("Link", "</a>; rel=\"next\""),
						new CompletedRecord.Header("Location", "/orders/1"),
						new CompletedRecord.Header("Link", "</b>; rel=\"prev\"")),
				body, true);

		assertThat(this.store.complete(id, owner, completed, LONG_RETENTION)).isEqualTo(CompletionResult.STORED);

		IdempotencyRecord found = this.store.find(id);
		assertThat(found).isInstanceOf(CompletedRecord.class).isEqualTo(completed);
		CompletedRecord read = (CompletedRecord) found;
		assertThat(read.status()).isEqualTo(201);
		assertThat(read.fingerprint()).isEqualTo("v1:fp-complete");
		assertThat(read.createdAt()).isEqualTo(claimed.createdAt());
		assertThat(read.completedAt()).isEqualTo(completed.completedAt());
		assertThat(read.replayable()).isTrue();
		assertThat(read.headers()).containsExactlyElementsOf(completed.headers());
		assertThat(read.body()).containsExactly(body);
	}

	@Test
	protected void spec5_completeByAStaleOwnerFailsAndLeavesTheRecord() {
		String id = newRecordId();
		String owner = newOwner();
		InProgressRecord claimed = inProgress("v1:fp-stale");
		assertThat(this.store.claim(id, claimed, owner, LONG_LEASE).isClaimed()).isTrue();

		assertThat(this.store.complete(id, newOwner(), completed(claimed.createdAt(), "v1:fp-stale"), LONG_RETENTION))
			.isEqualTo(CompletionResult.LEASE_TAKEN_OVER);

		assertThat(this.store.find(id)).isEqualTo(claimed);
		// Still the real owner's: it can complete.
		CompletedRecord completed = completed(claimed.createdAt(), "v1:fp-stale");
		assertThat(this.store.complete(id, owner, completed, LONG_RETENTION)).isEqualTo(CompletionResult.STORED);
		assertThat(this.store.find(id)).isEqualTo(completed);
	}

	@Test
	protected void issue11_item3_completeAfterTheLeaseExpiredWithNobodyHoldingTheKeyStoresTheAnswer()
			throws InterruptedException {
		String id = newRecordId();
		String owner = newOwner();
		InProgressRecord claimed = inProgress("v1:fp-expired");
		assertThat(this.store.claim(id, claimed, owner, Duration.ofMillis(150)).isClaimed()).isTrue();
		awaitGone(id);
		CompletedRecord completed = completed(claimed.createdAt(), "v1:fp-expired");

		assertThat(this.store.complete(id, owner, completed, LONG_RETENTION))
			.isEqualTo(CompletionResult.STORED_AFTER_LEASE_EXPIRED);

		assertThat(this.store.find(id)).isEqualTo(completed);
		assertThat(this.store.claim(id, inProgress("v1:fp-expired"), newOwner(), LONG_LEASE).existing())
			.isEqualTo(completed);
		assertThat(this.store.complete(id, owner, completed, LONG_RETENTION)).as("sent again")
			.isEqualTo(CompletionResult.STORED);
	}

	@Test
	protected void issue11_item3_completeSentAgainByItsOwnerAnswersStoredAndLeavesTheRecord() {
		String id = newRecordId();
		String owner = newOwner();
		InProgressRecord claimed = inProgress("v1:fp");
		assertThat(this.store.claim(id, claimed, owner, LONG_LEASE).isClaimed()).isTrue();
		CompletedRecord completed = completed(claimed.createdAt(), "v1:fp");
		assertThat(this.store.complete(id, owner, completed, LONG_RETENTION)).isEqualTo(CompletionResult.STORED);
		CompletedRecord other = new CompletedRecord("v1:fp", claimed.createdAt(), claimed.createdAt().plusSeconds(2),
				500, List.of(), new byte[] { 1 }, true);

		assertThat(this.store.complete(id, owner, other, LONG_RETENTION)).isEqualTo(CompletionResult.STORED);

		assertThat(this.store.find(id)).isEqualTo(completed);
		assertThat(this.store.complete(id, newOwner(), other, LONG_RETENTION))
			.isEqualTo(CompletionResult.LEASE_TAKEN_OVER);
		assertThat(this.store.find(id)).isEqualTo(completed);
	}

	@Test
	protected void issue11_item3_completeAfterAnotherExecutionCompletedTheKeyStoresNothing()
			throws InterruptedException {
		String id = newRecordId();
		String firstOwner = newOwner();
		assertThat(this.store.claim(id, inProgress("v1:fp"), firstOwner, Duration.ofMillis(150)).isClaimed()).isTrue();
		awaitGone(id);
		String secondOwner = newOwner();
		InProgressRecord second = inProgress("v1:fp");
		assertThat(this.store.claim(id, second, secondOwner, LONG_LEASE).isClaimed()).isTrue();
		CompletedRecord secondAnswer = completed(second.createdAt(), "v1:fp");
		assertThat(this.store.complete(id, secondOwner, secondAnswer, LONG_RETENTION))
			.isEqualTo(CompletionResult.STORED);

		assertThat(this.store.complete(id, firstOwner, completed(now(), "v1:fp"), LONG_RETENTION))
			.isEqualTo(CompletionResult.LEASE_TAKEN_OVER);

		assertThat(this.store.find(id)).isEqualTo(secondAnswer);
	}

	@Test
	protected void issue11_item3_claimSentAgainByItsOwnerAnswersClaimed() {
		String id = newRecordId();
		String owner = newOwner();
		InProgressRecord record = inProgress("v1:fp");
		assertThat(this.store.claim(id, record, owner, LONG_LEASE).isClaimed()).isTrue();

		assertThat(this.store.claim(id, record, owner, LONG_LEASE).isClaimed()).isTrue();

		assertThat(this.store.find(id)).isEqualTo(record);
		assertThat(this.store.claim(id, inProgress("v1:fp"), newOwner(), LONG_LEASE).existing()).isEqualTo(record);
		CompletedRecord completed = completed(record.createdAt(), "v1:fp");
		assertThat(this.store.complete(id, owner, completed, LONG_RETENTION)).isEqualTo(CompletionResult.STORED);
		assertThat(this.store.claim(id, record, owner, LONG_LEASE).existing()).as("a completed record is no claim")
			.isEqualTo(completed);
	}

	@Test
	protected void issue11_item3_tokenClaimSentAgainByItsOwnerAnswersClaimed() {
		String id = newRecordId();
		this.store.issueToken(id, LONG_LEASE);
		String owner = newOwner();
		InProgressRecord record = inProgress("v1:fp");
		assertThat(this.store.claimToken(id, record, owner, LONG_LEASE).isClaimed()).isTrue();

		assertThat(this.store.claimToken(id, record, owner, LONG_LEASE).isClaimed()).isTrue();

		assertThat(this.store.claimToken(id, inProgress("v1:fp"), newOwner(), LONG_LEASE).existing()).isEqualTo(record);
		assertThat(this.store.release(id, owner)).isTrue();
		assertThat(this.store.claimToken(id, record, newOwner(), LONG_LEASE).isClaimed()).as("the token was given back")
			.isTrue();
	}

	@Test
	protected void issue11_item3_releaseSentAgainAfterItLandedAnswersTrueAndTouchesNothing() {
		String id = newRecordId();
		String owner = newOwner();
		assertThat(this.store.claim(id, inProgress("v1:fp"), owner, LONG_LEASE).isClaimed()).isTrue();
		assertThat(this.store.release(id, owner)).isTrue();

		assertThat(this.store.release(id, owner)).isTrue();

		assertThat(this.store.find(id)).isNull();
		String next = newOwner();
		InProgressRecord nextRecord = inProgress("v1:fp");
		assertThat(this.store.claim(id, nextRecord, next, LONG_LEASE).isClaimed()).isTrue();
		assertThat(this.store.release(id, owner)).as("another owner holds the key now").isFalse();
		assertThat(this.store.find(id)).isEqualTo(nextRecord);
	}

	@Test
	protected void issue11_item3_releaseSentAgainKeepsTheTokenTheFirstReleaseGaveBack() {
		String id = newRecordId();
		this.store.issueToken(id, LONG_LEASE);
		String owner = newOwner();
		assertThat(this.store.claimToken(id, inProgress("v1:fp"), owner, LONG_LEASE).isClaimed()).isTrue();
		assertThat(this.store.release(id, owner)).isTrue();

		assertThat(this.store.release(id, owner)).isTrue();

		assertThat(this.store.claimToken(id, inProgress("v1:fp"), newOwner(), LONG_LEASE).isClaimed()).isTrue();
	}

	@Test
	protected void issue11_item9_extendLeasesExtendsTheOwnedAndReturnsTheLost() throws InterruptedException {
		Duration shortLease = Duration.ofMillis(400);
		Map<String, String> owned = new HashMap<>();
		for (int i = 0; i < 5; i++) {
			String id = newRecordId();
			String owner = newOwner();
			assertThat(this.store.claim(id, inProgress("v1:fp"), owner, shortLease).isClaimed()).isTrue();
			owned.put(id, owner);
		}
		String takenOver = newRecordId();
		assertThat(this.store.claim(takenOver, inProgress("v1:fp"), newOwner(), LONG_LEASE).isClaimed()).isTrue();
		String completedId = newRecordId();
		String completedOwner = newOwner();
		assertThat(this.store.claim(completedId, inProgress("v1:fp"), completedOwner, LONG_LEASE).isClaimed()).isTrue();
		assertThat(this.store.complete(completedId, completedOwner, completed(now(), "v1:fp"), LONG_RETENTION))
			.isEqualTo(CompletionResult.STORED);
		String gone = newRecordId();
		Map<String, String> batch = new HashMap<>(owned);
		batch.put(takenOver, newOwner());
		batch.put(completedId, completedOwner);
		batch.put(gone, newOwner());

		Set<String> lost = this.store.extendLeases(batch, LONG_LEASE);

		assertThat(lost).containsExactlyInAnyOrder(takenOver, completedId, gone);
		Thread.sleep(shortLease.multipliedBy(2).toMillis());
		owned.forEach((id, owner) -> {
			assertThat(this.store.find(id)).as("extended past its first lease").isInstanceOf(InProgressRecord.class);
			assertThat(this.store.extendLease(id, owner, LONG_LEASE)).isTrue();
		});
		assertThat(this.store.find(gone)).isNull();
		assertThat(this.store.extendLeases(Map.of(), LONG_LEASE)).isEmpty();
	}

	@Test
	protected void issue11_item9_extendLeasesHandlesThousandsOfRecords() {
		Map<String, String> batch = new HashMap<>();
		for (int i = 0; i < 1_500; i++) {
			String id = newRecordId();
			String owner = newOwner();
			assertThat(this.store.claim(id, inProgress("v1:fp"), owner, LONG_LEASE).isClaimed()).isTrue();
			batch.put(id, (i % 500 == 7) ? newOwner() : owner);
		}
		Set<String> expectedLost = new HashSet<>();
		batch.forEach((id, owner) -> {
			if (!this.store.extendLease(id, owner, LONG_LEASE)) {
				expectedLost.add(id);
			}
		});

		assertThat(this.store.extendLeases(batch, LONG_LEASE)).hasSize(3).isEqualTo(expectedLost);
	}

	@Test
	protected void spec5_releaseByTheOwnerFreesTheId() {
		String id = newRecordId();
		String owner = newOwner();
		assertThat(this.store.claim(id, inProgress("v1:fp"), owner, LONG_LEASE).isClaimed()).isTrue();

		assertThat(this.store.release(id, owner)).isTrue();

		assertThat(this.store.find(id)).isNull();
		String next = newOwner();
		assertThat(this.store.claim(id, inProgress("v1:fp"), next, LONG_LEASE).isClaimed()).isTrue();
		assertThat(this.store.release(id, owner)).isFalse();
		assertThat(this.store.release(id, next)).isTrue();
	}

	@Test
	protected void spec5_releaseByAnotherOwnerFailsAndKeepsTheRecord() {
		String id = newRecordId();
		String owner = newOwner();
		InProgressRecord claimed = inProgress("v1:fp");
		assertThat(this.store.claim(id, claimed, owner, LONG_LEASE).isClaimed()).isTrue();

		assertThat(this.store.release(id, newOwner())).isFalse();

		assertThat(this.store.find(id)).isEqualTo(claimed);
		assertThat(this.store.claim(id, inProgress("v1:other"), newOwner(), LONG_LEASE).existing()).isEqualTo(claimed);
		assertThat(this.store.release(id, owner)).isTrue();
	}

	@Test
	protected void spec5_releaseOfACompletedRecordFails() {
		String id = newRecordId();
		String owner = newOwner();
		InProgressRecord claimed = inProgress("v1:fp");
		assertThat(this.store.claim(id, claimed, owner, LONG_LEASE).isClaimed()).isTrue();
		CompletedRecord completed = completed(claimed.createdAt(), "v1:fp");
		assertThat(this.store.complete(id, owner, completed, LONG_RETENTION)).isEqualTo(CompletionResult.STORED);

		assertThat(this.store.release(id, owner)).isFalse();
		assertThat(this.store.release(id, newOwner())).isFalse();

		assertThat(this.store.find(id)).isEqualTo(completed);
	}

	@Test
	protected void operatorDeleteRemovesInProgressAndCompletedRecordsWhateverTheOwner() {
		String inFlight = newRecordId();
		String owner = newOwner();
		assertThat(this.store.claim(inFlight, inProgress("v1:fp"), owner, LONG_LEASE).isClaimed()).isTrue();
		String done = newRecordId();
		String doneOwner = newOwner();
		InProgressRecord claimed = inProgress("v1:fp");
		assertThat(this.store.claim(done, claimed, doneOwner, LONG_LEASE).isClaimed()).isTrue();
		assertThat(this.store.complete(done, doneOwner, completed(claimed.createdAt(), "v1:fp"), LONG_RETENTION))
			.isEqualTo(CompletionResult.STORED);

		assertThat(this.store.delete(inFlight)).isTrue();
		assertThat(this.store.delete(done)).isTrue();
		assertThat(this.store.delete(newRecordId())).isFalse();

		assertThat(this.store.find(inFlight)).isNull();
		assertThat(this.store.find(done)).isNull();
		assertThat(this.store.claim(inFlight, inProgress("v1:fp"), newOwner(), LONG_LEASE).isClaimed()).isTrue();
		assertThat(this.store.complete(inFlight, owner, completed(now(), "v1:fp"), LONG_RETENTION))
			.as("the deleted execution's owner cannot complete its successor's record")
			.isEqualTo(CompletionResult.LEASE_TAKEN_OVER);
	}

	@Test
	protected void issue11_item3_releaseOfAnIdWithoutARecordAnswersTrueAndCreatesNothing() {
		String id = newRecordId();

		assertThat(this.store.release(id, newOwner())).isTrue();
		assertThat(this.store.find(id)).isNull();
	}

	@Test
	protected void spec5_extendLeaseByTheOwnerKeepsTheRecordPastTheOriginalLease() throws InterruptedException {
		String id = newRecordId();
		String owner = newOwner();
		InProgressRecord claimed = inProgress("v1:fp-extend");
		Duration lease = Duration.ofMillis(300);
		assertThat(this.store.claim(id, claimed, owner, lease).isClaimed()).isTrue();

		assertThat(this.store.extendLease(id, owner, Duration.ofSeconds(5))).isTrue();

		Thread.sleep(lease.multipliedBy(2).toMillis());
		assertThat(this.store.find(id)).isEqualTo(claimed);
		assertThat(this.store.claim(id, inProgress("v1:other"), newOwner(), LONG_LEASE).existing()).isEqualTo(claimed);
		// Still owned: the owner can complete.
		CompletedRecord completed = completed(claimed.createdAt(), "v1:fp-extend");
		assertThat(this.store.complete(id, owner, completed, LONG_RETENTION)).isEqualTo(CompletionResult.STORED);
		assertThat(this.store.find(id)).isEqualTo(completed);
	}

	@Test
	protected void spec5_extendLeaseByAnotherOwnerFails() {
		String id = newRecordId();
		String owner = newOwner();
		InProgressRecord claimed = inProgress("v1:fp");
		assertThat(this.store.claim(id, claimed, owner, LONG_LEASE).isClaimed()).isTrue();

		assertThat(this.store.extendLease(id, newOwner(), LONG_LEASE)).isFalse();

		assertThat(this.store.find(id)).isEqualTo(claimed);
		assertThat(this.store.release(id, owner)).isTrue();
	}

	@Test
	protected void spec5_extendLeaseOfACompletedRecordFails() {
		String id = newRecordId();
		String owner = newOwner();
		InProgressRecord claimed = inProgress("v1:fp");
		assertThat(this.store.claim(id, claimed, owner, LONG_LEASE).isClaimed()).isTrue();
		CompletedRecord completed = completed(claimed.createdAt(), "v1:fp");
		assertThat(this.store.complete(id, owner, completed, LONG_RETENTION)).isEqualTo(CompletionResult.STORED);

		assertThat(this.store.extendLease(id, owner, LONG_LEASE)).isFalse();
		assertThat(this.store.extendLease(id, newOwner(), LONG_LEASE)).isFalse();

		assertThat(this.store.find(id)).isEqualTo(completed);
	}

	@Test
	protected void spec5_extendLeaseOfAnIdNeverClaimedFails() {
		String id = newRecordId();

		assertThat(this.store.extendLease(id, newOwner(), LONG_LEASE)).isFalse();
		assertThat(this.store.find(id)).isNull();
	}

	@Test
	protected void spec5_completedRecordIsKeptUntilItsRetentionExpires() throws InterruptedException {
		String id = newRecordId();
		String owner = newOwner();
		InProgressRecord claimed = inProgress("v1:fp-retention");
		assertThat(this.store.claim(id, claimed, owner, LONG_LEASE).isClaimed()).isTrue();
		CompletedRecord completed = completed(claimed.createdAt(), "v1:fp-retention");

		assertThat(this.store.complete(id, owner, completed, Duration.ofMillis(200)))
			.isEqualTo(CompletionResult.STORED);

		awaitGone(id);
		assertThat(this.store.find(id)).isNull();
		assertThat(this.store.claim(id, inProgress("v1:fp-retention"), newOwner(), LONG_LEASE).isClaimed()).isTrue();
	}

	@Test
	protected void spec6_claimOnACompletedRecordReturnsTheCompletedRecord() {
		String id = newRecordId();
		String owner = newOwner();
		InProgressRecord claimed = inProgress("v1:fp-replay");
		assertThat(this.store.claim(id, claimed, owner, LONG_LEASE).isClaimed()).isTrue();
		CompletedRecord completed = new CompletedRecord("v1:fp-replay", claimed.createdAt(),
				claimed.createdAt().plusSeconds(1), 200,
				List.of(new CompletedRecord.Header("Content-Type", "application/json")),
				"{\"id\":\"p-1\"}".getBytes(StandardCharsets.UTF_8), true);
		assertThat(this.store.complete(id, owner, completed, LONG_RETENTION)).isEqualTo(CompletionResult.STORED);

		// One store call gives a replay everything it needs.
		ClaimResult retry = this.store.claim(id, inProgress("v1:fp-replay"), newOwner(), LONG_LEASE);

		assertThat(retry.isClaimed()).isFalse();
		assertThat(retry.existing()).isInstanceOf(CompletedRecord.class).isEqualTo(completed);
		// And that claim did not replace the completed record.
		assertThat(this.store.find(id)).isEqualTo(completed);
	}

	@Test
	protected void spec7_notReplayableCompletedRecordRoundTrips() {
		String id = newRecordId();
		String owner = newOwner();
		InProgressRecord claimed = inProgress("v1:fp-stream");
		assertThat(this.store.claim(id, claimed, owner, LONG_LEASE).isClaimed()).isTrue();
		CompletedRecord notReplayable = new CompletedRecord("v1:fp-stream", claimed.createdAt(),
				claimed.createdAt().plusMillis(5), 200,
				List.of(new CompletedRecord.Header("Content-Type", "text/event-stream")), new byte[0], false);

		assertThat(this.store.complete(id, owner, notReplayable, LONG_RETENTION)).isEqualTo(CompletionResult.STORED);

		IdempotencyRecord found = this.store.find(id);
		assertThat(found).isEqualTo(notReplayable);
		assertThat(((CompletedRecord) found).replayable()).isFalse();
		assertThat(((CompletedRecord) found).body()).isEmpty();
		ClaimResult retry = this.store.claim(id, inProgress("v1:fp-stream"), newOwner(), LONG_LEASE);
		assertThat(retry.existing()).isEqualTo(notReplayable);
	}

	@Test
	protected void token_claimWithoutAnIssuedTokenIsRefusedAndCreatesNothing() {
		String id = newRecordId();

		assertThat(this.store.claimToken(id, inProgress("v1:fp"), newOwner(), LONG_LEASE).tokenUnknown()).isTrue();

		assertThat(this.store.find(id)).isNull();
		assertThat(this.store.claimToken(id, inProgress("v1:fp"), newOwner(), LONG_LEASE).tokenUnknown()).isTrue();
	}

	@Test
	protected void token_firstUseConsumesTheTokenAndARetryGetsTheRecord() {
		String id = newRecordId();
		this.store.issueToken(id, LONG_LEASE);
		assertThat(this.store.find(id)).as("a waiting token is not a record").isNull();
		String owner = newOwner();
		InProgressRecord record = inProgress("v1:fp");

		assertThat(this.store.claimToken(id, record, owner, LONG_LEASE).isClaimed()).isTrue();

		assertThat(this.store.claimToken(id, inProgress("v1:fp"), newOwner(), LONG_LEASE).existing()).isEqualTo(record);
		CompletedRecord done = completed(record.createdAt(), "v1:fp");
		assertThat(this.store.complete(id, owner, done, LONG_RETENTION)).isEqualTo(CompletionResult.STORED);
		assertThat(this.store.claimToken(id, inProgress("v1:fp"), newOwner(), LONG_LEASE).existing()).isEqualTo(done);
		assertThat(this.store.find(id)).isEqualTo(done);
	}

	@Test
	protected void token_expiredTokenIsRefused() throws InterruptedException {
		String id = newRecordId();
		this.store.issueToken(id, Duration.ofMillis(100));

		Thread.sleep(400);

		assertThat(this.store.claimToken(id, inProgress("v1:fp"), newOwner(), LONG_LEASE).tokenUnknown()).isTrue();
		assertThat(this.store.find(id)).isNull();
	}

	@Test
	protected void token_releaseGivesTheTokenBackForARetry() {
		String id = newRecordId();
		this.store.issueToken(id, LONG_LEASE);
		String owner = newOwner();
		assertThat(this.store.claimToken(id, inProgress("v1:fp"), owner, LONG_LEASE).isClaimed()).isTrue();

		assertThat(this.store.release(id, owner)).isTrue();

		assertThat(this.store.find(id)).isNull();
		String retryOwner = newOwner();
		assertThat(this.store.claimToken(id, inProgress("v1:fp"), retryOwner, LONG_LEASE).isClaimed()).isTrue();
		assertThat(this.store.complete(id, retryOwner, completed(now(), "v1:fp"), LONG_RETENTION))
			.isEqualTo(CompletionResult.STORED);
	}

	@Test
	protected void token_completedRecordKeepsNoTokenSoItsReleaseCannotRevive() {
		String id = newRecordId();
		this.store.issueToken(id, LONG_LEASE);
		String owner = newOwner();
		this.store.claimToken(id, inProgress("v1:fp"), owner, LONG_LEASE);
		this.store.complete(id, owner, completed(now(), "v1:fp"), LONG_RETENTION);

		assertThat(this.store.delete(id)).isTrue();

		assertThat(this.store.claimToken(id, inProgress("v1:fp"), newOwner(), LONG_LEASE).tokenUnknown()).isTrue();
	}

	@Test
	protected void token_racingFirstUsesOfOneTokenHaveExactlyOneWinner() throws Exception {
		ExecutorService threads = Executors.newFixedThreadPool(RACE_THREADS);
		try {
			for (int round = 0; round < RACE_ROUNDS; round++) {
				String id = newRecordId();
				this.store.issueToken(id, LONG_LEASE);
				CyclicBarrier startGate = new CyclicBarrier(RACE_THREADS);
				List<Future<ClaimResult>> results = new ArrayList<>();
				for (int contender = 0; contender < RACE_THREADS; contender++) {
					InProgressRecord record = inProgress("v1:token-" + round + "-" + contender);
					results.add(threads.submit(() -> {
						startGate.await(30, TimeUnit.SECONDS);
						return this.store.claimToken(id, record, newOwner(), LONG_LEASE);
					}));
				}
				int winners = 0;
				for (Future<ClaimResult> result : results) {
					ClaimResult claim = result.get(60, TimeUnit.SECONDS);
					assertThat(claim.tokenUnknown()).as("round %d: a loser saw no token and no record", round).isFalse();
					winners += claim.isClaimed() ? 1 : 0;
				}
				assertThat(winners).as("round %d", round).isEqualTo(1);
			}
		}
		finally {
			threads.shutdownNow();
			assertThat(threads.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
		}
	}

	/** Polls {@code find} until the record is gone; fails if it is still there after a generous bound. */
	protected void awaitGone(String id) throws InterruptedException {
		long deadline = System.nanoTime() + EXPIRY_WAIT_BOUND.toNanos();
		while (this.store.find(id) != null) {
			if (System.nanoTime() - deadline > 0) {
				fail("Record " + id + " still there after " + EXPIRY_WAIT_BOUND);
			}
			Thread.sleep(20);
		}
	}

	/** A fresh random record id, shaped like the real ones (43 base64url characters). */
	protected static String newRecordId() {
		String id = (UUID.randomUUID().toString() + UUID.randomUUID()).replace("-", "");
		return id.substring(0, 43);
	}

	protected static String newOwner() {
		return UUID.randomUUID().toString();
	}

	/** Now, to the millisecond: the precision stored records keep. */
	protected static Instant now() {
		return Instant.now().truncatedTo(ChronoUnit.MILLIS);
	}

	protected static InProgressRecord inProgress(String fingerprint) {
		return new InProgressRecord(fingerprint, now());
	}

	protected static CompletedRecord completed(Instant createdAt, String fingerprint) {
		return new CompletedRecord(fingerprint, createdAt, createdAt.plusMillis(50), 201,
				List.of(new CompletedRecord.Header("Content-Type", "application/json"),
						new CompletedRecord.Header("Location", "/orders/42")),
				"{\"id\":42}".getBytes(StandardCharsets.UTF_8), true);
	}

}
