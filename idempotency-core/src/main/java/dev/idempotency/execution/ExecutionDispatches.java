package dev.idempotency.execution;

import java.io.IOException;
import java.time.Instant;

import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;

import dev.idempotency.ServerErrorMode;
import dev.idempotency.handler.HandlerInvocationMarker;
import dev.idempotency.store.CompletedRecord;
import dev.idempotency.web.CapturingResponseWrapper;
import dev.idempotency.web.ResponseReplayer;

/**
 * Follows a claimed execution through the dispatches of its request and decides its outcome:
 * <ul>
 * <li>the handler runs on the request dispatch and, for async handlers, on every async dispatch; the
 * answer of the last one is settled;</li>
 * <li>an answer given before the handler method was invoked (CORS, an interceptor, argument binding and
 * validation, the dispatcher itself) releases the key;</li>
 * <li>an error sent with {@code sendError} is captured from the error page on the error dispatch, or on
 * the forward of Spring Boot's {@code ErrorPageFilter}; where no such dispatch passes through the filter,
 * the error is stored as sent when the request ends ({@link #requestEnded}), and replays send it again;</li>
 * <li>a timeout or error of any async cycle leaves the outcome unknown.</li>
 * </ul>
 */
public final class ExecutionDispatches {

	private static final byte[] NO_BODY = new byte[0];

	private final OutcomeSettler settler;

	private final LeaseKeeper leases;

	private final ResponseReplayer replayer;

	private final ServerErrorMode onServerError;

	private final int maxResponseBody;

	private final @Nullable TransactionalCompletion transactional;

	/**
	 * @param transactional runs the handler and stores its answer in one transaction, or {@code null} to
	 * store answers on their own
	 */
	public ExecutionDispatches(OutcomeSettler settler, LeaseKeeper leases, ResponseReplayer replayer,
			ServerErrorMode onServerError, int maxResponseBody, @Nullable TransactionalCompletion transactional) {
		this.settler = settler;
		this.leases = leases;
		this.replayer = replayer;
		this.onServerError = onServerError;
		this.maxResponseBody = maxResponseBody;
		this.transactional = transactional;
	}

	/** Runs the handler of an execution that was just claimed, on its request's first dispatch. */
	public void start(Execution execution, HttpServletRequest request, FilterChain chain)
			throws ServletException, IOException {
		execution.attachTo(request);
		this.leases.keep(execution);
		if (this.transactional == null) {
			run(execution, request, execution.response, chain);
		}
		else if (this.transactional.run(this, execution, request, chain)) {
			watchAsync(execution, request);
		}
	}

	/** A later dispatch (async, error, forward, include) of a request that claimed a key. */
	public void dispatch(Execution execution, HttpServletRequest request, HttpServletResponse response,
			FilterChain chain) throws ServletException, IOException {
		DispatcherType type = request.getDispatcherType();
		if (type == DispatcherType.ASYNC) {
			run(execution, request, response, chain);
		}
		else if ((type == DispatcherType.ERROR || type == DispatcherType.FORWARD) && execution.awaitingErrorPage
				&& !execution.isSettled()) {
			captureErrorPage(execution, request, response, chain);
		}
		else {
			chain.doFilter(request, response);
		}
	}

	/**
	 * The request is over ({@code ServletRequestListener#requestDestroyed}, or the completion of its async
	 * processing): an error whose page never passed through the filter is stored as sent, and any other
	 * unsettled outcome is left unknown.
	 */
	public void requestEnded(Execution execution) {
		if (execution.isSettled()) {
			return;
		}
		if (execution.awaitingErrorPage) {
			storeSentError(execution);
		}
		else {
			this.settler.leaveUnknown(execution, "the request ended without a final dispatch");
		}
	}

	/** Whether this instance is still trying to store the outcome of this record; see {@link OutcomeSettler}. */
	public boolean isSettling(String recordId) {
		return this.settler.isSettling(recordId);
	}

	/** Frees, in the background, the key of a claim whose answer was lost; see {@link OutcomeSettler}. */
	public void releaseUnansweredClaim(String recordId, String owner) {
		this.settler.releaseUnansweredClaim(recordId, owner);
	}

	/** Stops keeping leases and retrying settlements. */
	public void close() {
		this.settler.close();
		this.leases.close();
	}

	private void run(Execution execution, HttpServletRequest request, HttpServletResponse response,
			FilterChain chain) throws ServletException, IOException {
		try {
			chain.doFilter(request, response);
		}
		catch (IOException | ServletException | RuntimeException | Error ex) {
			handlerFailed(execution, request, ex);
			throw ex;
		}
		if (request.isAsyncStarted()) {
			watchAsync(execution, request);
			return;
		}
		dispatchEnded(execution, request);
	}

	void handlerFailed(Execution execution, HttpServletRequest request, Throwable ex) {
		if (execution.asyncFailed) {
			this.settler.leaveUnknown(execution, "an async cycle timed out or failed, and then the handler threw " + ex);
		}
		else if (!handlerInvoked(execution, request)) {
			this.settler.release(execution, "the request failed before the handler method ran: " + ex);
		}
		else if (this.onServerError == ServerErrorMode.STORE) {
			awaitErrorPage(execution, request);
		}
		else {
			this.settler.release(execution, "the handler threw " + ex.getClass().getName());
		}
	}

	private void dispatchEnded(Execution execution, HttpServletRequest request) throws IOException {
		Decision decision = decide(execution, request);
		if (decision.kind() == Decision.Kind.AWAIT_ERROR_PAGE) {
			awaitErrorPage(execution, request);
			return;
		}
		settle(execution, decision);
		execution.response.copyBodyToResponse();
	}

	private void settle(Execution execution, Decision decision) {
		switch (decision.kind()) {
			case UNKNOWN -> this.settler.leaveUnknown(execution, decision.reason());
			case RELEASE -> this.settler.release(execution, decision.reason());
			case COMPLETE -> this.settler.complete(execution, decision.record());
			case AWAIT_ERROR_PAGE -> throw new IllegalStateException("An error page is not an outcome");
		}
	}

	/** What the end of the handler's dispatch asks for, by the rules of {@code docs/semantics.md} §7. */
	Decision decide(Execution execution, HttpServletRequest request) throws IOException {
		CapturingResponseWrapper response = execution.response;
		if (execution.asyncFailed) {
			return Decision.unknown("the async request timed out or failed while the handler may still run");
		}
		if (!handlerInvoked(execution, request)) {
			return Decision.release("status " + response.getStatus() + " was answered before the handler method ran");
		}
		if (response.isErrorSent()) {
			return (response.getErrorStatus() >= 500 && this.onServerError == ServerErrorMode.RELEASE)
					? Decision.release("the handler sent error " + response.getErrorStatus()) : Decision.AWAIT_ERROR_PAGE;
		}
		return answer(execution, response);
	}

	/** The sent error of the handler's dispatch as a record, without waiting for its page. */
	CompletedRecord sentErrorRecord(Execution execution) {
		CapturingResponseWrapper response = execution.response;
		return CompletedRecord.sentError(execution.claimed.fingerprint(), execution.claimed.createdAt(), Instant.now(),
				response.getErrorStatus(), response.getErrorMessage(), this.replayer.captureHeadersOfSentError(response));
	}

	private void awaitErrorPage(Execution execution, HttpServletRequest request) {
		execution.awaitingErrorPage = true;
		if (!ExecutionRequestListener.isActive(request)) {
			storeSentError(execution);
		}
	}

	private void captureErrorPage(Execution execution, HttpServletRequest request, HttpServletResponse response,
			FilterChain chain) throws ServletException, IOException {
		CapturingResponseWrapper page = new CapturingResponseWrapper(response, request, this.maxResponseBody);
		try {
			chain.doFilter(request, page);
		}
		catch (IOException | ServletException | RuntimeException | Error ex) {
			this.settler.leaveUnknown(execution, "the error page failed: " + ex);
			throw ex;
		}
		settle(execution, answer(execution, page));
		page.copyBodyToResponse();
	}

	private Decision answer(Execution execution, CapturingResponseWrapper response) throws IOException {
		int status = response.getStatus();
		if (status >= 500 && this.onServerError == ServerErrorMode.RELEASE) {
			return Decision.release("the handler answered " + status);
		}
		boolean replayable = response.isReplayable();
		return Decision.complete(new CompletedRecord(execution.claimed.fingerprint(), execution.claimed.createdAt(),
				Instant.now(), status, this.replayer.captureHeaders(response), replayable ? response.body() : NO_BODY,
				replayable));
	}

	private void storeSentError(Execution execution) {
		this.settler.complete(execution, sentErrorRecord(execution));
	}

	private static boolean handlerInvoked(Execution execution, HttpServletRequest request) {
		return !execution.invocationTracked || HandlerInvocationMarker.wasInvoked(request);
	}

	OutcomeSettler settler() {
		return this.settler;
	}

	private void watchAsync(Execution execution, HttpServletRequest request) {
		if (!execution.watchingAsync) {
			execution.watchingAsync = true;
			request.getAsyncContext().addListener(new AsyncCycles(execution));
		}
	}

	/** Follows every async cycle of the request: the container drops a listener at each new one. */
	private final class AsyncCycles implements AsyncListener {

		private final Execution execution;

		AsyncCycles(Execution execution) {
			this.execution = execution;
		}

		@Override
		public void onStartAsync(AsyncEvent event) {
			event.getAsyncContext().addListener(this);
		}

		@Override
		public void onTimeout(AsyncEvent event) {
			this.execution.asyncFailed = true;
		}

		@Override
		public void onError(AsyncEvent event) {
			this.execution.asyncFailed = true;
		}

		@Override
		public void onComplete(AsyncEvent event) {
			requestEnded(this.execution);
		}

	}

}
