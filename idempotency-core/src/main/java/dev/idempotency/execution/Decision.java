package dev.idempotency.execution;

import org.jspecify.annotations.Nullable;

import dev.idempotency.store.CompletedRecord;

/** What the end of a handler's dispatch asks for: store an answer, release, wait for the error page, or give up. */
record Decision(Kind kind, @Nullable CompletedRecord record, String reason) {

	static final Decision AWAIT_ERROR_PAGE = new Decision(Kind.AWAIT_ERROR_PAGE, null, "an error page follows");

	static Decision complete(CompletedRecord record) {
		return new Decision(Kind.COMPLETE, record, "the handler answered");
	}

	static Decision release(String reason) {
		return new Decision(Kind.RELEASE, null, reason);
	}

	static Decision unknown(String reason) {
		return new Decision(Kind.UNKNOWN, null, reason);
	}

	enum Kind {

		COMPLETE, RELEASE, AWAIT_ERROR_PAGE, UNKNOWN

	}

}
