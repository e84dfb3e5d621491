package dev.idempotency.it;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;

import dev.idempotency.store.ClaimResult;
import dev.idempotency.store.CompletedRecord;
import dev.idempotency.store.CompletionResult;
import dev.idempotency.store.IdempotencyRecord;
import dev.idempotency.store.IdempotencyStore;
import dev.idempotency.store.InProgressRecord;

/** Counts the calls the filter makes to the real store underneath. */
public class CountingStore implements IdempotencyStore {

	private final IdempotencyStore delegate;

	public final AtomicInteger claims = new AtomicInteger();

	public final AtomicInteger completions = new AtomicInteger();

	public final AtomicInteger releases = new AtomicInteger();

	public final AtomicInteger leaseExtensions = new AtomicInteger();

	public final AtomicInteger tokensIssued = new AtomicInteger();

	CountingStore(IdempotencyStore delegate) {
		this.delegate = delegate;
	}

	public IdempotencyStore delegate() {
		return this.delegate;
	}

	public int total() {
		return this.claims.get() + this.completions.get() + this.releases.get() + this.leaseExtensions.get();
	}

	@Override
	public ClaimResult claim(String recordId, InProgressRecord record, String ownerToken, Duration lease) {
		this.claims.incrementAndGet();
		return this.delegate.claim(recordId, record, ownerToken, lease);
	}

	@Override
	public boolean supportsTokens() {
		return this.delegate.supportsTokens();
	}

	@Override
	public void issueToken(String recordId, Duration ttl) {
		this.tokensIssued.incrementAndGet();
		this.delegate.issueToken(recordId, ttl);
	}

	@Override
	public ClaimResult claimToken(String recordId, InProgressRecord record, String ownerToken, Duration lease) {
		this.claims.incrementAndGet();
		return this.delegate.claimToken(recordId, record, ownerToken, lease);
	}

	@Override
	public CompletionResult complete(String recordId, String ownerToken, CompletedRecord record,
			Duration retention) {
		this.completions.incrementAndGet();
		return this.delegate.complete(recordId, ownerToken, record, retention);
	}

	@Override
	public boolean release(String recordId, String ownerToken) {
		this.releases.incrementAndGet();
		return this.delegate.release(recordId, ownerToken);
	}

	@Override
	public boolean extendLease(String recordId, String ownerToken, Duration lease) {
		this.leaseExtensions.incrementAndGet();
		return this.delegate.extendLease(recordId, ownerToken, lease);
	}

	@Override
	public Set<String> extendLeases(Map<String, String> ownerByRecordId, Duration lease) {
		this.leaseExtensions.addAndGet(ownerByRecordId.size());
		return this.delegate.extendLeases(ownerByRecordId, lease);
	}

	@Override
	public boolean delete(String recordId) {
		return this.delegate.delete(recordId);
	}

	@Override
	public @Nullable IdempotencyRecord find(String recordId) {
		return this.delegate.find(recordId);
	}

}
