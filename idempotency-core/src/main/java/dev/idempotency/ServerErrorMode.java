package dev.idempotency;

/** What happens to a record when the handler answers 5xx or throws. */
public enum ServerErrorMode {

	/** Delete the record, so the next retry runs the handler again. */
	RELEASE,

	/** Store the 5xx answer and replay it, like any other answer. */
	STORE

}
