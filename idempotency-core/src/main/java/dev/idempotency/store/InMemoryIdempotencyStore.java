package dev.idempotency.store;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

import org.jspecify.annotations.Nullable;

/**
 * A store in this JVM's memory, with the same semantics as the Redis store — atomic claims, owner checks,
 * lease and retention expiry, one-time tokens — for single-instance applications and tests. Records do not survive a
 * restart and are not shared between instances. Expired entries are dropped when touched and by a sweep
 * every few thousand claims.
 */
public class InMemoryIdempotencyStore implements IdempotencyStore {

	private static final int SWEEP_EVERY = 4096;

	private static final long NO_TOKEN = Long.MIN_VALUE;

	private final Map<String, Entry> entries = new ConcurrentHashMap<>();

	private final AtomicInteger claimsSinceSweep = new AtomicInteger();

	private final LongSupplier nanoClock;

	public InMemoryIdempotencyStore() {
		this(System::nanoTime);
	}

	/** A store reading time from {@code nanoClock} (monotonic nanoseconds), for tests. */
	public InMemoryIdempotencyStore(LongSupplier nanoClock) {
		this.nanoClock = nanoClock;
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
		long expiresAt = this.nanoClock.getAsLong() + ttl.toNanos();
		this.entries.put(recordId, new Entry(null, null, null, expiresAt, expiresAt));
	}

	@Override
	public ClaimResult claimToken(String recordId, InProgressRecord record, String ownerToken, Duration lease) {
		return claim(recordId, record, ownerToken, lease, true);
	}

	private ClaimResult claim(String recordId, InProgressRecord record, String ownerToken, Duration lease,
			boolean tokenRequired) {
		if (this.claimsSinceSweep.incrementAndGet() >= SWEEP_EVERY) {
			this.claimsSinceSweep.set(0);
			sweep();
		}
		long now = this.nanoClock.getAsLong();
		Entry[] claimed = new Entry[1];
		Entry winner = this.entries.compute(recordId, (id, current) -> {
			boolean live = current != null && !current.expiredAt(now);
			if (live && current.record != null) {
				if (current.record instanceof InProgressRecord && ownerToken.equals(current.owner)) {
					claimed[0] = current;
				}
				return current;
			}
			if (tokenRequired && !live) {
				return null;
			}
			claimed[0] = new Entry(record, ownerToken, null, now + lease.toNanos(),
					live ? current.tokenExpiresAtNanos : NO_TOKEN);
			return claimed[0];
		});
		if (winner == null) {
			return ClaimResult.unknownToken();
		}
		return (winner == claimed[0]) ? ClaimResult.claimed() : ClaimResult.existing(winner.record);
	}

	@Override
	public CompletionResult complete(String recordId, String ownerToken, CompletedRecord record, Duration retention) {
		long now = this.nanoClock.getAsLong();
		CompletionResult[] result = { CompletionResult.LEASE_TAKEN_OVER };
		this.entries.compute(recordId, (id, current) -> {
			boolean gone = current == null || current.expiredAt(now) || current.record == null;
			if (!gone && ownerToken.equals(current.completedBy)) {
				result[0] = CompletionResult.STORED;
				return current;
			}
			if (!gone && !ownerToken.equals(current.owner)) {
				return current;
			}
			result[0] = gone ? CompletionResult.STORED_AFTER_LEASE_EXPIRED : CompletionResult.STORED;
			return new Entry(record, null, ownerToken, now + retention.toNanos(), NO_TOKEN);
		});
		return result[0];
	}

	@Override
	public boolean release(String recordId, String ownerToken) {
		long now = this.nanoClock.getAsLong();
		boolean[] released = { true };
		this.entries.compute(recordId, (id, current) -> {
			if (current == null || current.expiredAt(now)) {
				return null;
			}
			if (current.record == null) {
				return current;
			}
			if (!ownerToken.equals(current.owner)) {
				released[0] = false;
				return current;
			}
			return current.hasToken()
					? new Entry(null, null, null, current.tokenExpiresAtNanos, current.tokenExpiresAtNanos) : null;
		});
		return released[0];
	}

	@Override
	public boolean extendLease(String recordId, String ownerToken, Duration lease) {
		return replaceIfOwned(recordId, ownerToken,
				(current, now) -> new Entry(current.record, ownerToken, null, now + lease.toNanos(),
						current.tokenExpiresAtNanos));
	}

	@Override
	public boolean delete(String recordId) {
		Entry removed = this.entries.remove(recordId);
		return removed != null && removed.record != null && !removed.expiredAt(this.nanoClock.getAsLong());
	}

	@Override
	public @Nullable IdempotencyRecord find(String recordId) {
		Entry entry = this.entries.get(recordId);
		return (entry == null || entry.expiredAt(this.nanoClock.getAsLong())) ? null : entry.record;
	}

	/** The number of entries held, expired ones not yet swept included. */
	public int size() {
		return this.entries.size();
	}

	private boolean replaceIfOwned(String recordId, String ownerToken, Replacement replacement) {
		long now = this.nanoClock.getAsLong();
		boolean[] owned = new boolean[1];
		this.entries.computeIfPresent(recordId, (id, current) -> {
			if (current.expiredAt(now)) {
				return null;
			}
			if (!ownerToken.equals(current.owner)) {
				return current;
			}
			owned[0] = true;
			return replacement.apply(current, now);
		});
		return owned[0];
	}

	private void sweep() {
		long now = this.nanoClock.getAsLong();
		this.entries.values().removeIf((entry) -> entry.expiredAt(now));
	}

	@FunctionalInterface
	private interface Replacement {

		@Nullable Entry apply(Entry current, long now);

	}

	/**
	 * A record, a waiting token (no record), or a record claimed with a token, which keeps the token's
	 * expiry so a release can give the token back. An in-progress record has its {@code owner}, a
	 * completed one the owner that completed it ({@code completedBy}), so a completion sent again is known.
	 */
	private record Entry(@Nullable IdempotencyRecord record, @Nullable String owner, @Nullable String completedBy,
			long expiresAtNanos, long tokenExpiresAtNanos) {

		boolean expiredAt(long now) {
			return now - this.expiresAtNanos >= 0;
		}

		boolean hasToken() {
			return this.tokenExpiresAtNanos != NO_TOKEN;
		}

	}

}
