package dev.idempotency.store;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * The bounds of an {@link InMemoryIdempotencyStore}: counts its entries and the bytes of its completed
 * answers, and admits a change only when it keeps both within their maximum. Lock-free; the store calls
 * it inside the map's atomic step for the entry that changes.
 */
final class InMemoryBounds {

	private final int maxRecords;

	private final long maxBytes;

	private final AtomicInteger records = new AtomicInteger();

	private final AtomicLong bytes = new AtomicLong();

	InMemoryBounds(int maxRecords, long maxBytes) {
		Assert.isTrue(maxRecords > 0, "maxRecords must be positive");
		Assert.isTrue(maxBytes >= 0, "maxBytes must not be negative");
		this.maxRecords = maxRecords;
		this.maxBytes = maxBytes;
	}

	/**
	 * Takes the room for an entry weighing {@code nextWeight} in place of one weighing
	 * {@code currentWeight}, or of none when {@code newEntry}.
	 * @return {@code false}, taking nothing, when that would pass a bound
	 */
	boolean admit(boolean newEntry, long currentWeight, long nextWeight) {
		if (newEntry && !increment(this.records, this.maxRecords)) {
			return false;
		}
		long delta = nextWeight - currentWeight;
		if (delta > 0 && !add(this.bytes, delta, this.maxBytes)) {
			if (newEntry) {
				this.records.decrementAndGet();
			}
			return false;
		}
		if (delta < 0) {
			this.bytes.addAndGet(delta);
		}
		return true;
	}

	/** Takes the room for {@code next} in place of {@code current} (absent or expired), unless a bound would pass. */
	boolean admit(@Nullable InMemoryEntry current, InMemoryEntry next) {
		return admit(current == null, (current != null) ? current.weight() : 0, next.weight());
	}

	/** Accounts for {@code current} leaving the map; returns {@code null}, the map's "remove". */
	@Nullable InMemoryEntry removed(@Nullable InMemoryEntry current) {
		if (current != null) {
			free(current.weight());
		}
		return null;
	}

	/** Gives back the room of an entry weighing {@code weight} that left the store. */
	void free(long weight) {
		this.records.decrementAndGet();
		this.bytes.addAndGet(-weight);
	}

	/** Whether {@code record} could fit at all: no heavier than the bytes bound. */
	boolean fits(CompletedRecord record) {
		return weigh(record) <= this.maxBytes;
	}

	int records() {
		return this.records.get();
	}

	long bytes() {
		return this.bytes.get();
	}

	int maxRecords() {
		return this.maxRecords;
	}

	long maxBytes() {
		return this.maxBytes;
	}

	/** What a completed record weighs against the bytes bound: body bytes and header characters. */
	static long weigh(CompletedRecord record) {
		long weight = record.body().length;
		for (CompletedRecord.Header header : record.headers()) {
			weight += header.name().length() + header.value().length();
		}
		return weight;
	}

	private static boolean increment(AtomicInteger counter, int max) {
		int current;
		do {
			current = counter.get();
			if (current >= max) {
				return false;
			}
		}
		while (!counter.compareAndSet(current, current + 1));
		return true;
	}

	private static boolean add(AtomicLong counter, long delta, long max) {
		long current;
		do {
			current = counter.get();
			if (current + delta > max) {
				return false;
			}
		}
		while (!counter.compareAndSet(current, current + delta));
		return true;
	}

}
