package dev.idempotency.store;

import org.jspecify.annotations.Nullable;

/**
 * An entry of an {@link InMemoryIdempotencyStore}: a record, a waiting token (no record), or a record
 * claimed with a token, which keeps the token's expiry so a release can give the token back. An
 * in-progress record has its {@code owner}, a completed one the owner that completed it
 * ({@code completedBy}), so a completion sent again is known. {@code weight} counts against
 * {@code maxBytes}.
 */
record InMemoryEntry(@Nullable IdempotencyRecord record, @Nullable String owner, @Nullable String completedBy,
		long expiresAtNanos, long tokenExpiresAtNanos, long weight) {

	/** The {@code tokenExpiresAtNanos} of an entry claimed without a token. */
	static final long NO_TOKEN = Long.MIN_VALUE;

	boolean expiredAt(long now) {
		return now - this.expiresAtNanos >= 0;
	}

	boolean hasToken() {
		return this.tokenExpiresAtNanos != NO_TOKEN;
	}

}
