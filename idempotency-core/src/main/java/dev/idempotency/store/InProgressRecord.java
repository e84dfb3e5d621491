package dev.idempotency.store;

import java.time.Instant;

/** An execution in flight: the key is claimed and its lease has not expired. */
public record InProgressRecord(String fingerprint, Instant createdAt) implements IdempotencyRecord {
}
