package dev.idempotency.store;

import java.time.Instant;

/**
 * What the store keeps for one record id: either an execution in flight or its completed answer.
 * Records are immutable values; the owner token of an execution is held by the store beside the record.
 */
public sealed interface IdempotencyRecord permits InProgressRecord, CompletedRecord {

	/** The request fingerprint the record was created for, with its format version ({@code v1:…}). */
	String fingerprint();

	/** When the first request claimed the key. */
	Instant createdAt();

}
