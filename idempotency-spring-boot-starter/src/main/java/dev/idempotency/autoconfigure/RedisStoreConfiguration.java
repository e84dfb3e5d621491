package dev.idempotency.autoconfigure;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.connection.RedisConnectionFactory;

import dev.idempotency.autoconfigure.IdempotencyProperties.StoreType;
import dev.idempotency.store.IdempotencyStore;
import dev.idempotency.store.redis.RedisIdempotencyStore;

/** The Redis store, when a Redis connection factory exists and the store type is 'auto' or 'redis'. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass({ RedisConnectionFactory.class, ReactiveRedisConnectionFactory.class })
@ConditionalOnBean(RedisConnectionFactory.class)
@Conditional(RedisStoreConfiguration.RedisStoreTypeCondition.class)
class RedisStoreConfiguration {

	private static final Log logger = LogFactory.getLog(RedisStoreConfiguration.class);

	@Bean
	@ConditionalOnMissingBean(IdempotencyStore.class)
	RedisIdempotencyStore idempotencyStore(RedisConnectionFactory connectionFactory, IdempotencyProperties properties) {
		if (!(connectionFactory instanceof ReactiveRedisConnectionFactory reactiveConnectionFactory)) {
			throw new IllegalStateException("The idempotency Redis store needs Lettuce (a ReactiveRedisConnectionFactory),"
					+ " but the Redis connection factory is a " + connectionFactory.getClass().getName()
					+ ". Use Lettuce (the default of spring-boot-starter-data-redis) or define an IdempotencyStore bean.");
		}
		IdempotencyProperties.Store store = properties.getStore();
		logger.info("Idempotency store: Redis (key prefix '" + properties.getKeyPrefix() + "', call timeout "
				+ store.getTimeout() + ((store.getDurableReplicas() > 0) ? ", durable completion on "
						+ store.getDurableReplicas() + " replica(s) within " + store.getDurableTimeout() : "")
				+ ")");
		return new RedisIdempotencyStore(reactiveConnectionFactory, properties.getKeyPrefix(), store.getTimeout(),
				store.getDurableReplicas(), store.getDurableTimeout());
	}

	@Bean
	RedisEvictionPolicyCheck idempotencyRedisEvictionPolicyCheck(ObjectProvider<IdempotencyStore> store) {
		return new RedisEvictionPolicyCheck(store);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "io.micrometer.core.instrument.binder.MeterBinder")
	static class RedisStoreMetricsConfiguration {

		/** {@code idempotency.store.unreplicated.completions}: durable completions WAIT could not confirm. */
		@Bean
		io.micrometer.core.instrument.binder.MeterBinder idempotencyRedisStoreMetrics(ObjectProvider<IdempotencyStore> store) {
			return (registry) -> {
				if (store.getIfAvailable() instanceof RedisIdempotencyStore redisStore) {
					io.micrometer.core.instrument.FunctionCounter
						.builder("idempotency.store.unreplicated.completions", redisStore,
								RedisIdempotencyStore::unreplicatedCompletions)
						.description("Durable completions that the configured replicas did not acknowledge in time")
						.register(registry);
				}
			};
		}

	}

	static final class RedisStoreTypeCondition extends SpringBootCondition {

		@Override
		public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
			StoreType type = Binder.get(context.getEnvironment())
				.bind("idempotency.store.type", StoreType.class)
				.orElse(StoreType.AUTO);
			return (type == StoreType.AUTO || type == StoreType.REDIS)
					? ConditionOutcome.match("idempotency.store.type is " + type)
					: ConditionOutcome.noMatch("idempotency.store.type is " + type);
		}

	}

}
