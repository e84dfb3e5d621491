package dev.idempotency;

/** How the filter handled one request that reached an idempotent handler. */
public enum IdempotencyOutcome {

	/** The key was claimed, the handler ran and its answer was stored. */
	EXECUTED,

	/** A completed answer was replayed; the handler did not run. */
	REPLAYED,

	/** Another execution with the same key is in flight: 409. */
	CONFLICT,

	/** The key was reused with another request: 422. */
	MISMATCH,

	/** The key was missing or malformed: 400. */
	INVALID_KEY,

	/** The one-time token was unknown, expired or issued to another scope: 400. */
	INVALID_TOKEN,

	/** The request body was larger than the configured limit: 413. */
	REQUEST_TOO_LARGE,

	/** The store failed before the handler ran and the filter answered 503. */
	STORE_UNAVAILABLE,

	/** The store failed before the handler ran and the handler ran without idempotency. */
	PROCEEDED_WITHOUT_STORE,

	/** The first answer was streamed or too large to keep; the retry got the not-replayable problem. */
	NOT_REPLAYABLE,

	/** The handler answered 5xx or threw and the record was released for a retry. */
	RELEASED,

	/** The completion or release could not be written, or the async request timed out: the lease is kept. */
	UNKNOWN_OUTCOME,

	/**
	 * The answer could not be stored (or the key released) because another execution took the key over
	 * after this one's lease expired: the handler may have run twice for the key.
	 */
	LEASE_LOST

}
