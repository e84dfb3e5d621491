package dev.idempotency.autoconfigure.actuate;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

import dev.idempotency.autoconfigure.IdempotencyAutoConfiguration;
import dev.idempotency.store.IdempotencyStore;

/** The {@link IdempotencyEndpoint}, when the actuator is present and the endpoint is enabled and exposed. */
@AutoConfiguration(after = IdempotencyAutoConfiguration.class)
@ConditionalOnClass(Endpoint.class)
@ConditionalOnBean(IdempotencyStore.class)
@ConditionalOnAvailableEndpoint(IdempotencyEndpoint.class)
public class IdempotencyEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	IdempotencyEndpoint idempotencyEndpoint(IdempotencyStore store) {
		return new IdempotencyEndpoint(store);
	}

}
