package dev.idempotency;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequestListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;

import org.springframework.web.filter.OncePerRequestFilter;

import dev.idempotency.execution.Execution;
import dev.idempotency.execution.ExecutionDispatches;
import dev.idempotency.execution.ExecutionRequestListener;
import dev.idempotency.execution.LeaseKeeper;
import dev.idempotency.execution.ObservedStore;
import dev.idempotency.execution.OutcomeSettler;
import dev.idempotency.execution.TransactionalCompletion;
import dev.idempotency.fingerprint.RequestFingerprinter;
import dev.idempotency.handler.CorsAnswers;
import dev.idempotency.handler.IdempotentHandler;
import dev.idempotency.handler.IdempotentHandlerResolver;
import dev.idempotency.key.RecordIds;
import dev.idempotency.request.IdempotentRequest;
import dev.idempotency.request.IdempotentRequestReader;
import dev.idempotency.request.Refusal;
import dev.idempotency.scope.IdempotencyScopeResolver;
import dev.idempotency.store.ClaimResult;
import dev.idempotency.store.CompletedRecord;
import dev.idempotency.store.IdempotencyRecord;
import dev.idempotency.store.IdempotencyStore;
import dev.idempotency.store.InProgressRecord;
import dev.idempotency.web.CapturingResponseWrapper;
import dev.idempotency.web.IdempotencyProblem;
import dev.idempotency.web.ProblemResponses;
import dev.idempotency.web.ResponseReplayer;

/**
 * Runs an {@link Idempotent} handler once per key and replays its answer to every retry
 * ({@code docs/semantics.md} states the full contract). Requests whose handler is not idempotent pass
 * through untouched: no store call, no buffering. For the others the filter reads the key
 * ({@link IdempotentRequestReader}), claims it in the store in one atomic step, answers an existing record
 * (replay, 409, 422), or runs the handler and settles its outcome ({@link ExecutionDispatches}) while the
 * lease is kept alive ({@link LeaseKeeper}).
 * <p>
 * It must run after the security filters, so the principal is known and a 401 never claims a key, and
 * on the async, error and forward dispatches as well; {@link #requestListener()} must be registered with
 * the container so that every claimed request is settled when it ends.
 */
public class IdempotencyFilter extends OncePerRequestFilter {

	private final ObservedStore store;

	private final IdempotentHandlerResolver handlerResolver;

	private final IdempotencyObserver observer;

	private final IdempotentRequestReader requests;

	private final ResponseReplayer replayer;

	private final ExecutionDispatches dispatches;

	private final Duration lease;

	private final Duration retryAfter;

	private final StoreFailureMode onStoreFailure;

	private final int maxResponseBody;

	private final boolean transactionalCompletion;

	public IdempotencyFilter(IdempotencyStore store, IdempotentHandlerResolver handlerResolver,
			IdempotencyScopeResolver scopeResolver, IdempotencySettings settings, IdempotencyObserver observer) {
		this(store, handlerResolver, scopeResolver, settings, observer, null);
	}

	/**
	 * A filter with transactional completion: the handler runs, and its answer is stored, in one
	 * transaction; the store's {@code complete} must take part in it ({@link TransactionalCompletion}).
	 */
	public IdempotencyFilter(IdempotencyStore store, IdempotentHandlerResolver handlerResolver,
			IdempotencyScopeResolver scopeResolver, IdempotencySettings settings, IdempotencyObserver observer,
			@Nullable TransactionalCompletion transactionalCompletion) {
		this.store = new ObservedStore(store, observer);
		this.handlerResolver = handlerResolver;
		this.observer = observer;
		this.requests = new IdempotentRequestReader(scopeResolver, settings);
		ArrayList<String> replayed = new ArrayList<>(IdempotencySettings.DEFAULT_REPLAYED_HEADERS);
		replayed.addAll(settings.getReplayedHeaders());
		this.replayer = new ResponseReplayer(replayed, IdempotencySettings.NEVER_REPLAYED_HEADERS);
		this.lease = settings.getLease();
		this.retryAfter = settings.getRetryAfter();
		this.onStoreFailure = settings.getOnStoreFailure();
		this.maxResponseBody = (int) settings.getMaxResponseBody().toBytes();
		this.transactionalCompletion = transactionalCompletion != null;
		LeaseKeeper leases = new LeaseKeeper(this.store, this.lease, settings.isLeaseHeartbeat());
		this.dispatches = new ExecutionDispatches(new OutcomeSettler(this.store, leases, settings.getStoreRetryBudget()),
				leases, this.replayer, settings.getOnServerError(), this.maxResponseBody, transactionalCompletion);
	}

	/** Whether idempotent handlers run with transactional completion. */
	public boolean isTransactionalCompletion() {
		return this.transactionalCompletion;
	}

	/** The listener that settles claimed requests when they end; register it with the servlet container. */
	public ServletRequestListener requestListener() {
		return new ExecutionRequestListener(this.dispatches);
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
		Execution execution = Execution.of(request);
		if (execution != null) {
			this.dispatches.dispatch(execution, request, response, chain);
			return;
		}
		IdempotentHandler handler = (request.getDispatcherType() == DispatcherType.REQUEST)
				? this.handlerResolver.resolve(request) : null;
		if (handler == null) {
			chain.doFilter(request, response);
			return;
		}
		if (!handler.cors().allows(request, response)) {
			chain.doFilter(request, response);
			return;
		}
		IdempotentRequest read = this.requests.read(handler, request);
		if (read instanceof IdempotentRequest.Refused refused) {
			reject(handler.cors(), refused.refusal(), request, response);
		}
		else if (read instanceof IdempotentRequest.Unkeyed unkeyed) {
			chain.doFilter(unkeyed.request(), response);
		}
		else {
			claimAndRun(handler, (IdempotentRequest.Keyed) read, request, response, chain);
		}
	}

	private void claimAndRun(IdempotentHandler handler, IdempotentRequest.Keyed keyed, HttpServletRequest request,
			HttpServletResponse response, FilterChain chain) throws ServletException, IOException {
		if (this.dispatches.isSettling(keyed.recordId())) {
			reject(handler.cors(), inProgress(keyed.keyKind()), request, response);
			return;
		}
		InProgressRecord claimed = new InProgressRecord(keyed.fingerprint(), Instant.now());
		String owner = newOwnerToken();
		ClaimResult claim;
		try {
			claim = this.store.claim(keyed.recordId(), claimed, owner, this.lease, keyed.tokenClaim());
		}
		catch (UnsupportedOperationException ex) {
			throw new IllegalStateException("The idempotency store has no one-time tokens", ex);
		}
		catch (RuntimeException ex) {
			this.dispatches.releaseUnansweredClaim(keyed.recordId(), owner);
			storeFailed(handler.cors(), keyed, ex, response, chain);
			return;
		}
		if (claim.tokenUnknown()) {
			reject(handler.cors(), new Refusal(IdempotencyProblem.INVALID_TOKEN, "This operation requires a one-time token issued to"
					+ " you by the token endpoint; this one is unknown, expired or was issued to someone else. Ask"
					+ " for a new one.", IdempotencyOutcome.INVALID_TOKEN), request, response);
			return;
		}
		IdempotencyRecord existing = claim.existing();
		if (existing != null) {
			answerExisting(handler.cors(), existing, keyed, request, response);
			return;
		}
		Execution execution = new Execution(keyed.recordId(), owner, claimed, keyed.retention(),
				new CapturingResponseWrapper(response, request, this.maxResponseBody), handler.invocationTracked(),
				handler.cors());
		this.dispatches.start(execution, keyed.request(), chain);
	}

	private void answerExisting(CorsAnswers cors, IdempotencyRecord existing, IdempotentRequest.Keyed keyed,
			HttpServletRequest request, HttpServletResponse response) throws IOException {
		String key = keyed.keyKind();
		if (!(existing instanceof CompletedRecord completed)) {
			reject(cors, inProgress(key), request, response);
		}
		else if (!RequestFingerprinter.matches(completed.fingerprint(), keyed.fingerprint())) {
			reject(cors, new Refusal(IdempotencyProblem.KEY_REUSED, "This " + key + " was already used with a different"
					+ " request.", IdempotencyOutcome.MISMATCH), request, response);
		}
		else if (!completed.replayable()) {
			reject(cors, new Refusal(IdempotencyProblem.NOT_REPLAYABLE, "The request with this " + key
					+ " completed with status " + completed.status() + ", but its answer was streamed or too large to"
					+ " keep. It will not run again.", IdempotencyOutcome.NOT_REPLAYABLE), request, response);
		}
		else {
			this.observer.onOutcome(IdempotencyOutcome.REPLAYED);
			cors.apply(request, response);
			this.replayer.replay(completed, response);
		}
	}

	private Refusal inProgress(String keyKind) {
		return new Refusal(IdempotencyProblem.IN_PROGRESS, "A request with this " + keyKind
				+ " is still being processed.", this.retryAfter, IdempotencyOutcome.CONFLICT);
	}

	private void storeFailed(CorsAnswers cors, IdempotentRequest.Keyed keyed, RuntimeException ex,
			HttpServletResponse response, FilterChain chain) throws ServletException, IOException {
		String record = RecordIds.logId(keyed.recordId());
		if (this.onStoreFailure == StoreFailureMode.PROCEED) {
			logger.warn("Idempotency store failed for record " + record
					+ "; running the handler WITHOUT idempotency (on-store-failure=proceed): " + ex.getMessage());
			this.observer.onOutcome(IdempotencyOutcome.PROCEEDED_WITHOUT_STORE);
			chain.doFilter(keyed.request(), response);
			return;
		}
		logger.warn("Idempotency store failed for record " + record + "; answering 503: " + ex.getMessage());
		reject(cors, new Refusal(IdempotencyProblem.STORE_UNAVAILABLE,
				"The idempotency store is unavailable; the request was not processed.", this.retryAfter,
				IdempotencyOutcome.STORE_UNAVAILABLE), keyed.request(), response);
	}

	private void reject(CorsAnswers cors, Refusal refusal, HttpServletRequest request, HttpServletResponse response)
			throws IOException {
		this.observer.onOutcome(refusal.outcome());
		cors.apply(request, response);
		ProblemResponses.write(response, refusal.problem(), refusal.detail(), refusal.retryAfter(),
				request.getRequestURI());
	}

	@Override
	public void destroy() {
		this.dispatches.close();
	}

	private static String newOwnerToken() {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		byte[] token = new byte[16];
		random.nextBytes(token);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(token);
	}

}
