package dev.idempotency.autoconfigure;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import dev.idempotency.IdempotencyObserver;
import dev.idempotency.IdempotencyOutcome;

/**
 * Publishes what the filter does as Micrometer meters. Tags carry only the outcome and the store
 * operation, never the client key, the scope or the principal:
 * <ul>
 * <li>{@value #REQUESTS} (counter), tag {@code outcome}: {@code executed}, {@code replayed},
 * {@code conflict}, {@code mismatch}, {@code invalid_key}, {@code invalid_token}, {@code request_too_large},
 * {@code store_unavailable}, {@code proceeded_without_store}, {@code not_replayable}, {@code released},
 * {@code unknown_outcome}, {@code lease_lost};</li>
 * <li>{@value #STORE_CALLS} (timer), tags {@code operation} ({@code claim}, {@code complete},
 * {@code release}, {@code extend_lease}) and {@code result} ({@code success}, {@code failure});</li>
 * <li>{@value #LEASE_EXTENSIONS} (counter).</li>
 * </ul>
 */
public class MicrometerIdempotencyObserver implements IdempotencyObserver {

	/** Requests that reached an idempotent handler, by outcome. */
	public static final String REQUESTS = "idempotency.requests";

	/** Calls to the idempotency store, by operation and result. */
	public static final String STORE_CALLS = "idempotency.store.calls";

	/** Lease extensions of running handlers. */
	public static final String LEASE_EXTENSIONS = "idempotency.lease.extensions";

	private final MeterRegistry registry;

	private final Map<IdempotencyOutcome, Counter> requests = new EnumMap<>(IdempotencyOutcome.class);

	private final Map<String, Timer> storeCalls = new ConcurrentHashMap<>();

	private final Counter leaseExtensions;

	public MicrometerIdempotencyObserver(MeterRegistry registry) {
		this.registry = registry;
		for (IdempotencyOutcome outcome : IdempotencyOutcome.values()) {
			this.requests.put(outcome, Counter.builder(REQUESTS)
				.description("Requests that reached an idempotent handler, by outcome")
				.tag("outcome", outcome.name().toLowerCase(Locale.ROOT))
				.register(registry));
		}
		this.leaseExtensions = Counter.builder(LEASE_EXTENSIONS)
			.description("Lease extensions of running idempotent handlers")
			.register(registry);
	}

	@Override
	public void onOutcome(IdempotencyOutcome outcome) {
		this.requests.get(outcome).increment();
	}

	@Override
	public void onLeaseExtended() {
		this.leaseExtensions.increment();
	}

	@Override
	public void onStoreCall(String operation, long nanos, boolean failed) {
		this.storeCalls.computeIfAbsent(failed ? operation + ":failure" : operation + ":success",
				(key) -> Timer.builder(STORE_CALLS)
					.description("Calls to the idempotency store")
					.tag("operation", operation)
					.tag("result", failed ? "failure" : "success")
					.register(this.registry))
			.record(nanos, TimeUnit.NANOSECONDS);
	}

}
