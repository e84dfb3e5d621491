package dev.idempotency.store;

import org.jspecify.annotations.Nullable;

/**
 * The answer to a claim: either the caller now owns the key ({@link #claimed()}), or the record that
 * already holds it, learnt in the same atomic step.
 */
public record ClaimResult(@Nullable IdempotencyRecord existing) {

	private static final ClaimResult CLAIMED = new ClaimResult(null);

	public static ClaimResult claimed() {
		return CLAIMED;
	}

	public static ClaimResult existing(IdempotencyRecord record) {
		return new ClaimResult(record);
	}

	public boolean isClaimed() {
		return this.existing == null;
	}

}
