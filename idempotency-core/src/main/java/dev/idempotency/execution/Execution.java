package dev.idempotency.execution;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.servlet.ServletRequest;
import org.jspecify.annotations.Nullable;

import dev.idempotency.handler.CorsAnswers;
import dev.idempotency.key.RecordIds;
import dev.idempotency.store.InProgressRecord;
import dev.idempotency.web.CapturingResponseWrapper;

/**
 * One claimed execution, carried as a request attribute across the dispatches of its request. Its
 * outcome is settled exactly once ({@link #markSettled()}), however many dispatches and listeners see it.
 */
public final class Execution {

	private static final String ATTRIBUTE = Execution.class.getName();

	final String recordId;

	final String owner;

	final InProgressRecord claimed;

	final Duration retention;

	final CapturingResponseWrapper response;

	final boolean invocationTracked;

	final CorsAnswers cors;

	private final AtomicBoolean settled = new AtomicBoolean();

	volatile boolean watchingAsync;

	volatile boolean asyncFailed;

	volatile boolean awaitingErrorPage;

	volatile long leaseDueNanos;

	public Execution(String recordId, String owner, InProgressRecord claimed, Duration retention,
			CapturingResponseWrapper response, boolean invocationTracked, CorsAnswers cors) {
		this.recordId = recordId;
		this.owner = owner;
		this.claimed = claimed;
		this.retention = retention;
		this.response = response;
		this.invocationTracked = invocationTracked;
		this.cors = cors;
	}

	/** The execution a request carries, or {@code null} for a request that claimed no key. */
	public static @Nullable Execution of(ServletRequest request) {
		return (request.getAttribute(ATTRIBUTE) instanceof Execution execution) ? execution : null;
	}

	void attachTo(ServletRequest request) {
		request.setAttribute(ATTRIBUTE, this);
	}

	/** Whether the outcome is already settled (stored, released or left unknown). */
	boolean isSettled() {
		return this.settled.get();
	}

	/** Claims the right to settle the outcome: {@code true} exactly once. */
	boolean markSettled() {
		return this.settled.compareAndSet(false, true);
	}

	String logId() {
		return RecordIds.logId(this.recordId);
	}

}
