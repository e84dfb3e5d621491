package dev.idempotency.store;

import org.jspecify.annotations.Nullable;

/** The store could not be reached, timed out, or answered with an error; the outcome of the call is unknown. */
public class IdempotencyStoreException extends RuntimeException {

	public IdempotencyStoreException(String message, @Nullable Throwable cause) {
		super(message, cause);
	}

}
