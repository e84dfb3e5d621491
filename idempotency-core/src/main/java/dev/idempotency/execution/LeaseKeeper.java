package dev.idempotency.execution;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Keeps the leases of running executions alive. One thread wakes every sixth of the lease and extends,
 * in one batched store call, the leases of the executions that have run for a third of the lease since
 * their claim or their last extension; executions that finish sooner cost nothing. An execution whose
 * lease turns out to be lost is logged and no longer extended.
 */
public final class LeaseKeeper implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(LeaseKeeper.class);

	private final ObservedStore store;

	private final Duration lease;

	private final boolean enabled;

	private final long extendAfterNanos;

	private final long tickNanos;

	private final Set<Execution> running = ConcurrentHashMap.newKeySet();

	private volatile @Nullable ScheduledThreadPoolExecutor scheduler;

	private volatile boolean closed;

	/** @param enabled whether leases are extended at all ({@code idempotency.lease-heartbeat}) */
	public LeaseKeeper(ObservedStore store, Duration lease, boolean enabled) {
		this.store = store;
		this.lease = lease;
		this.enabled = enabled;
		this.extendAfterNanos = Math.max(1, lease.toNanos() / 3);
		this.tickNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(1), lease.toNanos() / 6);
	}

	/** Starts keeping the lease of an execution that was just claimed. */
	void keep(Execution execution) {
		if (!this.enabled || this.closed) {
			return;
		}
		execution.leaseDueNanos = System.nanoTime() + this.extendAfterNanos;
		this.running.add(execution);
		startIfNeeded();
	}

	/** Stops keeping the lease of an execution whose outcome is settled. */
	void stop(Execution execution) {
		this.running.remove(execution);
	}

	/** Whether the lease of this execution is being kept. */
	boolean keeps(Execution execution) {
		return this.running.contains(execution);
	}

	/** How many executions' leases are being kept. */
	public int size() {
		return this.running.size();
	}

	/** Extends the leases that are due now; runs on the keeper's thread, and in tests directly. */
	void extendDueLeases() {
		long now = System.nanoTime();
		Map<String, String> ownerByRecordId = new HashMap<>();
		List<Execution> due = new ArrayList<>();
		for (Execution execution : this.running) {
			if (now - execution.leaseDueNanos >= 0 && ownerByRecordId.putIfAbsent(execution.recordId,
					execution.owner) == null) {
				due.add(execution);
			}
		}
		if (due.isEmpty()) {
			return;
		}
		Set<String> lost;
		try {
			lost = this.store.extendLeases(ownerByRecordId, this.lease);
		}
		catch (RuntimeException ex) {
			logger.warn("Extending " + due.size() + " lease(s) failed; trying again in "
					+ Duration.ofNanos(this.tickNanos).toMillis() + " ms: " + ex.getMessage());
			return;
		}
		for (Execution execution : due) {
			if (lost.contains(execution.recordId)) {
				logger.warn("Lease of record " + execution.logId()
						+ " was lost while the handler ran; a retry may run it again");
				this.running.remove(execution);
			}
			else {
				execution.leaseDueNanos = now + this.extendAfterNanos;
				this.store.observer().onLeaseExtended();
			}
		}
	}

	private void startIfNeeded() {
		if (this.scheduler != null) {
			return;
		}
		synchronized (this) {
			if (this.scheduler == null && !this.closed) {
				ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, (task) -> {
					Thread thread = new Thread(task, "idempotency-lease-keeper");
					thread.setDaemon(true);
					return thread;
				});
				executor.scheduleWithFixedDelay(this::extendDueLeasesSafely, this.tickNanos, this.tickNanos,
						TimeUnit.NANOSECONDS);
				this.scheduler = executor;
			}
		}
	}

	private void extendDueLeasesSafely() {
		try {
			extendDueLeases();
		}
		catch (RuntimeException | Error ex) {
			logger.error("Lease keeper tick failed", ex);
		}
	}

	@Override
	public void close() {
		this.closed = true;
		ScheduledThreadPoolExecutor executor = this.scheduler;
		if (executor != null) {
			executor.shutdownNow();
		}
		this.running.clear();
	}

}
