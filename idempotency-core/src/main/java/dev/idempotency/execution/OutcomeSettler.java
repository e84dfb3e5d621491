package dev.idempotency.execution;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.idempotency.IdempotencyOutcome;
import dev.idempotency.store.CompletedRecord;
import dev.idempotency.store.CompletionResult;

/**
 * Settles the outcome of an execution in the store, once: the answer is stored (complete), the record
 * released, or the outcome left unknown with the lease running out. A complete or release that fails on
 * a store error is tried again in the background, with the lease kept alive meanwhile, until it lands or
 * the retry budget is spent; the caller waits for the first attempt only. Completion and release are
 * owner-fenced, so trying them again is safe.
 */
public final class OutcomeSettler implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(OutcomeSettler.class);

	private static final long FIRST_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

	private static final long MAX_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(1);

	private static final Duration SHUTDOWN_DEADLINE = Duration.ofSeconds(5);

	private final ObservedStore store;

	private final LeaseKeeper leases;

	private final long retryBudgetNanos;

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
			attempt(new Settlement(execution, record, null), 1, System.nanoTime());
		}
	}

	/** Releases the record so the next request with its key runs again; returns once the first attempt has. */
	void release(Execution execution, String reason) {
		if (execution.markSettled()) {
			attempt(new Settlement(execution, null, reason), 1, System.nanoTime());
		}
	}

	/** Leaves the record in progress: retries get 409 until its lease expires. */
	void leaveUnknown(Execution execution, String reason) {
		if (execution.markSettled()) {
			unknown(execution, reason);
		}
	}

	/** How many settlements are waiting to be tried again. */
	public int pendingRetries() {
		ScheduledThreadPoolExecutor executor = this.retries;
		return (executor != null) ? executor.getQueue().size() : 0;
	}

	private void attempt(Settlement settlement, int attempt, long startNanos) {
		Execution execution = settlement.execution;
		boolean landed;
		boolean afterLeaseExpired = false;
		try {
			if (settlement.isCompletion()) {
				CompletionResult result = this.store.complete(execution.recordId, execution.owner, settlement.record,
						execution.retention);
				landed = result.isStored();
				afterLeaseExpired = (result == CompletionResult.STORED_AFTER_LEASE_EXPIRED);
			}
			else {
				landed = this.store.release(execution.recordId, execution.owner);
			}
		}
		catch (RuntimeException ex) {
			retryLater(settlement, attempt, startNanos, ex);
			return;
		}
		this.leases.stop(execution);
		if (attempt > 1 || afterLeaseExpired) {
			logger.info(settlement.what() + " of record " + execution.logId() + " landed at attempt " + attempt
					+ ", after " + Duration.ofNanos(System.nanoTime() - startNanos).toMillis() + " ms"
					+ (afterLeaseExpired ? ", after its lease had expired (nobody else held the key)" : ""));
		}
		if (!landed) {
			logger.warn("Outcome of record " + execution.logId() + " not settled: another execution took the key"
					+ " over after this one's lease expired, so the handler may have run twice for it"
					+ (settlement.isCompletion() ? "" : " (" + settlement.reason + ")"));
			this.store.observer().onOutcome(IdempotencyOutcome.LEASE_LOST);
			return;
		}
		if (settlement.isCompletion()) {
			this.store.observer().onOutcome(IdempotencyOutcome.EXECUTED);
		}
		else {
			this.store.observer().onOutcome(IdempotencyOutcome.RELEASED);
			if (logger.isDebugEnabled()) {
				logger.debug("Released record " + execution.logId() + ": " + settlement.reason);
			}
		}
	}

	private void retryLater(Settlement settlement, int attempt, long startNanos, RuntimeException failure) {
		long backoff = Math.min(MAX_BACKOFF_NANOS, FIRST_BACKOFF_NANOS << Math.min(attempt - 1, 10));
		long elapsed = System.nanoTime() - startNanos;
		if (elapsed + backoff > this.retryBudgetNanos) {
			unknown(settlement.execution, settlement.what() + " failed " + attempt + " time(s) over "
					+ Duration.ofNanos(elapsed).toMillis() + " ms: " + failure.getMessage());
			return;
		}
		if (attempt == 1) {
			logger.warn(settlement.what() + " of record " + settlement.execution.logId() + " failed ("
					+ failure.getMessage() + "); trying again for up to "
					+ Duration.ofNanos(this.retryBudgetNanos).toSeconds() + " s while keeping its lease");
		}
		try {
			retries().schedule(() -> attempt(settlement, attempt + 1, startNanos), backoff, TimeUnit.NANOSECONDS);
		}
		catch (RejectedExecutionException ex) {
			unknown(settlement.execution, settlement.what() + " failed and no retry could be scheduled (shutting"
					+ " down): " + failure.getMessage());
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

	/** A complete (with its record) or a release (with its reason). */
	private record Settlement(Execution execution, @Nullable CompletedRecord record, @Nullable String reason) {

		boolean isCompletion() {
			return this.record != null;
		}

		String what() {
			return isCompletion() ? "Storing the answer" : "Releasing the key";
		}

	}

}
