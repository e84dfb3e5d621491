package dev.idempotency.request;

import java.time.Duration;

import jakarta.servlet.http.HttpServletRequest;

/**
 * What the filter read from a request, or what it answers instead: a {@link Keyed} request to claim, a
 * {@link Refused} one (a problem answer; the store is not touched), or one that runs {@link Unkeyed}
 * because its handler does not require a key.
 */
public sealed interface IdempotentRequest {

	/**
	 * A request with a key.
	 * @param recordId the record the key maps to
	 * @param fingerprint the request's fingerprint
	 * @param keyKind how problem details name the key, e.g. {@code idempotency key}
	 * @param tokenClaim whether the key is a one-time token to consume
	 * @param retention how long the completed record is kept
	 * @param request the request the handler is given, its body readable again
	 */
	record Keyed(String recordId, String fingerprint, String keyKind, boolean tokenClaim, Duration retention,
			HttpServletRequest request) implements IdempotentRequest {
	}

	/** A request refused before the store is asked. */
	record Refused(Refusal refusal) implements IdempotentRequest {
	}

	/** A request without a key whose handler runs without idempotency. */
	record Unkeyed(HttpServletRequest request) implements IdempotentRequest {
	}

}
