package dev.idempotency.autoconfigure;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;

import dev.idempotency.store.IdempotencyStore;
import dev.idempotency.store.redis.RedisIdempotencyStore;

/**
 * Warns at start-up when the connected Redis may evict keys ({@code maxmemory-policy} other than
 * {@code noeviction}): an evicted record turns a retry into a second execution. Runs on a background
 * thread so a slow or absent Redis never delays start-up; says nothing when Redis hides its configuration.
 */
class RedisEvictionPolicyCheck implements ApplicationListener<ApplicationReadyEvent> {

	private static final Log logger = LogFactory.getLog(RedisEvictionPolicyCheck.class);

	private final ObjectProvider<IdempotencyStore> store;

	RedisEvictionPolicyCheck(ObjectProvider<IdempotencyStore> store) {
		this.store = store;
	}

	@Override
	public void onApplicationEvent(ApplicationReadyEvent event) {
		if (this.store.getIfAvailable() instanceof RedisIdempotencyStore redisStore) {
			Thread check = new Thread(() -> check(redisStore), "idempotency-redis-policy-check");
			check.setDaemon(true);
			check.start();
		}
	}

	/** Logs a warning when the policy is known and is not {@code noeviction}; returns the policy. */
	static String check(RedisIdempotencyStore store) {
		String policy = store.maxmemoryPolicy();
		if (policy != null && !policy.equalsIgnoreCase("noeviction")) {
			logger.warn("Redis maxmemory-policy is '" + policy + "': under memory pressure Redis may evict"
					+ " idempotency records, and a retry would then run again. Use 'maxmemory-policy noeviction'"
					+ " for the Redis that holds idempotency records.");
		}
		return policy;
	}

}
