package dev.idempotency.autoconfigure;

import java.lang.reflect.Method;
import java.util.List;
import java.util.function.Function;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.MultipartConfigElement;
import jakarta.servlet.ServletRequestListener;
import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingFilterBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.web.servlet.ServletListenerRegistrationBean;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;
import org.springframework.web.servlet.HandlerMapping;

import dev.idempotency.IdempotencyFilter;
import dev.idempotency.IdempotencyObserver;
import dev.idempotency.IdempotencyOutcome;
import dev.idempotency.IdempotencySettings;
import dev.idempotency.handler.HandlerMappingIdempotentHandlerResolver;
import dev.idempotency.handler.IdempotentHandlerInvocationPostProcessor;
import dev.idempotency.handler.IdempotentHandlerResolver;
import dev.idempotency.scope.IdempotencyScopeResolver;
import dev.idempotency.scope.IdempotencyScopes;
import dev.idempotency.scope.PrincipalScopeResolver;
import dev.idempotency.store.IdempotencyStore;

/**
 * Auto-configures the {@link IdempotencyFilter} for servlet web applications: a Redis store when a Redis
 * connection factory exists (Spring Boot's Redis auto-configuration, {@code spring.data.redis.*}), an
 * in-memory store otherwise, the JDBC store on the application's {@code DataSource} with
 * {@code idempotency.store.type=jdbc}, the scope from {@code idempotency.scope}, and the filter registered right
 * after Spring Security's filter chain, serving multipart bodies under the application's
 * {@link MultipartConfigElement} ({@code spring.servlet.multipart.*}). Every bean backs off when the
 * application defines its own; {@code idempotency.enabled=false} switches it all off.
 */
@AutoConfiguration(afterName = { "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration",
		"org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
		"org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration" })
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({ IdempotencyFilter.class, HandlerMapping.class })
@ConditionalOnBooleanProperty(name = "idempotency.enabled", matchIfMissing = true)
@EnableConfigurationProperties(IdempotencyProperties.class)
@Import({ RedisStoreConfiguration.class, JdbcStoreConfiguration.class, InMemoryStoreConfiguration.class,
		TokenEndpointConfiguration.class })
public class IdempotencyAutoConfiguration {

	/** Spring Security's default filter chain order ({@code SecurityFilterProperties.DEFAULT_FILTER_ORDER}). */
	static final int DEFAULT_SECURITY_FILTER_ORDER = -100;

	private static final boolean JDBC_PRESENT = ClassUtils.isPresent("org.springframework.jdbc.core.JdbcTemplate",
			IdempotencyAutoConfiguration.class.getClassLoader());

	@Bean
	@ConditionalOnMissingBean
	IdempotencyScopeResolver idempotencyScopeResolver(IdempotencyProperties properties) {
		return IdempotencyScopes.fromString(properties.getScope(), principalName());
	}

	@Bean
	@ConditionalOnMissingBean
	IdempotentHandlerResolver idempotentHandlerResolver(ApplicationContext context,
			ObjectProvider<IdempotencyStore> store) {
		HandlerMappingIdempotentHandlerResolver resolver = new HandlerMappingIdempotentHandlerResolver(context);
		resolver.setTokenHandlersCheck((methods) -> checkTokenSupport(store.getIfAvailable(), methods));
		return resolver;
	}

	/**
	 * Fails start-up on a malformed {@code @Idempotent} instead of the first request to that handler, and
	 * on token-required handlers with a store that has no one-time tokens.
	 */
	@Bean
	static SmartInitializingSingleton idempotentHandlerValidation(ObjectProvider<IdempotentHandlerResolver> resolver,
			ObjectProvider<IdempotencyStore> store, ObjectProvider<FilterRegistrationBean<IdempotencyFilter>> filter) {
		return () -> {
			if (resolver.getIfAvailable() instanceof HandlerMappingIdempotentHandlerResolver handlers) {
				handlers.validateHandlers();
				checkTokenSupport(store.getIfAvailable(), handlers.tokenRequiredHandlers());
				FilterRegistrationBean<IdempotencyFilter> registration = filter.getIfAvailable();
				if (registration != null && registration.getFilter().isTransactionalCompletion()) {
					TransactionalCompletions.warnAboutAsyncHandlers(handlers.idempotentHandlerMethods());
				}
			}
		};
	}

	private static void checkTokenSupport(@Nullable IdempotencyStore store, List<Method> tokenHandlers) {
		if (store != null && !store.supportsTokens() && !tokenHandlers.isEmpty()) {
			throw new IllegalStateException("@Idempotent(tokenRequired = true) on " + tokenHandlers
					+ " needs a store with one-time tokens, but " + store.getClass().getName()
					+ " has none (IdempotencyStore.supportsTokens() is false)");
		}
	}

	@Bean
	@ConditionalOnMissingFilterBean(IdempotencyFilter.class)
	FilterRegistrationBean<IdempotencyFilter> idempotencyFilterRegistration(IdempotencyStore store,
			IdempotentHandlerResolver handlerResolver, IdempotencyScopeResolver scopeResolver,
			ObjectProvider<IdempotencyObserver> observers, ObjectProvider<MultipartConfigElement> multipartConfig,
			IdempotencyProperties properties, Environment environment, ListableBeanFactory beans) {
		IdempotencySettings settings = properties.toSettings().setMultipartConfig(multipartConfig.getIfAvailable());
		IdempotencyObserver observer = observer(observers.orderedStream().toList());
		IdempotencyFilter filter = JDBC_PRESENT
				? TransactionalCompletions.filter(beans, store, handlerResolver, scopeResolver, settings, observer, properties)
				: new IdempotencyFilter(store, handlerResolver, scopeResolver, settings, observer);
		FilterRegistrationBean<IdempotencyFilter> registration = new FilterRegistrationBean<>(filter);
		registration.setName("idempotencyFilter");
		registration.setDispatcherTypes(DispatcherType.REQUEST, DispatcherType.ASYNC, DispatcherType.ERROR,
				DispatcherType.FORWARD);
		registration.setAsyncSupported(true);
		Integer order = properties.getFilterOrder();
		registration.setOrder((order != null) ? order
				: environment.getProperty("spring.security.filter.order", Integer.class, DEFAULT_SECURITY_FILTER_ORDER)
						+ 1);
		return registration;
	}

	/** Settles every claimed request when it ends, also where its error page never reaches the filter. */
	@Bean
	@ConditionalOnBean(name = "idempotencyFilterRegistration")
	ServletListenerRegistrationBean<ServletRequestListener> idempotencyRequestListener(
			FilterRegistrationBean<IdempotencyFilter> idempotencyFilterRegistration) {
		return new ServletListenerRegistrationBean<>(idempotencyFilterRegistration.getFilter().requestListener());
	}

	/** Lets the filter tell an answer of an {@code @Idempotent} method from one given before it ran. */
	@Bean
	@ConditionalOnMissingBean
	static IdempotentHandlerInvocationPostProcessor idempotentHandlerInvocationPostProcessor() {
		return new IdempotentHandlerInvocationPostProcessor();
	}

	private static Function<HttpServletRequest, @Nullable String> principalName() {
		if (ClassUtils.isPresent("org.springframework.security.core.context.SecurityContextHolder",
				IdempotencyAutoConfiguration.class.getClassLoader())) {
			return SpringSecurityPrincipal::name;
		}
		return PrincipalScopeResolver::servletPrincipalName;
	}

	private static IdempotencyObserver observer(List<IdempotencyObserver> observers) {
		if (observers.isEmpty()) {
			return IdempotencyObserver.NONE;
		}
		if (observers.size() == 1) {
			return observers.get(0);
		}
		return new IdempotencyObserver() {

			@Override
			public void onOutcome(IdempotencyOutcome outcome) {
				observers.forEach((observer) -> observer.onOutcome(outcome));
			}

			@Override
			public void onLeaseExtended() {
				observers.forEach(IdempotencyObserver::onLeaseExtended);
			}

			@Override
			public void onStoreCall(String operation, long nanos, boolean failed) {
				observers.forEach((observer) -> observer.onStoreCall(operation, nanos, failed));
			}

		};
	}

}
