package dev.idempotency.web;

import java.net.URI;

/**
 * The RFC 9457 problems the filter answers with, each with a stable {@code type} URI under
 * {@value #TYPE_BASE}. None of them is ever stored or replayed.
 */
public enum IdempotencyProblem {

	/** 400: the handler requires the key (header, token or business key) and the request has none. */
	MISSING_KEY(400, "missing-key", "Idempotency key missing"),

	/**
	 * 400: the key is malformed (two fields, a list, empty, too long, bad characters, broken quotes), or a
	 * business key is not a JSON string or integer, or the body it should be read from is not JSON.
	 */
	INVALID_KEY(400, "invalid-key", "Invalid idempotency key"),

	/**
	 * 400: the handler requires a one-time token and the key is none the token endpoint issued to this
	 * caller, or it expired. Ask for a new token.
	 */
	INVALID_TOKEN(400, "invalid-token", "Unknown or expired idempotency token"),

	/** 409: a request with this key is still being processed; retry after {@code Retry-After}. */
	IN_PROGRESS(409, "in-progress", "Request with this idempotency key is in progress"),

	/**
	 * 409: a request with this key completed, but its answer was streamed or too large to keep, so it
	 * cannot be replayed. The operation ran; it will not run again with this key.
	 */
	NOT_REPLAYABLE(409, "not-replayable", "Completed answer cannot be replayed"),

	/** 413: the request body is larger than the idempotency filter buffers for the fingerprint. */
	REQUEST_TOO_LARGE(413, "request-too-large", "Request body too large for an idempotent request"),

	/** 422: the key was already used with a different request (method, route, body or fingerprinted headers). */
	KEY_REUSED(422, "key-reused", "Idempotency key reused with a different request"),

	/** 503: the idempotency store is unavailable; the handler did not run; retry after {@code Retry-After}. */
	STORE_UNAVAILABLE(503, "store-unavailable", "Idempotency store unavailable");

	/** Where every problem type URI of this library starts. */
	public static final String TYPE_BASE = "https://idempotency.dev/problems/";

	private final int status;

	private final URI type;

	private final String title;

	IdempotencyProblem(int status, String slug, String title) {
		this.status = status;
		this.type = URI.create(TYPE_BASE + slug);
		this.title = title;
	}

	public int status() {
		return this.status;
	}

	public URI type() {
		return this.type;
	}

	public String title() {
		return this.title;
	}

}
