package dev.idempotency.request;

import org.jspecify.annotations.Nullable;

import java.time.Duration;

import dev.idempotency.IdempotencyOutcome;
import dev.idempotency.web.IdempotencyProblem;

/**
 * A problem answer of the filter's own.
 * @param retryAfter the {@code Retry-After} to send, or {@code null} for none
 */
public record Refusal(IdempotencyProblem problem, String detail, @Nullable Duration retryAfter,
		IdempotencyOutcome outcome) {

	public Refusal(IdempotencyProblem problem, String detail, IdempotencyOutcome outcome) {
		this(problem, detail, null, outcome);
	}

}
