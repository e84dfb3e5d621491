package dev.idempotency.execution;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.idempotency.IdempotencyOutcome;
import dev.idempotency.key.RecordIds;
import dev.idempotency.store.CompletedRecord;
import dev.idempotency.store.CompletionResult;

/**
 * Settles the outcome of an execution in the store, once: the answer is stored (complete), the record
 * released, or the outcome left unknown with the lease running out. A complete or release that fails on
 * a store error is tried again in the background, with the lease kept alive meanwhile, until it lands or
 * the retry budget is spent; the caller waits for the first attempt only. While it waits, this instance
 * answers requests for the key itself ({@link #isSettling}), so that a retry reaching it first cannot take
 * the key over. Completion and release are owner-fenced and safe to send again.
 */
public final class OutcomeSettler implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(OutcomeSettler.class);

	private static final long FIRST_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

	private static final long MAX_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(1);

	private static final Duration SHUTDOWN_DEADLINE = Duration.ofSeconds(5);

	private final ObservedStore store;

	private final LeaseKeeper leases;

	private final long retryBudgetNanos;

	private final Map<String, Settlement> waiting = new ConcurrentHashMap<>();

	private volatile @Nullable ScheduledThreadPoolExecutor retries;

	/** @param retryBudget how long a failed complete or release is tried again; zero for never */
	public OutcomeSettler(ObservedStore store, LeaseKeeper leases, Duration retryBudget) {
		this.store = store;
		this.leases = leases;
		this.retryBudgetNanos = retryBudget.toNanos();
	}

	/** Stores the answer; returns once the first attempt has. */
	void complete(Execution execution, CompletedRecord record) {
		if (execution.markSettled()) {
			attempt(new Settlement(execution, execution.recordId, execution.owner, record, null), 1, System.nanoTime());
		}
	}

	/** Releases the record so the next request with its key runs again; returns once the first attempt has. */
	void release(Execution execution, String reason) {
		if (execution.markSettled()) {
			attempt(new Settlement(execution, execution.recordId, execution.owner, null, reason), 1, System.nanoTime());
		}
	}

	/**
	 * Stores the answer in the transaction active on this thread (transactional completion): no retry, a
	 * store failure is thrown to roll the transaction back. Report the outcome with {@link #reportStored}
	 * or {@link #reportLeaseLost} once the transaction has ended.
	 */
	CompletionResult completeInTransaction(Execution execution, CompletedRecord record) {
		execution.markSettled();
		this.leases.stop(execution);
		return this.store.complete(execution.recordId, execution.owner, record, execution.retention);
	}

	void reportStored(Execution execution, CompletionResult result) {
		if (result == CompletionResult.STORED_AFTER_LEASE_EXPIRED) {
			logger.info("Stored the answer of record " + execution.logId() + " after its lease had expired (nobody"
					+ " else held the key)");
		}
		this.store.observer().onOutcome(IdempotencyOutcome.EXECUTED);
	}

	void reportLeaseLost(Execution execution, String consequence) {
		logger.warn("Lease of record " + execution.logId() + " was taken over by another execution before its"
				+ " answer could be stored; " + consequence);
		this.store.observer().onOutcome(IdempotencyOutcome.LEASE_LOST);
	}

	/** Releases the key of an execution whose transaction was rolled back after its completion failed. */
	void releaseAfterRollback(Execution execution, String reason) {
		attempt(new Settlement(execution, execution.recordId, execution.owner, null, reason), 1, System.nanoTime());
	}

	/** Reports an outcome left unknown after the execution was marked settled. */
	void unknownAfterSettled(Execution execution, String reason) {
		unknown(execution, reason);
	}

	/** Leaves the record in progress: retries get 409 until its lease expires. */
	void leaveUnknown(Execution execution, String reason) {
		if (execution.markSettled()) {
			unknown(execution, reason);
		}
	}

	/**
	 * Releases, in the background, a claim whose answer was lost with the store connection: it may have
	 * landed all the same and would hold the key for a lease. Releasing a record that is not there, or
	 * that another owner holds, changes nothing.
	 */
	public void releaseUnansweredClaim(String recordId, String owner) {
		retryLater(new Settlement(null, recordId, owner, null, "its claim went unanswered"), 0, System.nanoTime(), null);
	}

	/** Whether an answer or release for this record is still waiting to reach the store. */
	public boolean isSettling(String recordId) {
		return !this.waiting.isEmpty() && this.waiting.containsKey(recordId);
	}

	private void attempt(Settlement settlement, int attempt, long startNanos) {
		CompletionResult result;
		try {
			result = settlement.isCompletion()
					? this.store.complete(settlement.recordId, settlement.owner, settlement.record,
							settlement.execution.retention)
					: this.store.release(settlement.recordId, settlement.owner) ? CompletionResult.STORED
							: CompletionResult.LEASE_TAKEN_OVER;
		}
		catch (RuntimeException ex) {
			retryLater(settlement, attempt, startNanos, ex);
			return;
		}
		this.waiting.remove(settlement.recordId, settlement);
		Execution execution = settlement.execution;
		if (execution == null) {
			return;
		}
		this.leases.stop(execution);
		boolean afterLeaseExpired = (result == CompletionResult.STORED_AFTER_LEASE_EXPIRED);
		if (attempt > 1 || afterLeaseExpired) {
			logger.info(settlement.what() + " of record " + execution.logId() + " landed at attempt " + attempt
					+ ", after " + Duration.ofNanos(System.nanoTime() - startNanos).toMillis() + " ms"
					+ (afterLeaseExpired ? ", after its lease had expired (nobody else held the key)" : ""));
		}
		if (!result.isStored()) {
			logger.warn("Outcome of record " + execution.logId() + " not settled: another execution took the key"
					+ " over after this one's lease expired, so the handler may have run twice for it"
					+ (settlement.isCompletion() ? "" : " (" + settlement.reason + ")"));
			this.store.observer().onOutcome(IdempotencyOutcome.LEASE_LOST);
		}
		else if (settlement.isCompletion()) {
			this.store.observer().onOutcome(IdempotencyOutcome.EXECUTED);
		}
		else {
			this.store.observer().onOutcome(IdempotencyOutcome.RELEASED);
			if (logger.isDebugEnabled()) {
				logger.debug("Released record " + execution.logId() + ": " + settlement.reason);
			}
		}
	}

	private void retryLater(Settlement settlement, int attempt, long startNanos, @Nullable RuntimeException failure) {
		long backoff = Math.min(MAX_BACKOFF_NANOS, FIRST_BACKOFF_NANOS << Math.min(Math.max(attempt - 1, 0), 10));
		long elapsed = System.nanoTime() - startNanos;
		String cause = (failure != null) ? failure.getMessage() : "no answer";
		if (elapsed + backoff > this.retryBudgetNanos) {
			gaveUp(settlement, settlement.what() + " failed " + attempt + " time(s) over "
					+ Duration.ofNanos(elapsed).toMillis() + " ms: " + cause);
			return;
		}
		if (attempt == 1 && settlement.execution != null) {
			this.waiting.put(settlement.recordId, settlement);
			logger.warn(settlement.what() + " of record " + settlement.execution.logId() + " failed (" + cause
					+ "); trying again for up to " + Duration.ofNanos(this.retryBudgetNanos).toSeconds() + " s"
					+ (this.leases.keeps(settlement.execution) ? " while keeping its lease" : ""));
		}
		try {
			retries().schedule(() -> attempt(settlement, attempt + 1, startNanos), backoff, TimeUnit.NANOSECONDS);
		}
		catch (RejectedExecutionException ex) {
			gaveUp(settlement, settlement.what() + " failed and no retry could be scheduled (shutting down): " + cause);
		}
	}

	private void gaveUp(Settlement settlement, String reason) {
		this.waiting.remove(settlement.recordId, settlement);
		if (settlement.execution != null) {
			unknown(settlement.execution, reason);
		}
		else if (logger.isDebugEnabled()) {
			logger.debug("Gave up releasing record " + RecordIds.logId(settlement.recordId) + ": " + reason);
		}
	}

	private void unknown(Execution execution, String reason) {
		this.leases.stop(execution);
		logger.warn("Outcome unknown for record " + execution.logId() + ": " + reason
				+ ". Its lease is kept; retries get 409 until it expires.");
		this.store.observer().onOutcome(IdempotencyOutcome.UNKNOWN_OUTCOME);
	}

	private ScheduledThreadPoolExecutor retries() {
		ScheduledThreadPoolExecutor executor = this.retries;
		if (executor == null) {
			synchronized (this) {
				executor = this.retries;
				if (executor == null) {
					executor = new ScheduledThreadPoolExecutor(2, (task) -> {
						Thread thread = new Thread(task, "idempotency-settle-retry");
						thread.setDaemon(true);
						return thread;
					});
					executor.setRemoveOnCancelPolicy(true);
					this.retries = executor;
				}
			}
		}
		return executor;
	}

	/**
	 * Stops retrying. Settlements still waiting get one last attempt each, within a few seconds in all;
	 * those that do not land are logged as unknown outcomes.
	 */
	@Override
	public void close() {
		ScheduledThreadPoolExecutor executor = this.retries;
		if (executor == null) {
			return;
		}
		List<Runnable> waiting = executor.shutdownNow();
		long deadline = System.nanoTime() + SHUTDOWN_DEADLINE.toNanos();
		int dropped = 0;
		for (Runnable retry : waiting) {
			if (System.nanoTime() - deadline < 0) {
				retry.run();
			}
			else {
				dropped++;
			}
		}
		if (dropped > 0) {
			logger.warn(dropped + " answer(s) or release(s) were still waiting for the store at shutdown and are"
					+ " left unknown: their keys get 409 until their leases expire");
		}
	}

	/**
	 * A complete (with its record) or a release (with its reason) of an execution, or the release of a
	 * claim whose answer was lost (no execution).
	 */
	private record Settlement(@Nullable Execution execution, String recordId, String owner,
			@Nullable CompletedRecord record, @Nullable String reason) {

		boolean isCompletion() {
			return this.record != null;
		}

		String what() {
			return isCompletion() ? "Storing the answer" : "Releasing the key";
		}

	}

}
