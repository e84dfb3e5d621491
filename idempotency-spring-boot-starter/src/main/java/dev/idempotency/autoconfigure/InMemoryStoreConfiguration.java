package dev.idempotency.autoconfigure;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

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
		IdempotencyProperties.InMemory bounds = properties.getStore().getInMemory();
		logger.info("Idempotency store: in-memory (this instance only; records are lost on restart; at most "
				+ bounds.getMaxRecords() + " records and " + bounds.getMaxBytes() + " of answers)."
				+ " Configure Redis (spring.data.redis.*) to share records between instances.");
		return new InMemoryIdempotencyStore(bounds.getMaxRecords(), bounds.getMaxBytes().toBytes());
	}

}
