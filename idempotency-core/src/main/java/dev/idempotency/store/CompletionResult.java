package dev.idempotency.store;

/**
 * The answer to {@link IdempotencyStore#complete}: whether the answer is now the key's record, and whether
 * the caller still owned the key when it landed.
 */
public enum CompletionResult {

	/**
	 * Stored while the caller owned the record; also the answer to a completion sent again after it had
	 * landed, which leaves the record unchanged.
	 */
	STORED,

	/**
	 * Stored although the caller's lease had expired (during an outage, say): no record was left, so no
	 * other execution held the key.
	 */
	STORED_AFTER_LEASE_EXPIRED,

	/** Nothing stored: another execution holds the key, or completed it. */
	LEASE_TAKEN_OVER;

	/** Whether the answer is the key's record now. */
	public boolean isStored() {
		return this != LEASE_TAKEN_OVER;
	}

}
