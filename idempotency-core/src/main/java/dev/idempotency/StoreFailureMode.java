package dev.idempotency;

/** What the filter does when the store cannot be reached or answers with an error before the handler runs. */
public enum StoreFailureMode {

	/** Answer 503 with {@code Retry-After}; the handler does not run. */
	FAIL_CLOSED,

	/** Run the handler without idempotency, log a warning and count it. */
	PROCEED

}
