package dev.idempotency.execution;

import java.io.IOException;
import java.time.Duration;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.TransactionStatus;
import org.springframework.transaction.support.TransactionTemplate;

import dev.idempotency.store.CompletionResult;
import dev.idempotency.web.IdempotencyProblem;
import dev.idempotency.web.ProblemResponses;

/**
 * Transactional completion: runs an idempotent handler's request dispatch in a transaction of the
 * application's transaction manager, which the handler's {@code @Transactional} work joins, and stores the
 * answer in that same transaction before it commits, with a store whose {@code complete} takes part in it
 * (the JDBC store on the same {@code DataSource}). The claim has committed on its own before; the client
 * gets the answer after the commit. So, whenever the process dies, either the business change and its
 * record both committed (a retry replays) or neither did (a retry runs once, after the lease). An answer
 * that is not to be stored (5xx, an exception, an answer given before the handler method ran), and a
 * completion that finds the key taken over or cannot be written, roll the transaction back. When the
 * handler's own work marked the transaction rollback-only (a {@code @Transactional} method that threw an
 * exception its caller turned into a 4xx answer), nothing of it commits, and the answer is stored on its own
 * after the rollback.
 * <p>
 * Not covered: work outside that transaction (other services, {@code REQUIRES_NEW}, another
 * {@code DataSource}); async handlers, whose request-thread part commits when the dispatch ends and whose
 * answer is stored afterwards on its own; an error page rendered later (its error is stored as sent).
 */
public final class TransactionalCompletion {

	private final TransactionTemplate transactions;

	private final Duration retryAfter;

	public TransactionalCompletion(PlatformTransactionManager transactionManager, Duration retryAfter) {
		this.transactions = new TransactionTemplate(transactionManager);
		this.transactions.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRED);
		this.retryAfter = retryAfter;
	}

	/**
	 * Runs the handler's request dispatch and settles its outcome in one transaction.
	 * @return whether the handler started async processing, whose outcome is then settled later, outside
	 */
	boolean run(ExecutionDispatches dispatches, Execution execution, HttpServletRequest request, FilterChain chain)
			throws IOException, ServletException {
		AfterTransaction[] after = new AfterTransaction[1];
		try {
			this.transactions.executeWithoutResult((status) -> {
				try {
					chain.doFilter(request, execution.response);
				}
				catch (IOException | ServletException ex) {
					throw new HandlerFailure(ex);
				}
				after[0] = request.isAsyncStarted() ? AfterTransaction.ASYNC : settle(dispatches, execution, request, status);
			});
		}
		catch (HandlerFailure failure) {
			dispatches.handlerFailed(execution, request, failure.getCause());
			throw failure.rethrow();
		}
		catch (RuntimeException | Error ex) {
			if (after[0] == null) {
				dispatches.handlerFailed(execution, request, ex);
				throw ex;
			}
			dispatches.settler().unknownAfterSettled(execution, "the transaction of its answer failed to end: " + ex);
			answer(execution, request, IdempotencyProblem.STORE_UNAVAILABLE, "The outcome of this request is not"
					+ " known. Retry it with the same key: you will get its answer, or it will run once.");
			return false;
		}
		return after[0].apply();
	}

	private AfterTransaction settle(ExecutionDispatches dispatches, Execution execution, HttpServletRequest request,
			TransactionStatus status) {
		Decision decision;
		try {
			decision = dispatches.decide(execution, request);
		}
		catch (IOException ex) {
			throw new HandlerFailure(ex);
		}
		OutcomeSettler settler = dispatches.settler();
		if (decision.kind() == Decision.Kind.RELEASE || decision.kind() == Decision.Kind.UNKNOWN) {
			status.setRollbackOnly();
			return () -> {
				settler.release(execution, decision.reason() + "; its transaction was rolled back");
				execution.response.copyBodyToResponse();
				return false;
			};
		}
		boolean sentError = decision.kind() == Decision.Kind.AWAIT_ERROR_PAGE;
		if (status.isRollbackOnly()) {
			status.setRollbackOnly();
			return () -> {
				settler.complete(execution, sentError ? dispatches.sentErrorRecord(execution) : decision.record());
				execution.response.copyBodyToResponse();
				return false;
			};
		}
		CompletionResult result;
		try {
			result = settler.completeInTransaction(execution,
					sentError ? dispatches.sentErrorRecord(execution) : decision.record());
		}
		catch (RuntimeException ex) {
			status.setRollbackOnly();
			return () -> {
				settler.releaseAfterRollback(execution, "storing the answer failed, its transaction was rolled back: "
						+ ex.getMessage());
				answer(execution, request, IdempotencyProblem.STORE_UNAVAILABLE,
						"The idempotency store is unavailable; the request was not processed.");
				return false;
			};
		}
		if (!result.isStored()) {
			status.setRollbackOnly();
			return () -> {
				settler.reportLeaseLost(execution, "its transaction was rolled back, so this execution changed nothing");
				answer(execution, request, IdempotencyProblem.IN_PROGRESS,
						"A request with this key is still being processed.");
				return false;
			};
		}
		return () -> {
			settler.reportStored(execution, result);
			execution.response.copyBodyToResponse();
			return false;
		};
	}

	/** Replaces the handler's answer, held back and not committed, with a problem of the filter's own. */
	private void answer(Execution execution, HttpServletRequest request, IdempotencyProblem problem, String detail)
			throws IOException {
		HttpServletResponse response = (HttpServletResponse) execution.response.getResponse();
		if (response.isCommitted()) {
			return;
		}
		execution.response.reset();
		execution.cors.apply(request, response);
		ProblemResponses.write(response, problem, detail, this.retryAfter, request.getRequestURI());
	}

	/** What is left to do once the transaction has ended; returns whether async processing started. */
	@FunctionalInterface
	private interface AfterTransaction {

		AfterTransaction ASYNC = () -> true;

		boolean apply() throws IOException;

	}

	/** Carries a checked exception of the handler's dispatch through the transaction callback. */
	private static final class HandlerFailure extends RuntimeException {

		HandlerFailure(Exception cause) {
			super(cause);
		}

		ServletException rethrow() throws IOException {
			if (getCause() instanceof IOException io) {
				throw io;
			}
			return (ServletException) getCause();
		}

	}

}
