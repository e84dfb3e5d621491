package dev.idempotency.autoconfigure;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.idempotency.autoconfigure.IdempotencyProperties.StoreType;
import dev.idempotency.store.InMemoryIdempotencyStore;
import dev.idempotency.store.IdempotencyStore;

/** The in-memory store, when no other store was configured (imported after {@link RedisStoreConfiguration}). */
@Configuration(proxyBeanMethods = false)
class InMemoryStoreConfiguration {

	private static final Log logger = LogFactory.getLog(InMemoryStoreConfiguration.class);

	@Bean
	@ConditionalOnMissingBean(IdempotencyStore.class)
	InMemoryIdempotencyStore idempotencyStore(IdempotencyProperties properties) {
		if (properties.getStore().getType() == StoreType.REDIS) {
			throw new IllegalStateException("idempotency.store.type=redis, but no Redis connection factory is"
					+ " configured: add spring-boot-starter-data-redis and spring.data.redis.* settings");
		}
		if (properties.getStore().getType() == StoreType.JDBC) {
			throw new IllegalStateException("idempotency.store.type=jdbc, but there is no DataSource or no Spring JDBC:"
					+ " add spring-boot-starter-jdbc, a JDBC driver and spring.datasource.* settings");
		}
		IdempotencyProperties.InMemory bounds = properties.getStore().getInMemory();
		logger.info("Idempotency store: in-memory (this instance only; records are lost on restart; at most "
				+ bounds.getMaxRecords() + " records and " + bounds.getMaxBytes() + " of answers)."
				+ " Configure Redis (spring.data.redis.*) to share records between instances.");
		return new InMemoryIdempotencyStore(bounds.getMaxRecords(), bounds.getMaxBytes().toBytes());
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "io.micrometer.core.instrument.binder.MeterBinder")
	static class InMemoryStoreMetricsConfiguration {

		/** The in-memory store's fill and evictions: {@code idempotency.store.in-memory.*}. */
		@Bean
		MeterBinder idempotencyInMemoryStoreMetrics(ObjectProvider<IdempotencyStore> store) {
			return (registry) -> {
				if (store.getIfAvailable() instanceof InMemoryIdempotencyStore inMemory) {
					Gauge.builder("idempotency.store.in-memory.records", inMemory, InMemoryIdempotencyStore::size)
						.description("Entries held by the in-memory store (max-records bounds them)")
						.register(registry);
					Gauge.builder("idempotency.store.in-memory.bytes", inMemory, InMemoryIdempotencyStore::bytes)
						.description("Bytes of completed answers held by the in-memory store (max-bytes bounds them)")
						.baseUnit("bytes")
						.register(registry);
					FunctionCounter
						.builder("idempotency.store.in-memory.evictions", inMemory, InMemoryIdempotencyStore::evictions)
						.description("Completed records evicted before their retention to stay within the bounds")
						.register(registry);
				}
			};
		}

	}

}
