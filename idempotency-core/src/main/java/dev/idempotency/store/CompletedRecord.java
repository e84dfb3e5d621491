package dev.idempotency.store;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * A finished execution: the answer to replay. A record that is not {@code replayable} (the answer was
 * streamed or larger than the limit) keeps status and headers but no body, and is never executed again.
 * A record with a {@code sentError} holds an error whose page was rendered where the filter could not
 * capture it: it has no body, and a replay sends the same error again for the container to render.
 */
public record CompletedRecord(String fingerprint, Instant createdAt, Instant completedAt, int status,
		List<Header> headers, byte[] body, boolean replayable, @Nullable SentError sentError)
		implements IdempotencyRecord {

	public CompletedRecord {
		headers = List.copyOf(headers);
	}

	public CompletedRecord(String fingerprint, Instant createdAt, Instant completedAt, int status, List<Header> headers,
			byte[] body, boolean replayable) {
		this(fingerprint, createdAt, completedAt, status, headers, body, replayable, null);
	}

	/** A record of {@code sendError(status, message)} whose error page the filter could not capture. */
	public static CompletedRecord sentError(String fingerprint, Instant createdAt, Instant completedAt, int status,
			@Nullable String message, List<Header> headers) {
		return new CompletedRecord(fingerprint, createdAt, completedAt, status, headers, new byte[0], true,
				new SentError(message));
	}

	/** An error sent with {@code HttpServletResponse#sendError}, with its message if it had one. */
	public record SentError(@Nullable String message) {
	}

	/** One replayable header field; a name may appear more than once. */
	public record Header(String name, String value) {
	}

	@Override
	public boolean equals(Object other) {
		return other instanceof CompletedRecord that && this.status == that.status
				&& this.replayable == that.replayable && this.fingerprint.equals(that.fingerprint)
				&& this.createdAt.equals(that.createdAt) && this.completedAt.equals(that.completedAt)
				&& this.headers.equals(that.headers) && Arrays.equals(this.body, that.body)
				&& Objects.equals(this.sentError, that.sentError);
	}

	@Override
	public int hashCode() {
		return 31 * this.fingerprint.hashCode() + Arrays.hashCode(this.body);
	}

	@Override
	public String toString() {
		return "CompletedRecord[status=" + this.status + ", replayable=" + this.replayable + ", headers="
				+ this.headers + ", body=" + this.body.length + " bytes" + ((this.sentError != null) ? ", " + this.sentError : "")
				+ "]";
	}

}
