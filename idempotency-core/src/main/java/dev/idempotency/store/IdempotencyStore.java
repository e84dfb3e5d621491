package dev.idempotency.store;

import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * Keeps idempotency records. Every method is one atomic step; the ones taking an owner token act only
 * while that token still owns the record, so an execution whose lease expired can never overwrite or
 * delete the record of the execution that replaced it. Methods throw {@link IdempotencyStoreException}
 * when the store fails or does not answer within its bounded timeout.
 */
public interface IdempotencyStore {

	/**
	 * Creates {@code record} under {@code recordId}, owned by {@code ownerToken}, expiring after
	 * {@code lease} — unless a record exists, which is then returned instead. Never a read followed by a
	 * write. A claim sent again by the owner of the record it created (a client re-sending a command whose
	 * reply was lost) answers {@link ClaimResult#claimed()} again and changes nothing.
	 */
	ClaimResult claim(String recordId, InProgressRecord record, String ownerToken, Duration lease);

	/**
	 * Replaces the owner's in-progress record with {@code record}, expiring after {@code retention}; where
	 * no record is left (the lease expired and nobody claimed the key since), stores {@code record} all the
	 * same. Safe to send again: once it landed, the same owner's completion answers
	 * {@link CompletionResult#STORED} and changes nothing.
	 * @return {@link CompletionResult#LEASE_TAKEN_OVER}, storing nothing, when another owner holds the
	 * record or completed it
	 */
	CompletionResult complete(String recordId, String ownerToken, CompletedRecord record, Duration retention);

	/**
	 * Deletes the owner's in-progress record, so the next request with the key runs again. A record
	 * claimed with a token gives its token back instead, usable until the token's own expiry. Safe to send
	 * again: where no record is left (released already, or expired), it changes nothing and answers
	 * {@code true}.
	 * @return {@code false} when another owner holds the record, or it is completed
	 */
	boolean release(String recordId, String ownerToken);

	/**
	 * Sets the owner's lease to expire {@code lease} from now.
	 * @return {@code false} when {@code ownerToken} no longer owns the record
	 */
	boolean extendLease(String recordId, String ownerToken, Duration lease);

	/**
	 * {@linkplain #extendLease Extends} the lease of each record in {@code ownerByRecordId} (record id to
	 * owner token) to {@code lease} from now; a store may send them together, in a few round trips.
	 * @return the record ids whose owner no longer owns them, the others being extended
	 */
	default Set<String> extendLeases(Map<String, String> ownerByRecordId, Duration lease) {
		Set<String> lost = new HashSet<>();
		ownerByRecordId.forEach((recordId, ownerToken) -> {
			if (!extendLease(recordId, ownerToken, lease)) {
				lost.add(recordId);
			}
		});
		return lost;
	}

	/**
	 * Deletes the record whatever its state and owner: the operator's tool for a key stuck in progress
	 * after a crash. Never used on the request path.
	 * @return {@code false} when there was no record
	 */
	boolean delete(String recordId);

	/** The record held under {@code recordId}, if any: for operators and tests, never on the request path. */
	@Nullable IdempotencyRecord find(String recordId);

	/**
	 * Whether this store implements one-time tokens ({@link #issueToken}, {@link #claimToken}). The
	 * auto-configuration refuses to start with the token endpoint or an {@code @Idempotent(tokenRequired =
	 * true)} handler on a store that does not; a store that wraps another must delegate this too.
	 */
	default boolean supportsTokens() {
		return false;
	}

	/**
	 * Stores a one-time token under {@code recordId}, expiring after {@code ttl}, for
	 * {@link #claimToken(String, InProgressRecord, String, Duration)} to consume. Nothing else is kept.
	 * @throws UnsupportedOperationException when the store has no tokens
	 */
	default void issueToken(String recordId, Duration ttl) {
		throw new UnsupportedOperationException(getClass().getName() + " does not support one-time tokens");
	}

	/**
	 * Like {@link #claim(String, InProgressRecord, String, Duration)}, but only where a token waits under
	 * {@code recordId}: in one atomic step, returns the existing record if there is one; otherwise consumes
	 * the token and creates {@code record}; otherwise answers {@link ClaimResult#unknownToken()}.
	 * @throws UnsupportedOperationException when the store has no tokens
	 */
	default ClaimResult claimToken(String recordId, InProgressRecord record, String ownerToken, Duration lease) {
		throw new UnsupportedOperationException(getClass().getName() + " does not support one-time tokens");
	}

}
