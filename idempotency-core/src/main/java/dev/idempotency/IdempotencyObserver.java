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

}
