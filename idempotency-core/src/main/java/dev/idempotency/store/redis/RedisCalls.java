package dev.idempotency.store.redis;

import java.time.Duration;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import dev.idempotency.store.IdempotencyStoreException;

/**
 * Runs the {@link RedisIdempotencyStore}'s commands, each returning or failing within the timeout, any
 * failure as an {@link IdempotencyStoreException}. Until the connection has answered once (and again
 * after any failure) a command is subscribed on another thread, because opening Lettuce's shared
 * connection blocks the subscriber for the whole handshake, which only the client's own command
 * timeout bounds; once connected, Lettuce reconnects in the background and commands never block.
 */
final class RedisCalls {

	private final Duration timeout;

	private volatile boolean connected;

	RedisCalls(Duration timeout) {
		this.timeout = timeout;
	}

	/** Runs one reactive command, waiting at most the timeout for its first element. */
	<T> @Nullable T reactive(String operation, Flux<T> command) {
		Mono<T> reply = command.next();
		try {
			T result = (this.connected ? reply : reply.subscribeOn(Schedulers.boundedElastic())).block(this.timeout);
			this.connected = true;
			return result;
		}
		catch (RuntimeException ex) {
			this.connected = false;
			throw new IdempotencyStoreException("Redis " + operation + " failed: " + ex.getMessage(), ex);
		}
	}

	/** Runs a command that bounds its own wait by the timeout, on the caller's thread once connected. */
	<T> @Nullable T blocking(String operation, Supplier<@Nullable T> command) {
		if (!this.connected) {
			return reactive(operation, Mono.fromSupplier(command).flux());
		}
		try {
			return command.get();
		}
		catch (RuntimeException ex) {
			this.connected = false;
			throw new IdempotencyStoreException("Redis " + operation + " failed: " + ex.getMessage(), ex);
		}
	}

}
