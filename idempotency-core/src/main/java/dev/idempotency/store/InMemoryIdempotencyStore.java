package dev.idempotency.store;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
/**
 * A store in this JVM's memory, with the same semantics as the Redis store — atomic claims, owner checks,
 * lease and retention expiry, one-time tokens — for single-instance applications and tests. Records do not
 * survive a restart and are not shared between instances. Expired entries are dropped when touched and by
 * a sweep every few thousand claims.
 * <p>The store is bounded: at most {@code maxRecords} entries (records and waiting tokens), and at most
 * {@code maxBytes} of completed answers (body bytes plus the characters of the stored header names and
 * values). At a bound, completed records are evicted, the oldest completion first; an in-progress record
 * or a waiting token is never dropped before its expiry. When only those are left, a claim or token
 * issue throws {@link IdempotencyStoreException}. An answer larger than {@code maxBytes} on its own is
 * kept without its body, as not replayable.
 */
public class InMemoryIdempotencyStore implements IdempotencyStore {

	/** Default bound on the number of entries: about 0.6 KB of bookkeeping each, 7 MB in all. */
	public static final int DEFAULT_MAX_RECORDS = 10_000;

	/** Default bound on the bytes of the completed answers held: 32 MiB. */
	public static final long DEFAULT_MAX_BYTES = 32L * 1024 * 1024;

	private static final Log logger = LogFactory.getLog(InMemoryIdempotencyStore.class);

	private static final int SWEEP_EVERY = 4096;

	private static final long FULL_SWEEP_INTERVAL_NANOS = Duration.ofSeconds(1).toNanos();

	private static final long NO_TOKEN = Long.MIN_VALUE;

	private final Map<String, Entry> entries = new ConcurrentHashMap<>();

	/** Completed entries, oldest completion first; an element is stale once its entry left the map. */
	private final Queue<Completion> completions = new ConcurrentLinkedQueue<>();

	private final InMemoryBounds bounds;

	private final AtomicLong evictions = new AtomicLong();

	private final AtomicBoolean evictionLogged = new AtomicBoolean();

	private final AtomicInteger claimsSinceSweep = new AtomicInteger();

	private final AtomicLong nextFullSweepNanos;

	private final LongSupplier nanoClock;

	/** A store with the default bounds. */
	public InMemoryIdempotencyStore() {
		this(System::nanoTime);
	}

	/** A store with the default bounds reading time from {@code nanoClock} (monotonic nanoseconds), for tests. */
	public InMemoryIdempotencyStore(LongSupplier nanoClock) {
		this(DEFAULT_MAX_RECORDS, DEFAULT_MAX_BYTES, nanoClock);
	}

	/** A store holding at most {@code maxRecords} entries and {@code maxBytes} of completed answers. */
	public InMemoryIdempotencyStore(int maxRecords, long maxBytes) {
		this(maxRecords, maxBytes, System::nanoTime);
	}

	/** A bounded store reading time from {@code nanoClock} (monotonic nanoseconds), for tests. */
	public InMemoryIdempotencyStore(int maxRecords, long maxBytes, LongSupplier nanoClock) {
		this.bounds = new InMemoryBounds(maxRecords, maxBytes);
		this.nanoClock = nanoClock;
		this.nextFullSweepNanos = new AtomicLong(nanoClock.getAsLong());
	}

	@Override
	public ClaimResult claim(String recordId, InProgressRecord record, String ownerToken, Duration lease) {
		return claim(recordId, record, ownerToken, lease, false);
	}

	@Override
	public boolean supportsTokens() {
		return true;
	}

	@Override
	public void issueToken(String recordId, Duration ttl) {
		while (true) {
			long expiresAt = this.nanoClock.getAsLong() + ttl.toNanos();
			Entry token = new Entry(null, null, null, expiresAt, expiresAt, 0);
			boolean[] full = new boolean[1];
			this.entries.compute(recordId, (id, current) -> {
				full[0] = !account(current, token);
				return full[0] ? current : token;
			});
			if (!full[0]) {
				return;
			}
			makeRoom();
		}
	}

	@Override
	public ClaimResult claimToken(String recordId, InProgressRecord record, String ownerToken, Duration lease) {
		return claim(recordId, record, ownerToken, lease, true);
	}

	private ClaimResult claim(String recordId, InProgressRecord record, String ownerToken, Duration lease,
			boolean tokenRequired) {
		if (this.claimsSinceSweep.incrementAndGet() >= SWEEP_EVERY) {
			this.claimsSinceSweep.set(0);
			sweep(this.nanoClock.getAsLong());
		}
		while (true) {
			long now = this.nanoClock.getAsLong();
			Entry[] claimed = new Entry[1];
			boolean[] full = new boolean[1];
			Entry winner = this.entries.compute(recordId, (id, current) -> {
				boolean live = current != null && !current.expiredAt(now);
				if (live && current.record != null) {
					if (current.record instanceof InProgressRecord && ownerToken.equals(current.owner)) {
						claimed[0] = current;
					}
					return current;
				}
				if (tokenRequired && !live) {
					return removed(current);
				}
				Entry entry = new Entry(record, ownerToken, null, now + lease.toNanos(),
						live ? current.tokenExpiresAtNanos : NO_TOKEN, 0);
				if (!account(current, entry)) {
					full[0] = true;
					return current;
				}
				claimed[0] = entry;
				return entry;
			});
			if (full[0]) {
				makeRoom();
				continue;
			}
			if (winner == null) {
				return ClaimResult.unknownToken();
			}
			return (winner == claimed[0]) ? ClaimResult.claimed() : ClaimResult.existing(winner.record);
		}
	}

	@Override
	public CompletionResult complete(String recordId, String ownerToken, CompletedRecord record, Duration retention) {
		CompletedRecord kept = this.bounds.fits(record) ? record : withoutBody(record);
		while (true) {
			CompletedRecord completed = kept;
			long weight = InMemoryBounds.weigh(completed);
			long now = this.nanoClock.getAsLong();
			CompletionResult[] result = { CompletionResult.LEASE_TAKEN_OVER };
			boolean[] full = new boolean[1];
			this.entries.compute(recordId, (id, current) -> {
				boolean gone = current == null || current.expiredAt(now) || current.record == null;
				if (!gone && ownerToken.equals(current.completedBy)) {
					result[0] = CompletionResult.STORED;
					return current;
				}
				if (!gone && !ownerToken.equals(current.owner)) {
					return current;
				}
				Entry next = new Entry(completed, null, ownerToken, now + retention.toNanos(), NO_TOKEN, weight);
				if (!account(current, next)) {
					full[0] = true;
					return current;
				}
				this.completions.add(new Completion(id, next));
				result[0] = gone ? CompletionResult.STORED_AFTER_LEASE_EXPIRED : CompletionResult.STORED;
				return next;
			});
			if (!full[0]) {
				return result[0];
			}
			if (!evictOldestCompleted()) {
				kept = withoutBody(record);
			}
		}
	}

	@Override
	public boolean release(String recordId, String ownerToken) {
		long now = this.nanoClock.getAsLong();
		boolean[] released = { true };
		this.entries.computeIfPresent(recordId, (id, current) -> {
			if (current.expiredAt(now)) {
				return removed(current);
			}
			if (current.record == null) {
				return current;
			}
			if (!ownerToken.equals(current.owner)) {
				released[0] = false;
				return current;
			}
			if (!current.hasToken()) {
				return removed(current);
			}
			Entry token = new Entry(null, null, null, current.tokenExpiresAtNanos, current.tokenExpiresAtNanos, 0);
			account(current, token);
			return token;
		});
		return released[0];
	}

	@Override
	public boolean extendLease(String recordId, String ownerToken, Duration lease) {
		return replaceIfOwned(recordId, ownerToken,
				(current, now) -> new Entry(current.record, ownerToken, null, now + lease.toNanos(),
						current.tokenExpiresAtNanos, current.weight)) == Result.OWNED;
	}

	@Override
	public boolean delete(String recordId) {
		long now = this.nanoClock.getAsLong();
		boolean[] deleted = new boolean[1];
		this.entries.computeIfPresent(recordId, (id, current) -> {
			deleted[0] = current.record != null && !current.expiredAt(now);
			return removed(current);
		});
		return deleted[0];
	}

	@Override
	public @Nullable IdempotencyRecord find(String recordId) {
		Entry entry = this.entries.get(recordId);
		return (entry == null || entry.expiredAt(this.nanoClock.getAsLong())) ? null : entry.record;
	}

	/** The number of entries held (records and waiting tokens), expired ones not yet swept included. */
	public int size() {
		return this.bounds.records();
	}

	/** The bytes of the completed answers held: body bytes plus the characters of their stored headers. */
	public long bytes() {
		return this.bounds.bytes();
	}

	/** How many completed records were evicted before their retention ended to stay within the bounds. */
	public long evictions() {
		return this.evictions.get();
	}

	public int maxRecords() {
		return this.bounds.maxRecords();
	}

	public long maxBytes() {
		return this.bounds.maxBytes();
	}

	private Result replaceIfOwned(String recordId, String ownerToken, Replacement replacement) {
		long now = this.nanoClock.getAsLong();
		Result[] result = { Result.NOT_OWNED };
		this.entries.computeIfPresent(recordId, (id, current) -> {
			if (current.expiredAt(now)) {
				return removed(current);
			}
			if (!ownerToken.equals(current.owner)) {
				return current;
			}
			Entry next = replacement.apply(current, now);
			if (next == null) {
				result[0] = Result.OWNED;
				return removed(current);
			}
			if (!account(current, next)) {
				result[0] = Result.FULL;
				return current;
			}
			if (next.record instanceof CompletedRecord) {
				this.completions.add(new Completion(id, next));
			}
			result[0] = Result.OWNED;
			return next;
		});
		return result[0];
	}

	/** Takes the room for {@code next} in place of {@code current} (absent or expired), unless a bound would pass. */
	private boolean account(@Nullable Entry current, Entry next) {
		return this.bounds.admit(current == null, (current != null) ? current.weight : 0, next.weight);
	}

	/** Accounts for {@code current} leaving the map; returns {@code null}, the map's "remove". */
	private @Nullable Entry removed(@Nullable Entry current) {
		if (current != null) {
			this.bounds.free(current.weight);
		}
		return null;
	}

	/** Frees room for a new entry, or throws when only in-progress records and waiting tokens are left. */
	private void makeRoom() {
		if (evictOldestCompleted() || sweepWhenFull()) {
			return;
		}
		throw new IdempotencyStoreException("The in-memory idempotency store is full: " + this.bounds.records()
				+ " requests in progress or tokens waiting, none completed to evict (max-records="
				+ this.bounds.maxRecords() + ")", null);
	}

	private boolean evictOldestCompleted() {
		long now = this.nanoClock.getAsLong();
		Completion oldest;
		while ((oldest = this.completions.poll()) != null) {
			Completion completion = oldest;
			boolean[] evicted = new boolean[1];
			this.entries.computeIfPresent(completion.recordId, (id, current) -> {
				evicted[0] = current == completion.entry;
				return evicted[0] ? removed(current) : current;
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
		for (Map.Entry<String, Entry> entry : this.entries.entrySet()) {
			if (entry.getValue().expiredAt(now)) {
				this.entries.computeIfPresent(entry.getKey(),
						(id, current) -> current.expiredAt(now) ? removed(current) : current);
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

	private static CompletedRecord withoutBody(CompletedRecord record) {
		return new CompletedRecord(record.fingerprint(), record.createdAt(), record.completedAt(), record.status(),
				List.of(), new byte[0], false);
	}

	private enum Result {

		OWNED, NOT_OWNED, FULL

	}

	@FunctionalInterface
	private interface Replacement {

		@Nullable Entry apply(Entry current, long now);

	}

	/** A completed entry in the eviction order. */
	private record Completion(String recordId, Entry entry) {
	}

	/**
	 * A record, a waiting token (no record), or a record claimed with a token, which keeps the token's
	 * expiry so a release can give the token back. An in-progress record has its {@code owner}, a
	 * completed one the owner that completed it ({@code completedBy}), so a completion sent again is known.
	 * {@code weight} counts against {@code maxBytes}.
	 */
	private record Entry(@Nullable IdempotencyRecord record, @Nullable String owner, @Nullable String completedBy,
			long expiresAtNanos, long tokenExpiresAtNanos, long weight) {

		boolean expiredAt(long now) {
			return now - this.expiresAtNanos >= 0;
		}

		boolean hasToken() {
			return this.tokenExpiresAtNanos != NO_TOKEN;
		}

	}

}
