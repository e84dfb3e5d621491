package dev.idempotency.store.redis;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import dev.idempotency.key.RecordIds;
import dev.idempotency.store.CompletionResult;
import dev.idempotency.store.IdempotencyStoreException;

/**
 * The {@link RedisIdempotencyStore}'s durable completion: the completion script and {@code WAIT}, on one
 * connection (Lettuce's shared one), since {@code WAIT} counts the writes of the connection it is sent on.
 * A completion the replicas did not acknowledge in time is stored all the same, logged and counted.
 */
final class DurableCompletion {

	private static final Log logger = LogFactory.getLog(RedisIdempotencyStore.class);

	private final LettuceScriptCommands lettuce;

	private final Duration timeout;

	private final int durableReplicas;

	private final Duration durableTimeout;

	private final AtomicLong unreplicatedCompletions = new AtomicLong();

	DurableCompletion(LettuceScriptCommands lettuce, Duration timeout, int durableReplicas, Duration durableTimeout) {
		this.lettuce = lettuce;
		this.timeout = timeout;
		this.durableReplicas = durableReplicas;
		this.durableTimeout = durableTimeout;
	}

	/**
	 * Runs {@link RedisScripts#COMPLETE} with {@code args}, then {@code WAIT}, off the caller's thread so
	 * the timeout plus the durable timeout bounds it.
	 */
	CompletionResult complete(String recordId, byte[] key, byte[][] args) {
		long[] reply;
		try {
			reply = Mono
				.fromCallable(() -> this.lettuce.completeAndWait(key, args, this.durableReplicas, this.durableTimeout))
				.subscribeOn(Schedulers.boundedElastic())
				.block(this.timeout.plus(this.durableTimeout));
		}
		catch (RuntimeException ex) {
			throw new IdempotencyStoreException("Redis complete failed: " + ex.getMessage(), ex);
		}
		CompletionResult result = RedisScripts.completionResult((reply != null) ? reply[0] : null);
		if (!result.isStored()) {
			return result;
		}
		if (reply[1] < this.durableReplicas) {
			this.unreplicatedCompletions.incrementAndGet();
			logger.warn("Completion of record " + RecordIds.logId(recordId) + " was acknowledged by " + reply[1] + " of "
					+ this.durableReplicas + " replicas within " + this.durableTimeout
					+ "; the answer is sent, but a failover now could lose the record");
		}
		return result;
	}

	/** How many completions were not acknowledged by the configured number of replicas in time. */
	long unreplicatedCompletions() {
		return this.unreplicatedCompletions.get();
	}

}
