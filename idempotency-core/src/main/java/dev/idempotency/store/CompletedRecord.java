package dev.idempotency.store;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * A finished execution: the answer to replay. A record that is not {@code replayable} (the answer was
 * streamed or larger than the limit) keeps status and headers but no body, and is never executed again.
 */
public record CompletedRecord(String fingerprint, Instant createdAt, Instant completedAt, int status,
		List<Header> headers, byte[] body, boolean replayable) implements IdempotencyRecord {

	public CompletedRecord {
		headers = List.copyOf(headers);
	}

	/** One replayable header field; a name may appear more than once. */
	public record Header(String name, String value) {
	}

	@Override
	public boolean equals(Object other) {
		return other instanceof CompletedRecord that && this.status == that.status
				&& this.replayable == that.replayable && this.fingerprint.equals(that.fingerprint)
				&& this.createdAt.equals(that.createdAt) && this.completedAt.equals(that.completedAt)
				&& this.headers.equals(that.headers) && Arrays.equals(this.body, that.body);
	}

	@Override
	public int hashCode() {
		return 31 * this.fingerprint.hashCode() + Arrays.hashCode(this.body);
	}

	@Override
	public String toString() {
		return "CompletedRecord[status=" + this.status + ", replayable=" + this.replayable + ", headers="
				+ this.headers + ", body=" + this.body.length + " bytes]";
	}

}
