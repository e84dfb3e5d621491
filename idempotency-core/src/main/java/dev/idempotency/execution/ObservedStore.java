package dev.idempotency.execution;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import dev.idempotency.IdempotencyObserver;
import dev.idempotency.store.ClaimResult;
import dev.idempotency.store.CompletedRecord;
import dev.idempotency.store.CompletionResult;
import dev.idempotency.store.IdempotencyStore;
import dev.idempotency.store.InProgressRecord;

/**
 * The store calls of the request path, each reported to the {@link IdempotencyObserver} with its
 * duration and whether it failed.
 */
public final class ObservedStore {

	private final IdempotencyStore store;

	private final IdempotencyObserver observer;

	public ObservedStore(IdempotencyStore store, IdempotencyObserver observer) {
		this.store = store;
		this.observer = observer;
	}

	public ClaimResult claim(String recordId, InProgressRecord record, String owner, Duration lease, boolean token) {
		return timed("claim", () -> token ? this.store.claimToken(recordId, record, owner, lease)
				: this.store.claim(recordId, record, owner, lease));
	}

	public CompletionResult complete(String recordId, String owner, CompletedRecord record, Duration retention) {
		return timed("complete", () -> this.store.complete(recordId, owner, record, retention));
	}

	public boolean release(String recordId, String owner) {
		return timed("release", () -> this.store.release(recordId, owner));
	}

	public Set<String> extendLeases(Map<String, String> ownerByRecordId, Duration lease) {
		return timed("extend_lease", () -> this.store.extendLeases(ownerByRecordId, lease));
	}

	IdempotencyObserver observer() {
		return this.observer;
	}

	private <T> T timed(String operation, Supplier<T> call) {
		if (this.observer == IdempotencyObserver.NONE) {
			return call.get();
		}
		long start = System.nanoTime();
		boolean failed = true;
		try {
			T result = call.get();
			failed = false;
			return result;
		}
		finally {
			this.observer.onStoreCall(operation, System.nanoTime() - start, failed);
		}
	}

}
