package dev.idempotency.store;

import org.jspecify.annotations.Nullable;

/**
 * The answer to a claim: either the caller now owns the key ({@link #claimed()}), or the record that
 * already holds it, learnt in the same atomic step, or — for a {@linkplain IdempotencyStore#claimToken
 * token claim} only — that no token waits under the key ({@link #unknownToken()}).
 */
public record ClaimResult(@Nullable IdempotencyRecord existing, boolean tokenUnknown) {

	private static final ClaimResult CLAIMED = new ClaimResult(null, false);

	private static final ClaimResult UNKNOWN_TOKEN = new ClaimResult(null, true);

	public static ClaimResult claimed() {
		return CLAIMED;
	}

	public static ClaimResult existing(IdempotencyRecord record) {
		return new ClaimResult(record, false);
	}

	/** Neither a record nor a token: the token was never issued to this scope, or it expired. */
	public static ClaimResult unknownToken() {
		return UNKNOWN_TOKEN;
	}

	public boolean isClaimed() {
		return this.existing == null && !this.tokenUnknown;
	}

}
