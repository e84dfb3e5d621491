package dev.idempotency;

/**
 * Told what the filter did with each idempotent request, for metrics and audit. Implementations must be
 * fast and must not throw; they never see the client key or the principal.
 */
public interface IdempotencyObserver {

	/** An observer that does nothing. */
	IdempotencyObserver NONE = new IdempotencyObserver() {
	};

	/** Called once per request that reached an idempotent handler. */
	default void onOutcome(IdempotencyOutcome outcome) {
	}

	/** Called each time a running handler's lease is extended. */
	default void onLeaseExtended() {
	}

	/**
	 * Called after every store call the filter makes.
	 * @param operation {@code claim}, {@code complete}, {@code release} or {@code extend_lease}
	 * @param nanos how long the call took
	 * @param failed whether it threw (failed, timed out)
	 */
	default void onStoreCall(String operation, long nanos, boolean failed) {
	}

}
