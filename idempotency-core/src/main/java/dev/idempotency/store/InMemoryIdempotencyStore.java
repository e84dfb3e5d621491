package dev.idempotency.store;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

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

	private final Map<String, InMemoryEntry> entries = new ConcurrentHashMap<>();

	private final InMemoryBounds bounds;

	private final InMemoryEviction eviction;

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
		this.eviction = new InMemoryEviction(this.entries, this.bounds, nanoClock);
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
			InMemoryEntry token = new InMemoryEntry(null, null, null, expiresAt, expiresAt, 0);
			boolean[] full = new boolean[1];
			this.entries.compute(recordId, (id, current) -> {
				full[0] = !this.bounds.admit(current, token);
				return full[0] ? current : token;
			});
			if (!full[0]) {
				return;
			}
			this.eviction.makeRoom();
		}
	}

	@Override
	public ClaimResult claimToken(String recordId, InProgressRecord record, String ownerToken, Duration lease) {
		return claim(recordId, record, ownerToken, lease, true);
	}

	private ClaimResult claim(String recordId, InProgressRecord record, String ownerToken, Duration lease,
			boolean tokenRequired) {
		this.eviction.beforeClaim();
		while (true) {
			long now = this.nanoClock.getAsLong();
			InMemoryEntry[] claimed = new InMemoryEntry[1];
			boolean[] full = new boolean[1];
			InMemoryEntry winner = this.entries.compute(recordId, (id, current) -> {
				boolean live = current != null && !current.expiredAt(now);
				if (live && current.record() != null) {
					if (current.record() instanceof InProgressRecord && ownerToken.equals(current.owner())) {
						claimed[0] = current;
					}
					return current;
				}
				if (tokenRequired && !live) {
					return this.bounds.removed(current);
				}
				InMemoryEntry entry = new InMemoryEntry(record, ownerToken, null, now + lease.toNanos(),
						live ? current.tokenExpiresAtNanos() : InMemoryEntry.NO_TOKEN, 0);
				if (!this.bounds.admit(current, entry)) {
					full[0] = true;
					return current;
				}
				claimed[0] = entry;
				return entry;
			});
			if (full[0]) {
				this.eviction.makeRoom();
				continue;
			}
			if (winner == null) {
				return ClaimResult.unknownToken();
			}
			return (winner == claimed[0]) ? ClaimResult.claimed() : ClaimResult.existing(winner.record());
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
				boolean gone = current == null || current.expiredAt(now) || current.record() == null;
				if (!gone && ownerToken.equals(current.completedBy())) {
					result[0] = CompletionResult.STORED;
					return current;
				}
				if (!gone && !ownerToken.equals(current.owner())) {
					return current;
				}
				InMemoryEntry next = new InMemoryEntry(completed, null, ownerToken, now + retention.toNanos(),
						InMemoryEntry.NO_TOKEN, weight);
				if (!this.bounds.admit(current, next)) {
					full[0] = true;
					return current;
				}
				this.eviction.completed(id, next);
				result[0] = gone ? CompletionResult.STORED_AFTER_LEASE_EXPIRED : CompletionResult.STORED;
				return next;
			});
			if (!full[0]) {
				return result[0];
			}
			if (!this.eviction.evictOldestCompleted()) {
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
				return this.bounds.removed(current);
			}
			if (current.record() == null) {
				return current;
			}
			if (!ownerToken.equals(current.owner())) {
				released[0] = false;
				return current;
			}
			if (!current.hasToken()) {
				return this.bounds.removed(current);
			}
			InMemoryEntry token = new InMemoryEntry(null, null, null, current.tokenExpiresAtNanos(),
					current.tokenExpiresAtNanos(), 0);
			this.bounds.admit(current, token);
			return token;
		});
		return released[0];
	}

	@Override
	public boolean extendLease(String recordId, String ownerToken, Duration lease) {
		return replaceIfOwned(recordId, ownerToken,
				(current, now) -> new InMemoryEntry(current.record(), ownerToken, null, now + lease.toNanos(),
						current.tokenExpiresAtNanos(), current.weight())) == Result.OWNED;
	}

	@Override
	public boolean delete(String recordId) {
		long now = this.nanoClock.getAsLong();
		boolean[] deleted = new boolean[1];
		this.entries.computeIfPresent(recordId, (id, current) -> {
			deleted[0] = current.record() != null && !current.expiredAt(now);
			return this.bounds.removed(current);
		});
		return deleted[0];
	}

	@Override
	public @Nullable IdempotencyRecord find(String recordId) {
		InMemoryEntry entry = this.entries.get(recordId);
		return (entry == null || entry.expiredAt(this.nanoClock.getAsLong())) ? null : entry.record();
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
		return this.eviction.evictions();
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
				return this.bounds.removed(current);
			}
			if (!ownerToken.equals(current.owner())) {
				return current;
			}
			InMemoryEntry next = replacement.apply(current, now);
			if (next == null) {
				result[0] = Result.OWNED;
				return this.bounds.removed(current);
			}
			if (!this.bounds.admit(current, next)) {
				result[0] = Result.FULL;
				return current;
			}
			if (next.record() instanceof CompletedRecord) {
				this.eviction.completed(id, next);
			}
			result[0] = Result.OWNED;
			return next;
		});
		return result[0];
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

		@Nullable InMemoryEntry apply(InMemoryEntry current, long now);

	}

}
