package dev.idempotency;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;

import org.springframework.web.filter.OncePerRequestFilter;

import dev.idempotency.fingerprint.RequestFingerprinter;
import dev.idempotency.handler.IdempotentHandler;
import dev.idempotency.handler.IdempotentHandlerResolver;
import dev.idempotency.key.BusinessKeySource;
import dev.idempotency.key.IdempotencyKeyParser;
import dev.idempotency.key.InvalidIdempotencyKeyException;
import dev.idempotency.key.RecordIds;
import dev.idempotency.scope.IdempotencyScopeResolver;
import dev.idempotency.store.ClaimResult;
import dev.idempotency.store.CompletedRecord;
import dev.idempotency.store.IdempotencyRecord;
import dev.idempotency.store.IdempotencyStore;
import dev.idempotency.store.InProgressRecord;
import dev.idempotency.web.CapturingResponseWrapper;
import dev.idempotency.web.IdempotencyProblem;
import dev.idempotency.web.ProblemResponses;
import dev.idempotency.web.RequestBodies;
import dev.idempotency.web.ResponseReplayer;

/**
 * Runs an {@link Idempotent} handler once per key and replays its answer to every retry
 * ({@code docs/semantics.md} states the full contract). Requests whose handler is not idempotent pass
 * through untouched: no store call, no buffering. For the others the filter parses the key, claims it in
 * the store in one atomic step, runs the handler while extending its lease, stores the answer, and only
 * then sends it. Async handlers are finished on their last async dispatch and answers rendered by the
 * container's error page on the error dispatch, like {@code ShallowEtagHeaderFilter} does.
 * <p>
 * It must run after the security filters, so the principal is known and a 401 never claims a key.
 */
public class IdempotencyFilter extends OncePerRequestFilter {

	private static final String EXECUTION_ATTRIBUTE = IdempotencyFilter.class.getName() + ".EXECUTION";

	private static final byte[] NO_BODY = new byte[0];

	private final IdempotencyStore store;

	private final IdempotentHandlerResolver handlerResolver;

	private final IdempotencyScopeResolver scopeResolver;

	private final IdempotencyObserver observer;

	private final String headerName;

	private final IdempotencyKeyParser keyParser;

	private final RequestFingerprinter fingerprinter;

	private final ResponseReplayer replayer;

	private final Duration lease;

	private final Duration retention;

	private final boolean leaseHeartbeat;

	private final Duration retryAfter;

	private final StoreFailureMode onStoreFailure;

	private final ServerErrorMode onServerError;

	private final int maxRequestBody;

	private final int maxResponseBody;

	private final int maxKeyLength;

	private volatile @Nullable ScheduledThreadPoolExecutor heartbeats;

	public IdempotencyFilter(IdempotencyStore store, IdempotentHandlerResolver handlerResolver,
			IdempotencyScopeResolver scopeResolver, IdempotencySettings settings, IdempotencyObserver observer) {
		this.store = store;
		this.handlerResolver = handlerResolver;
		this.scopeResolver = scopeResolver;
		this.observer = observer;
		this.headerName = settings.getHeaderName();
		this.keyParser = new IdempotencyKeyParser(settings.isLenientKeys(), settings.getMaxKeyLength());
		this.fingerprinter = new RequestFingerprinter(settings.getFingerprintedHeaders());
		ArrayList<String> replayed = new ArrayList<>(IdempotencySettings.DEFAULT_REPLAYED_HEADERS);
		replayed.addAll(settings.getReplayedHeaders());
		this.replayer = new ResponseReplayer(replayed, IdempotencySettings.NEVER_REPLAYED_HEADERS);
		this.lease = settings.getLease();
		this.retention = settings.getRetention();
		this.leaseHeartbeat = settings.isLeaseHeartbeat();
		this.retryAfter = settings.getRetryAfter();
		this.onStoreFailure = settings.getOnStoreFailure();
		this.onServerError = settings.getOnServerError();
		this.maxRequestBody = (int) settings.getMaxRequestBody().toBytes();
		this.maxResponseBody = (int) settings.getMaxResponseBody().toBytes();
		this.maxKeyLength = settings.getMaxKeyLength();
	}

	@Override
	protected boolean shouldNotFilterAsyncDispatch() {
		return false;
	}

	@Override
	protected boolean shouldNotFilterErrorDispatch() {
		return false;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		if (request.getAttribute(EXECUTION_ATTRIBUTE) instanceof Execution execution) {
			if (isAsyncDispatch(request)) {
				runHandler(execution, request, response, chain);
			}
			else if (request.getDispatcherType() == DispatcherType.ERROR && execution.awaitingErrorDispatch) {
				completeFromErrorDispatch(execution, request, response, chain);
			}
			else {
				chain.doFilter(request, response);
			}
			return;
		}
		IdempotentHandler handler = (request.getDispatcherType() == DispatcherType.REQUEST)
				? this.handlerResolver.resolve(request) : null;
		if (handler == null) {
			chain.doFilter(request, response);
			return;
		}
		handleIdempotent(handler, request, response, chain);
	}

	private void handleIdempotent(IdempotentHandler handler, HttpServletRequest request, HttpServletResponse response,
			FilterChain chain) throws ServletException, IOException {
		BusinessKeySource businessKey = handler.businessKey();
		String headerKey = null;
		if (businessKey == null || businessKey.headerFirst()) {
			try {
				headerKey = this.keyParser.parse(Collections.list(request.getHeaders(this.headerName)));
			}
			catch (InvalidIdempotencyKeyException ex) {
				reject(IdempotencyProblem.INVALID_KEY, ex.getMessage(), null, IdempotencyOutcome.INVALID_KEY, request,
						response);
				return;
			}
			if (headerKey == null && businessKey == null) {
				missingKey(handler, "This operation requires an " + this.headerName + " header.", request, response,
						chain);
				return;
			}
		}
		RequestBodies.Body body;
		try {
			body = RequestBodies.read(request, this.maxRequestBody);
		}
		catch (RequestBodies.TooLargeException ex) {
			reject(IdempotencyProblem.REQUEST_TOO_LARGE,
					"An idempotent request body may be at most " + this.maxRequestBody + " bytes.", null,
					IdempotencyOutcome.REQUEST_TOO_LARGE, request, response);
			return;
		}
		String method = request.getMethod();
		String scope = this.scopeResolver.resolveScope(request);
		String recordId;
		if (headerKey != null) {
			recordId = handler.tokenRequired() ? RecordIds.tokenRecordId(scope, headerKey)
					: RecordIds.recordId(scope, method, handler.route(), headerKey);
		}
		else {
			String value;
			try {
				value = businessKey.read(body.request(), handler.pathVariables(), body.bytes(), this.maxKeyLength);
			}
			catch (InvalidIdempotencyKeyException ex) {
				reject(IdempotencyProblem.INVALID_KEY, ex.getMessage(), null, IdempotencyOutcome.INVALID_KEY, request,
						response);
				return;
			}
			if (value == null) {
				missingKey(handler, "This operation requires its business key, " + businessKey.describe()
						+ (businessKey.headerFirst() ? ", or an " + this.headerName + " header." : "."),
						body.request(), response, chain);
				return;
			}
			recordId = RecordIds.businessKeyRecordId(scope, method, handler.route(), businessKey.id(), value);
		}
		String query = request.getQueryString();
		String target = (query != null) ? request.getRequestURI() + "?" + query : request.getRequestURI();
		String fingerprint = this.fingerprinter.fingerprint(method, handler.route(), target, request.getContentType(),
				body.bytes(), (name) -> Collections.list(request.getHeaders(name)));
		InProgressRecord claimed = new InProgressRecord(fingerprint, Instant.now());
		String owner = newOwnerToken();
		ClaimResult claim;
		boolean tokenClaim = handler.tokenRequired() && headerKey != null;
		try {
			claim = tokenClaim ? timed("claim", () -> this.store.claimToken(recordId, claimed, owner, this.lease))
					: timed("claim", () -> this.store.claim(recordId, claimed, owner, this.lease));
		}
		catch (UnsupportedOperationException ex) {
			throw new IllegalStateException("The idempotency store has no one-time tokens", ex);
		}
		catch (RuntimeException ex) {
			storeFailed(recordId, ex, body.request(), response, chain);
			return;
		}
		if (claim.tokenUnknown()) {
			reject(IdempotencyProblem.INVALID_TOKEN, "This operation requires a one-time token issued to you by the"
					+ " token endpoint; this one is unknown, expired or was issued to someone else. Ask for a new one.",
					null, IdempotencyOutcome.INVALID_TOKEN, request, response);
			return;
		}
		IdempotencyRecord existing = claim.existing();
		if (existing != null) {
			String key = (headerKey == null) ? "business key (" + businessKey.describe() + ")"
					: handler.tokenRequired() ? "one-time token" : "idempotency key";
			answerExisting(existing, key, fingerprint, request, response);
			return;
		}
		Duration recordRetention = (handler.retention() != null) ? handler.retention() : this.retention;
		Execution execution = new Execution(recordId, owner, claimed, recordRetention,
				new CapturingResponseWrapper(response, request, this.maxResponseBody));
		request.setAttribute(EXECUTION_ATTRIBUTE, execution);
		startHeartbeat(execution);
		runHandler(execution, body.request(), execution.response, chain);
	}

	private void missingKey(IdempotentHandler handler, String detail, HttpServletRequest request,
			HttpServletResponse response, FilterChain chain) throws ServletException, IOException {
		if (handler.required()) {
			reject(IdempotencyProblem.MISSING_KEY, detail, null, IdempotencyOutcome.INVALID_KEY, request, response);
		}
		else {
			chain.doFilter(request, response);
		}
	}

	private void answerExisting(IdempotencyRecord existing, String key, String fingerprint, HttpServletRequest request,
			HttpServletResponse response) throws IOException {
		if (existing instanceof CompletedRecord completed) {
			if (!RequestFingerprinter.matches(completed.fingerprint(), fingerprint)) {
				reject(IdempotencyProblem.KEY_REUSED,
						"This " + key + " was already used with a different request.", null,
						IdempotencyOutcome.MISMATCH, request, response);
			}
			else if (!completed.replayable()) {
				reject(IdempotencyProblem.NOT_REPLAYABLE, "The request with this " + key + " completed with status "
						+ completed.status() + ", but its answer was streamed or too large to keep. It will not run again.",
						null, IdempotencyOutcome.NOT_REPLAYABLE, request, response);
			}
			else {
				this.observer.onOutcome(IdempotencyOutcome.REPLAYED);
				this.replayer.replay(completed, response);
			}
			return;
		}
		reject(IdempotencyProblem.IN_PROGRESS, "A request with this " + key + " is still being processed.",
				this.retryAfter, IdempotencyOutcome.CONFLICT, request, response);
	}

	private void storeFailed(String recordId, RuntimeException ex, HttpServletRequest request,
			HttpServletResponse response, FilterChain chain) throws ServletException, IOException {
		if (this.onStoreFailure == StoreFailureMode.PROCEED) {
			logger.warn("Idempotency store failed for record " + RecordIds.logId(recordId)
					+ "; running the handler WITHOUT idempotency (on-store-failure=proceed): " + ex.getMessage());
			this.observer.onOutcome(IdempotencyOutcome.PROCEEDED_WITHOUT_STORE);
			chain.doFilter(request, response);
			return;
		}
		logger.warn("Idempotency store failed for record " + RecordIds.logId(recordId) + "; answering 503: "
				+ ex.getMessage());
		reject(IdempotencyProblem.STORE_UNAVAILABLE,
				"The idempotency store is unavailable; the request was not processed.", this.retryAfter,
				IdempotencyOutcome.STORE_UNAVAILABLE, request, response);
	}

	private void runHandler(Execution execution, HttpServletRequest request, HttpServletResponse response,
			FilterChain chain) throws ServletException, IOException {
		try {
			chain.doFilter(request, response);
		}
		catch (IOException | ServletException | RuntimeException | Error ex) {
			handlerFailed(execution, ex);
			throw ex;
		}
		if (request.isAsyncStarted()) {
			watchAsync(execution, request);
			return;
		}
		finish(execution);
	}

	private void handlerFailed(Execution execution, Throwable ex) {
		stopHeartbeat(execution);
		if (this.onServerError == ServerErrorMode.STORE) {
			execution.awaitingErrorDispatch = true;
			return;
		}
		release(execution, "the handler threw " + ex.getClass().getName());
	}

	private void finish(Execution execution) throws IOException {
		stopHeartbeat(execution);
		CapturingResponseWrapper response = execution.response;
		if (execution.asyncTimedOut) {
			unknownOutcome(execution, "the async request timed out or failed while the handler may still run");
			response.copyBodyToResponse();
			return;
		}
		if (response.isErrorSent()) {
			if (response.getStatus() >= 500 && this.onServerError == ServerErrorMode.RELEASE) {
				release(execution, "the handler sent error " + response.getStatus());
			}
			else {
				execution.awaitingErrorDispatch = true;
			}
			return;
		}
		complete(execution, response);
	}

	private void completeFromErrorDispatch(Execution execution, HttpServletRequest request,
			HttpServletResponse response, FilterChain chain) throws ServletException, IOException {
		execution.awaitingErrorDispatch = false;
		CapturingResponseWrapper errorResponse = new CapturingResponseWrapper(response, request, this.maxResponseBody);
		try {
			chain.doFilter(request, errorResponse);
		}
		catch (IOException | ServletException | RuntimeException | Error ex) {
			unknownOutcome(execution, "the error page failed: " + ex);
			throw ex;
		}
		complete(execution, errorResponse);
	}

	private void complete(Execution execution, CapturingResponseWrapper response) throws IOException {
		int status = response.getStatus();
		if (status >= 500 && this.onServerError == ServerErrorMode.RELEASE) {
			release(execution, "the handler answered " + status);
			response.copyBodyToResponse();
			return;
		}
		boolean replayable = response.isReplayable();
		CompletedRecord record = new CompletedRecord(execution.claimed.fingerprint(), execution.claimed.createdAt(),
				Instant.now(), status, this.replayer.captureHeaders(response), replayable ? response.body() : NO_BODY,
				replayable);
		execution.finished = true;
		try {
			if (timed("complete", () -> this.store.complete(execution.recordId, execution.owner, record, execution.retention)).isStored()) {
				this.observer.onOutcome(IdempotencyOutcome.EXECUTED);
			}
			else {
				unknownOutcome(execution, "its lease had expired before the answer could be stored");
			}
		}
		catch (RuntimeException ex) {
			unknownOutcome(execution, "storing the answer failed: " + ex.getMessage());
		}
		response.copyBodyToResponse();
	}

	private void release(Execution execution, String reason) {
		execution.finished = true;
		try {
			if (timed("release", () -> this.store.release(execution.recordId, execution.owner))) {
				this.observer.onOutcome(IdempotencyOutcome.RELEASED);
				if (logger.isDebugEnabled()) {
					logger.debug("Released record " + RecordIds.logId(execution.recordId) + ": " + reason);
				}
			}
			else {
				unknownOutcome(execution, "its lease had expired before it could be released (" + reason + ")");
			}
		}
		catch (RuntimeException ex) {
			unknownOutcome(execution, "releasing it failed (" + reason + "): " + ex.getMessage());
		}
	}

	private <T> T timed(String operation, Supplier<T> call) {
		if (this.observer == IdempotencyObserver.NONE) {
			return call.get();
		}
		long start = System.nanoTime();
		boolean failed = true;
		try {
			T result = call.get();
			failed = false;
			return result;
		}
		finally {
			this.observer.onStoreCall(operation, System.nanoTime() - start, failed);
		}
	}

	private void unknownOutcome(Execution execution, String reason) {
		execution.finished = true;
		logger.warn("Outcome unknown for record " + RecordIds.logId(execution.recordId) + ": " + reason
				+ ". Its lease is kept; retries get 409 until it expires.");
		this.observer.onOutcome(IdempotencyOutcome.UNKNOWN_OUTCOME);
	}

	private void reject(IdempotencyProblem problem, String detail, @Nullable Duration retryAfter,
			IdempotencyOutcome outcome, HttpServletRequest request, HttpServletResponse response) throws IOException {
		this.observer.onOutcome(outcome);
		ProblemResponses.write(response, problem, detail, retryAfter, request.getRequestURI());
	}

	private void watchAsync(Execution execution, HttpServletRequest request) {
		if (execution.watchingAsync) {
			return;
		}
		execution.watchingAsync = true;
		request.getAsyncContext().addListener(new AsyncListener() {

			@Override
			public void onTimeout(AsyncEvent event) {
				execution.asyncTimedOut = true;
			}

			@Override
			public void onError(AsyncEvent event) {
				execution.asyncTimedOut = true;
			}

			@Override
			public void onComplete(AsyncEvent event) {
				stopHeartbeat(execution);
				if (!execution.finished && !execution.awaitingErrorDispatch) {
					unknownOutcome(execution, "the async request completed without a final dispatch");
				}
			}

			@Override
			public void onStartAsync(AsyncEvent event) {
			}

		});
	}

	private void startHeartbeat(Execution execution) {
		if (!this.leaseHeartbeat) {
			return;
		}
		long period = Math.max(1, this.lease.toMillis() / 3);
		execution.heartbeat = heartbeats().scheduleAtFixedRate(() -> extendLease(execution), period, period,
				TimeUnit.MILLISECONDS);
	}

	private void extendLease(Execution execution) {
		try {
			if (timed("extend_lease", () -> this.store.extendLease(execution.recordId, execution.owner, this.lease))) {
				this.observer.onLeaseExtended();
			}
			else {
				logger.warn("Lease of record " + RecordIds.logId(execution.recordId)
						+ " was lost while the handler ran; a retry may run it again");
				stopHeartbeat(execution);
			}
		}
		catch (RuntimeException ex) {
			logger.warn("Extending the lease of record " + RecordIds.logId(execution.recordId) + " failed: "
					+ ex.getMessage());
		}
	}

	private void stopHeartbeat(Execution execution) {
		ScheduledFuture<?> heartbeat = execution.heartbeat;
		if (heartbeat != null) {
			heartbeat.cancel(false);
			execution.heartbeat = null;
		}
	}

	private ScheduledThreadPoolExecutor heartbeats() {
		ScheduledThreadPoolExecutor executor = this.heartbeats;
		if (executor == null) {
			synchronized (this) {
				executor = this.heartbeats;
				if (executor == null) {
					executor = new ScheduledThreadPoolExecutor(1, (task) -> {
						Thread thread = new Thread(task, "idempotency-lease-heartbeat");
						thread.setDaemon(true);
						return thread;
					});
					executor.setRemoveOnCancelPolicy(true);
					this.heartbeats = executor;
				}
			}
		}
		return executor;
	}

	@Override
	public void destroy() {
		ScheduledThreadPoolExecutor executor = this.heartbeats;
		if (executor != null) {
			executor.shutdownNow();
		}
	}

	private static String newOwnerToken() {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		byte[] token = new byte[16];
		random.nextBytes(token);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(token);
	}

	/** One claimed execution, carried across the dispatches of its request. */
	private static final class Execution {

		final String recordId;

		final String owner;

		final InProgressRecord claimed;

		final Duration retention;

		final CapturingResponseWrapper response;

		volatile @Nullable ScheduledFuture<?> heartbeat;

		volatile boolean watchingAsync;

		volatile boolean asyncTimedOut;

		volatile boolean awaitingErrorDispatch;

		volatile boolean finished;

		Execution(String recordId, String owner, InProgressRecord claimed, Duration retention,
				CapturingResponseWrapper response) {
			this.recordId = recordId;
			this.owner = owner;
			this.claimed = claimed;
			this.retention = retention;
			this.response = response;
		}

	}

}
