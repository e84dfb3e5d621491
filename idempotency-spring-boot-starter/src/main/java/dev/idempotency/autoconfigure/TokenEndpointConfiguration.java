package dev.idempotency.autoconfigure;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.idempotency.scope.IdempotencyScopeResolver;
import dev.idempotency.store.IdempotencyStore;
import dev.idempotency.token.IdempotencyTokenController;
import dev.idempotency.token.OneTimeTokens;

/**
 * The one-time token endpoint, with {@code idempotency.tokens.enabled=true}: tokens issued into the
 * idempotency store, bound to the scope the filter uses, at {@code idempotency.tokens.path}.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty("idempotency.tokens.enabled")
class TokenEndpointConfiguration {

	@Bean
	@ConditionalOnMissingBean
	OneTimeTokens idempotencyOneTimeTokens(IdempotencyStore store, IdempotencyProperties properties) {
		if (!store.supportsTokens()) {
			throw new IllegalStateException("idempotency.tokens.enabled=true needs a store with one-time tokens, but "
					+ store.getClass().getName() + " has none (IdempotencyStore.supportsTokens() is false)");
		}
		return new OneTimeTokens(store, properties.getTokens().getTtl());
	}

	@Bean
	@ConditionalOnMissingBean
	IdempotencyTokenController idempotencyTokenController(OneTimeTokens tokens, IdempotencyScopeResolver scopeResolver,
			IdempotencyProperties properties) {
		return new IdempotencyTokenController(tokens, scopeResolver, properties.getRetryAfter());
	}

}
