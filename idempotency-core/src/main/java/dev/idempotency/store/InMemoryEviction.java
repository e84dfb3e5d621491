package dev.idempotency.store;

import java.time.Duration;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * How an {@link InMemoryIdempotencyStore} makes room: completed entries are evicted in the order they
 * completed, oldest first, and expired entries are swept every few thousand claims and, when the store
 * is full, at most once a second. Each removal is one atomic step of the store's map for that entry.
 */
final class InMemoryEviction {

	private static final Log logger = LogFactory.getLog(InMemoryIdempotencyStore.class);

	private static final int SWEEP_EVERY = 4096;

	private static final long FULL_SWEEP_INTERVAL_NANOS = Duration.ofSeconds(1).toNanos();

	private final Map<String, InMemoryEntry> entries;

	private final InMemoryBounds bounds;

	private final LongSupplier nanoClock;

	/** Completed entries, oldest completion first; an element is stale once its entry left the map. */
	private final Queue<Completion> completions = new ConcurrentLinkedQueue<>();

	private final AtomicLong evictions = new AtomicLong();

	private final AtomicBoolean evictionLogged = new AtomicBoolean();

	private final AtomicInteger claimsSinceSweep = new AtomicInteger();

	private final AtomicLong nextFullSweepNanos;

	InMemoryEviction(Map<String, InMemoryEntry> entries, InMemoryBounds bounds, LongSupplier nanoClock) {
		this.entries = entries;
		this.bounds = bounds;
		this.nanoClock = nanoClock;
		this.nextFullSweepNanos = new AtomicLong(nanoClock.getAsLong());
	}

	/** Counts a claim, and sweeps the expired entries every few thousand. */
	void beforeClaim() {
		if (this.claimsSinceSweep.incrementAndGet() >= SWEEP_EVERY) {
			this.claimsSinceSweep.set(0);
			sweep(this.nanoClock.getAsLong());
		}
	}

	/** Puts a completed entry last in the eviction order; called in the step that stores it. */
	void completed(String recordId, InMemoryEntry entry) {
		this.completions.add(new Completion(recordId, entry));
	}

	/** How many completed records were evicted before their retention ended. */
	long evictions() {
		return this.evictions.get();
	}

	/** Frees room for a new entry, or throws when only in-progress records and waiting tokens are left. */
	void makeRoom() {
		if (evictOldestCompleted() || sweepWhenFull()) {
			return;
		}
		throw new IdempotencyStoreException("The in-memory idempotency store is full: " + this.bounds.records()
				+ " requests in progress or tokens waiting, none completed to evict (max-records="
				+ this.bounds.maxRecords() + ")", null);
	}

	/** Evicts the entry that completed first, if any is left. */
	boolean evictOldestCompleted() {
		long now = this.nanoClock.getAsLong();
		Completion oldest;
		while ((oldest = this.completions.poll()) != null) {
			Completion completion = oldest;
			boolean[] evicted = new boolean[1];
			this.entries.computeIfPresent(completion.recordId, (id, current) -> {
				evicted[0] = current == completion.entry;
				return evicted[0] ? this.bounds.removed(current) : current;
			});
			if (evicted[0]) {
				if (!completion.entry.expiredAt(now)) {
					this.evictions.incrementAndGet();
					logFirstEviction();
				}
				return true;
			}
		}
		return false;
	}

	/** Drops expired entries when the store is full, at most once a second. */
	private boolean sweepWhenFull() {
		long now = this.nanoClock.getAsLong();
		long next = this.nextFullSweepNanos.get();
		if (now - next < 0 || !this.nextFullSweepNanos.compareAndSet(next, now + FULL_SWEEP_INTERVAL_NANOS)) {
			return false;
		}
		int before = this.bounds.records();
		sweep(now);
		return this.bounds.records() < before;
	}

	private void sweep(long now) {
		for (Map.Entry<String, InMemoryEntry> entry : this.entries.entrySet()) {
			if (entry.getValue().expiredAt(now)) {
				this.entries.computeIfPresent(entry.getKey(),
						(id, current) -> current.expiredAt(now) ? this.bounds.removed(current) : current);
			}
		}
		this.completions.removeIf((completion) -> this.entries.get(completion.recordId) != completion.entry);
	}

	private void logFirstEviction() {
		if (this.evictionLogged.compareAndSet(false, true)) {
			logger.warn("The in-memory idempotency store reached its bound (max-records=" + this.bounds.maxRecords()
					+ ", max-bytes=" + this.bounds.maxBytes() + "): evicting the oldest completed records before their"
					+ " retention ends; a retry with an evicted key runs its handler again. Raise"
					+ " idempotency.store.in-memory.* or use the Redis store.");
		}
	}

	/** A completed entry in the eviction order. */
	private record Completion(String recordId, InMemoryEntry entry) {
	}

}
