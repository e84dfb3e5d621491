package dev.idempotency.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import com.jayway.jsonpath.JsonPath;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.servlet.DispatcherType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.ApplicationContextAssertProvider;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.web.servlet.ServletListenerRegistrationBean;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.ResolvableType;
import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.test.util.ReflectionTestUtils;
import org.springframework.util.unit.DataSize;
import org.springframework.web.servlet.HandlerMapping;

import dev.idempotency.IdempotencyFilter;
import dev.idempotency.IdempotencyObserver;
import dev.idempotency.IdempotencyOutcome;
import dev.idempotency.IdempotencySettings;
import dev.idempotency.ServerErrorMode;
import dev.idempotency.StoreFailureMode;
import dev.idempotency.autoconfigure.IdempotencyProperties.StoreType;
import dev.idempotency.handler.HandlerMappingIdempotentHandlerResolver;
import dev.idempotency.handler.IdempotentHandlerResolver;
import dev.idempotency.key.RecordIds;
import dev.idempotency.scope.IdempotencyScopeResolver;
import dev.idempotency.store.CompletedRecord;
import dev.idempotency.store.InMemoryIdempotencyStore;
import dev.idempotency.store.IdempotencyStore;
import dev.idempotency.store.InProgressRecord;
import dev.idempotency.token.IdempotencyTokenController;
import dev.idempotency.token.OneTimeTokens;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The auto-configuration without a Redis server: store selection, back-off, switches and property binding.
 * The cases that need a running Redis are in {@link IdempotencyRedisAutoConfigurationTests}.
 */
class IdempotencyAutoConfigurationTests {

	/** Every property of {@link IdempotencyProperties}, as named in configuration files. */
	static final List<String> ALL_PROPERTIES = List.of("idempotency.enabled", "idempotency.header-name",
			"idempotency.lenient-keys", "idempotency.max-key-length", "idempotency.scope", "idempotency.key-prefix",
			"idempotency.lease", "idempotency.retention", "idempotency.lease-heartbeat", "idempotency.retry-after",
			"idempotency.on-store-failure", "idempotency.on-server-error", "idempotency.max-request-body",
			"idempotency.max-response-body", "idempotency.replayed-headers", "idempotency.fingerprinted-headers",
			"idempotency.filter-order", "idempotency.store.type", "idempotency.store.timeout",
			"idempotency.store.durable-replicas", "idempotency.store.durable-timeout", "idempotency.store.retry-budget",
			"idempotency.store.in-memory.max-records", "idempotency.store.in-memory.max-bytes",
			"idempotency.store.jdbc.initialize-schema", "idempotency.store.jdbc.table-name",
			"idempotency.store.jdbc.cleanup-cron", "idempotency.store.jdbc.transactional-completion",
			"idempotency.tokens.enabled",
			"idempotency.tokens.path", "idempotency.tokens.ttl");

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(IdempotencyAutoConfiguration.class));

	@AfterEach
	void clearSecurityContext() {
		SecurityContextHolder.clearContext();
	}

	@Test
	void withoutRedisConnectionFactoryTheStoreIsInMemory() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasSingleBean(IdempotencyStore.class);
			assertThat(context).hasSingleBean(InMemoryIdempotencyStore.class);
			assertThat(context).doesNotHaveBean(RedisConnectionFactory.class);
			assertThat(context).doesNotHaveBean(RedisEvictionPolicyCheck.class);
			assertThat(idempotencyFilter(context)).hasFieldOrPropertyWithValue("store.store",
					context.getBean(IdempotencyStore.class));
		});
	}

	@Test
	void withoutSpringDataRedisOnTheClassPathTheStoreIsInMemory() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(RedisConnectionFactory.class)).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasSingleBean(InMemoryIdempotencyStore.class);
			assertThat(context).doesNotHaveBean(RedisEvictionPolicyCheck.class);
		});
	}

	@Test
	void spec7_requestListenerThatSettlesEndedRequestsIsRegisteredWithTheFilter() {
		this.contextRunner.run((context) -> {
			ServletListenerRegistrationBean<?> listener = context.getBean("idempotencyRequestListener",
					ServletListenerRegistrationBean.class);
			assertThat(listener.getListener()).isInstanceOf(dev.idempotency.execution.ExecutionRequestListener.class);
		});
	}

	@Test
	void spec7_handlerInvocationPostProcessorIsRegisteredAndBacksOffForTheApplicationsOwn() {
		this.contextRunner.run((context) -> assertThat(context)
			.hasSingleBean(dev.idempotency.handler.IdempotentHandlerInvocationPostProcessor.class));
		this.contextRunner.withBean("myPostProcessor", dev.idempotency.handler.IdempotentHandlerInvocationPostProcessor.class)
			.run((context) -> assertThat(context)
				.getBeanNames(dev.idempotency.handler.IdempotentHandlerInvocationPostProcessor.class)
				.containsExactly("myPostProcessor"));
	}

	@Test
	void filterIsRegisteredAsIdempotencyFilterRightAfterSpringSecurityForRequestAsyncErrorAndForwardDispatches() {
		this.contextRunner.run((context) -> {
			FilterRegistrationBean<IdempotencyFilter> registration = idempotencyFilterRegistration(context);
			assertThat(registration.getFilterName()).isEqualTo("idempotencyFilter");
			assertThat(registration.getFilter()).isInstanceOf(IdempotencyFilter.class);
			assertThat(registration.getOrder()).isEqualTo(-99);
			assertThat(registration.determineDispatcherTypes()).containsExactlyInAnyOrder(DispatcherType.REQUEST,
					DispatcherType.ASYNC, DispatcherType.ERROR, DispatcherType.FORWARD);
			assertThat(registration.isAsyncSupported()).isTrue();
			assertThat(registration.isEnabled()).isTrue();
		});
	}

	@Test
	void filterUsesTheAutoConfiguredStoreScopeAndHandlerResolvers() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(IdempotencyScopeResolver.class);
			assertThat(context).hasSingleBean(IdempotentHandlerResolver.class);
			assertThat(context.getBean(IdempotentHandlerResolver.class))
				.isInstanceOf(HandlerMappingIdempotentHandlerResolver.class);
			IdempotencyFilter filter = idempotencyFilter(context);
			assertThat(filter).hasFieldOrPropertyWithValue("store.store", context.getBean(IdempotencyStore.class))
				.hasFieldOrPropertyWithValue("requests.scopeResolver", context.getBean(IdempotencyScopeResolver.class))
				.hasFieldOrPropertyWithValue("handlerResolver", context.getBean(IdempotentHandlerResolver.class))
				.hasFieldOrPropertyWithValue("observer", IdempotencyObserver.NONE);
		});
	}

	@Test
	void storeTypeRedisWithoutRedisConnectionFactoryFailsToStart() {
		this.contextRunner.withPropertyValues("idempotency.store.type=redis").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(IllegalStateException.class)
				.hasMessageContaining("idempotency.store.type=redis");
		});
	}

	@Test
	void storeTypeRedisWithoutSpringDataRedisOnTheClassPathFailsToStart() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(RedisConnectionFactory.class))
			.withPropertyValues("idempotency.store.type=redis")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.hasMessageContaining("idempotency.store.type=redis");
			});
	}

	@Test
	void spec5_inMemoryStoreBoundsBindAndReachTheStore() {
		this.contextRunner
			.withPropertyValues("idempotency.store.in-memory.max-records=1234", "idempotency.store.in-memory.max-bytes=5MB")
			.run((context) -> {
				InMemoryIdempotencyStore store = context.getBean(InMemoryIdempotencyStore.class);
				assertThat(store.maxRecords()).isEqualTo(1234);
				assertThat(store.maxBytes()).isEqualTo(5L * 1024 * 1024);
			});
	}

	@Test
	void spec5_inMemoryStoreBoundsDefaultToTheStoreDefaults() {
		this.contextRunner.run((context) -> {
			InMemoryIdempotencyStore store = context.getBean(InMemoryIdempotencyStore.class);
			assertThat(store.maxRecords()).isEqualTo(InMemoryIdempotencyStore.DEFAULT_MAX_RECORDS);
			assertThat(store.maxBytes()).isEqualTo(InMemoryIdempotencyStore.DEFAULT_MAX_BYTES);
		});
	}

	@Test
	void inMemoryStoreFillAndEvictionsAreMeters() {
		this.contextRunner.withPropertyValues("idempotency.store.in-memory.max-records=1").run((context) -> {
			InMemoryIdempotencyStore store = context.getBean(InMemoryIdempotencyStore.class);
			SimpleMeterRegistry registry = new SimpleMeterRegistry();
			context.getBean("idempotencyInMemoryStoreMetrics", MeterBinder.class).bindTo(registry);
			for (String id : List.of("a", "b")) {
				store.claim(id, new InProgressRecord("v1:fp", Instant.EPOCH), "owner", Duration.ofMinutes(1));
				store.complete(id, "owner", new CompletedRecord("v1:fp", Instant.EPOCH, Instant.EPOCH, 200, List.of(),
						new byte[10], true), Duration.ofHours(1));
			}
			assertThat(registry.get("idempotency.store.in-memory.records").gauge().value()).isEqualTo(1);
			assertThat(registry.get("idempotency.store.in-memory.bytes").gauge().value()).isEqualTo(10);
			assertThat(registry.get("idempotency.store.in-memory.evictions").functionCounter().count()).isEqualTo(1);
		});
	}

	@Test
	void spec5_inMemoryStoreWithoutRoomForARecordFailsAtStartUp() {
		this.contextRunner.withPropertyValues("idempotency.store.in-memory.max-records=0").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("maxRecords must be positive");
		});
	}

	@Test
	void storeTypeInMemoryWithoutRedisGivesTheInMemoryStore() {
		this.contextRunner.withPropertyValues("idempotency.store.type=in-memory")
			.run((context) -> assertThat(context).hasSingleBean(InMemoryIdempotencyStore.class));
	}

	@Test
	void userDefinedStoreReplacesTheAutoConfiguredOne() {
		this.contextRunner.withUserConfiguration(UserStoreConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(IdempotencyStore.class);
			assertThat(context).doesNotHaveBean("idempotencyStore");
			assertThat(context.getBean(IdempotencyStore.class)).isSameAs(UserStoreConfiguration.STORE);
			assertThat(idempotencyFilter(context)).hasFieldOrPropertyWithValue("store.store", UserStoreConfiguration.STORE);
		});
	}

	@Test
	void userDefinedStoreIsUsedEvenWithStoreTypeRedisAndNoRedis() {
		this.contextRunner.withUserConfiguration(UserStoreConfiguration.class)
			.withPropertyValues("idempotency.store.type=redis")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(idempotencyFilter(context)).hasFieldOrPropertyWithValue("store.store",
						UserStoreConfiguration.STORE);
			});
	}

	@Test
	void spec3_userDefinedScopeResolverReplacesTheAutoConfiguredOne() {
		this.contextRunner.withUserConfiguration(UserScopeResolverConfiguration.class)
			.withPropertyValues("idempotency.scope=global")
			.run((context) -> {
				assertThat(context).hasSingleBean(IdempotencyScopeResolver.class);
				assertThat(context.getBean(IdempotencyScopeResolver.class))
					.isSameAs(UserScopeResolverConfiguration.RESOLVER);
				assertThat(idempotencyFilter(context)).hasFieldOrPropertyWithValue("requests.scopeResolver",
						UserScopeResolverConfiguration.RESOLVER);
			});
	}

	@Test
	void spec3_userDefinedScopeResolverWinsOverAnInvalidScopeProperty() {
		this.contextRunner.withUserConfiguration(UserScopeResolverConfiguration.class)
			.withPropertyValues("idempotency.scope=tenant")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(idempotencyFilter(context)).hasFieldOrPropertyWithValue("requests.scopeResolver",
						UserScopeResolverConfiguration.RESOLVER);
			});
	}

	@Test
	void userDefinedHandlerResolverReplacesTheAutoConfiguredOne() {
		this.contextRunner.withUserConfiguration(UserHandlerResolverConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(IdempotentHandlerResolver.class);
			assertThat(context.getBean(IdempotentHandlerResolver.class))
				.isSameAs(UserHandlerResolverConfiguration.RESOLVER);
			assertThat(idempotencyFilter(context)).hasFieldOrPropertyWithValue("handlerResolver",
					UserHandlerResolverConfiguration.RESOLVER);
		});
	}

	@Test
	void userDefinedFilterRegistrationReplacesTheAutoConfiguredOne() {
		this.contextRunner.withUserConfiguration(UserFilterRegistrationConfiguration.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean("idempotencyFilterRegistration");
			assertThat(filterRegistrations(context)).hasSize(1);
			FilterRegistrationBean<?> registration = filterRegistrations(context).get(0);
			assertThat(registration.getFilterName()).isEqualTo("myIdempotencyFilter");
			assertThat(filterRegistrations(context)).noneMatch(
					(candidate) -> "idempotencyFilter".equals(candidate.getFilterName()));
		});
	}

	@Test
	void userDefinedFilterBeanReplacesTheAutoConfiguredRegistration() {
		this.contextRunner.withUserConfiguration(UserFilterConfiguration.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasSingleBean(IdempotencyFilter.class);
			assertThat(context).doesNotHaveBean("idempotencyFilterRegistration");
			assertThat(filterRegistrations(context)).isEmpty();
		});
	}

	@Test
	void oneObserverBeanIsHandedToTheFilter() {
		this.contextRunner.withUserConfiguration(OneObserverConfiguration.class).run((context) -> {
			assertThat(idempotencyFilter(context)).hasFieldOrPropertyWithValue("observer",
					context.getBean(IdempotencyObserver.class));
		});
	}

	@Test
	void severalObserverBeansAreAllTold() {
		this.contextRunner.withUserConfiguration(TwoObserversConfiguration.class).run((context) -> {
			IdempotencyObserver observer = (IdempotencyObserver) ReflectionTestUtils
				.getField(idempotencyFilter(context), "observer");
			assertThat(observer).isNotNull();
			observer.onOutcome(IdempotencyOutcome.REPLAYED);
			observer.onLeaseExtended();
			for (RecordingObserver recording : context.getBeansOfType(RecordingObserver.class).values()) {
				assertThat(recording.outcomes).containsExactly(IdempotencyOutcome.REPLAYED);
				assertThat(recording.leaseExtensions).isEqualTo(1);
			}
			assertThat(context.getBeansOfType(RecordingObserver.class)).hasSize(2);
		});
	}

	@Test
	void disabledConfiguresNothing() {
		this.contextRunner.withPropertyValues("idempotency.enabled=false").run((context) -> {
			assertThat(context).hasNotFailed();
			assertNoIdempotencyBeans(context);
		});
	}

	@Test
	void disabledConfiguresNothingEvenWithInvalidSettings() {
		this.contextRunner
			.withPropertyValues("idempotency.enabled=false", "idempotency.scope=tenant",
					"idempotency.store.type=redis")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertNoIdempotencyBeans(context);
			});
	}

	@Test
	void nonWebApplicationConfiguresNothing() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(IdempotencyAutoConfiguration.class))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertNoIdempotencyBeans(context);
			});
	}

	@Test
	void withoutSpringMvcOnTheClassPathNothingIsConfigured() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(HandlerMapping.class)).run((context) -> {
			assertThat(context).hasNotFailed();
			assertNoIdempotencyBeans(context);
		});
	}

	@Test
	void defaultsMatchTheCoreSettings() {
		this.contextRunner.run((context) -> {
			IdempotencyProperties properties = context.getBean(IdempotencyProperties.class);
			IdempotencySettings settings = properties.toSettings();
			IdempotencySettings defaults = new IdempotencySettings();
			assertThat(properties.isEnabled()).isTrue();
			assertThat(properties.getScope()).isEqualTo("principal");
			assertThat(properties.getKeyPrefix()).isEqualTo("idempotency:");
			assertThat(properties.getFilterOrder()).isNull();
			assertThat(properties.getStore().getType()).isEqualTo(StoreType.AUTO);
			assertThat(properties.getStore().getTimeout()).isEqualTo(Duration.ofSeconds(2));
			assertThat(properties.getStore().getDurableReplicas()).isZero();
			assertThat(properties.getStore().getDurableTimeout()).isEqualTo(Duration.ofSeconds(1));
			assertThat(properties.getTokens().isEnabled()).isFalse();
			assertThat(properties.getTokens().getPath()).isEqualTo("/idempotency-tokens");
			assertThat(properties.getTokens().getTtl()).isEqualTo(Duration.ofHours(1));
			assertThat(settings).usingRecursiveComparison().isEqualTo(defaults);
		});
	}

	@Test
	void everyPropertyIsBoundAndReachesTheSettings() {
		this.contextRunner
			.withPropertyValues("idempotency.header-name=X-Idempotency-Key", "idempotency.lenient-keys=false",
					"idempotency.max-key-length=64", "idempotency.scope=header:X-Tenant",
					"idempotency.key-prefix=orders:", "idempotency.lease=10s", "idempotency.retention=48h",
					"idempotency.lease-heartbeat=false", "idempotency.retry-after=3s",
					"idempotency.on-store-failure=proceed", "idempotency.on-server-error=store",
					"idempotency.max-request-body=2MB", "idempotency.max-response-body=512KB",
					"idempotency.replayed-headers=X-Request-Id", "idempotency.fingerprinted-headers=X-Tenant",
					"idempotency.filter-order=5", "idempotency.store.type=in-memory",
					"idempotency.store.timeout=750ms", "idempotency.store.durable-replicas=2",
					"idempotency.store.durable-timeout=250ms", "idempotency.store.retry-budget=15s",
					"idempotency.tokens.enabled=true",
					"idempotency.tokens.path=/tokens", "idempotency.tokens.ttl=5m")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				IdempotencyProperties properties = context.getBean(IdempotencyProperties.class);
				assertThat(properties.isEnabled()).isTrue();
				assertThat(properties.getHeaderName()).isEqualTo("X-Idempotency-Key");
				assertThat(properties.isLenientKeys()).isFalse();
				assertThat(properties.getMaxKeyLength()).isEqualTo(64);
				assertThat(properties.getScope()).isEqualTo("header:X-Tenant");
				assertThat(properties.getKeyPrefix()).isEqualTo("orders:");
				assertThat(properties.getLease()).isEqualTo(Duration.ofSeconds(10));
				assertThat(properties.getRetention()).isEqualTo(Duration.ofHours(48));
				assertThat(properties.isLeaseHeartbeat()).isFalse();
				assertThat(properties.getRetryAfter()).isEqualTo(Duration.ofSeconds(3));
				assertThat(properties.getOnStoreFailure()).isEqualTo(StoreFailureMode.PROCEED);
				assertThat(properties.getOnServerError()).isEqualTo(ServerErrorMode.STORE);
				assertThat(properties.getMaxRequestBody()).isEqualTo(DataSize.ofMegabytes(2));
				assertThat(properties.getMaxResponseBody()).isEqualTo(DataSize.ofKilobytes(512));
				assertThat(properties.getReplayedHeaders()).containsExactly("X-Request-Id");
				assertThat(properties.getFingerprintedHeaders()).containsExactly("X-Tenant");
				assertThat(properties.getFilterOrder()).isEqualTo(5);
				assertThat(properties.getStore().getType()).isEqualTo(StoreType.IN_MEMORY);
				assertThat(properties.getStore().getTimeout()).isEqualTo(Duration.ofMillis(750));
				assertThat(properties.getStore().getDurableReplicas()).isEqualTo(2);
				assertThat(properties.getStore().getDurableTimeout()).isEqualTo(Duration.ofMillis(250));
				assertThat(properties.getStore().getRetryBudget()).isEqualTo(Duration.ofSeconds(15));
				assertThat(properties.getTokens().isEnabled()).isTrue();
				assertThat(properties.getTokens().getPath()).isEqualTo("/tokens");
				assertThat(properties.getTokens().getTtl()).isEqualTo(Duration.ofMinutes(5));
				assertThat(context.getBean(OneTimeTokens.class).ttl()).isEqualTo(Duration.ofMinutes(5));

				IdempotencySettings settings = properties.toSettings();
				assertThat(settings.getHeaderName()).isEqualTo("X-Idempotency-Key");
				assertThat(settings.isLenientKeys()).isFalse();
				assertThat(settings.getMaxKeyLength()).isEqualTo(64);
				assertThat(settings.getLease()).isEqualTo(Duration.ofSeconds(10));
				assertThat(settings.getRetention()).isEqualTo(Duration.ofHours(48));
				assertThat(settings.isLeaseHeartbeat()).isFalse();
				assertThat(settings.getRetryAfter()).isEqualTo(Duration.ofSeconds(3));
				assertThat(settings.getOnStoreFailure()).isEqualTo(StoreFailureMode.PROCEED);
				assertThat(settings.getOnServerError()).isEqualTo(ServerErrorMode.STORE);
				assertThat(settings.getMaxRequestBody()).isEqualTo(DataSize.ofMegabytes(2));
				assertThat(settings.getMaxResponseBody()).isEqualTo(DataSize.ofKilobytes(512));
				assertThat(settings.getReplayedHeaders()).containsExactly("X-Request-Id");
				assertThat(settings.getFingerprintedHeaders()).containsExactly("X-Tenant");
				assertThat(settings.getStoreRetryBudget()).isEqualTo(Duration.ofSeconds(15));

				assertThat(context).hasSingleBean(InMemoryIdempotencyStore.class);
				assertThat(idempotencyFilterRegistration(context).getOrder()).isEqualTo(5);
				IdempotencyFilter filter = idempotencyFilter(context);
				assertThat(filter).hasFieldOrPropertyWithValue("requests.headerName", "X-Idempotency-Key")
					.hasFieldOrPropertyWithValue("lease", Duration.ofSeconds(10))
					.hasFieldOrPropertyWithValue("requests.retention", Duration.ofHours(48))
					.hasFieldOrPropertyWithValue("dispatches.leases.enabled", false)
					.hasFieldOrPropertyWithValue("retryAfter", Duration.ofSeconds(3))
					.hasFieldOrPropertyWithValue("onStoreFailure", StoreFailureMode.PROCEED)
					.hasFieldOrPropertyWithValue("dispatches.onServerError", ServerErrorMode.STORE)
					.hasFieldOrPropertyWithValue("requests.maxRequestBody", 2 * 1024 * 1024)
					.hasFieldOrPropertyWithValue("maxResponseBody", 512 * 1024);

				MockHttpServletRequest request = new MockHttpServletRequest("POST", "/orders");
				request.addHeader("X-Tenant", "acme");
				assertThat(context.getBean(IdempotencyScopeResolver.class).resolveScope(request))
					.isEqualTo("header:acme");
			});
	}

	@Test
	void registrationOrderFollowsSpringSecurityFilterOrder() {
		this.contextRunner.withPropertyValues("spring.security.filter.order=10")
			.run((context) -> assertThat(idempotencyFilterRegistration(context).getOrder()).isEqualTo(11));
	}

	@Test
	void explicitFilterOrderWinsOverSpringSecurityFilterOrder() {
		this.contextRunner.withPropertyValues("spring.security.filter.order=10", "idempotency.filter-order=5")
			.run((context) -> assertThat(idempotencyFilterRegistration(context).getOrder()).isEqualTo(5));
	}

	@Test
	void spec3_invalidScopeFailsNamingTheAcceptedForms() {
		this.contextRunner.withPropertyValues("idempotency.scope=tenant").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(IllegalArgumentException.class)
				.hasMessageContaining("'tenant'")
				.hasMessageContaining("principal, global or header:<name>");
		});
	}

	@Test
	void spec3_headerScopeWithoutHeaderNameFailsNamingTheAcceptedForms() {
		this.contextRunner.withPropertyValues("idempotency.scope=header:").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("principal, global or header:<name>");
		});
	}

	@Test
	void spec3_globalScopePutsEveryRequestInOneScope() {
		this.contextRunner.withPropertyValues("idempotency.scope=global").run((context) -> {
			IdempotencyScopeResolver resolver = context.getBean(IdempotencyScopeResolver.class);
			MockHttpServletRequest alice = new MockHttpServletRequest("POST", "/orders");
			alice.setUserPrincipal(() -> "alice");
			MockHttpServletRequest anonymous = new MockHttpServletRequest("POST", "/orders");
			assertThat(resolver.resolveScope(alice)).isEqualTo("global");
			assertThat(resolver.resolveScope(anonymous)).isEqualTo("global");
		});
	}

	@Test
	void spec3_defaultScopeIsTheSpringSecurityPrincipal() {
		this.contextRunner.run((context) -> {
			IdempotencyScopeResolver resolver = context.getBean(IdempotencyScopeResolver.class);
			MockHttpServletRequest request = new MockHttpServletRequest("POST", "/orders");
			request.setUserPrincipal(() -> "servlet-user");

			SecurityContextHolder.getContext()
				.setAuthentication(new TestingAuthenticationToken("alice", "secret", "ROLE_USER"));
			assertThat(resolver.resolveScope(request)).isEqualTo("principal:alice");

			SecurityContextHolder.getContext()
				.setAuthentication(new AnonymousAuthenticationToken("key", "anonymousUser",
						AuthorityUtils.createAuthorityList("ROLE_ANONYMOUS")));
			assertThat(resolver.resolveScope(request)).isEqualTo("principal:servlet-user");
			assertThat(resolver.resolveScope(new MockHttpServletRequest("POST", "/orders")))
				.isEqualTo(IdempotencyScopeResolver.ANONYMOUS);

			SecurityContextHolder.clearContext();
			assertThat(resolver.resolveScope(request)).isEqualTo("principal:servlet-user");
			assertThat(resolver.resolveScope(new MockHttpServletRequest("POST", "/orders")))
				.isEqualTo(IdempotencyScopeResolver.ANONYMOUS);
		});
	}

	@Test
	void configurationMetadataDescribesEveryProperty() throws IOException {
		ClassPathResource resource = new ClassPathResource("META-INF/spring-configuration-metadata.json");
		assertThat(resource.exists()).as("META-INF/spring-configuration-metadata.json on the class path").isTrue();
		List<Map<String, Object>> properties;
		try (InputStream in = resource.getInputStream()) {
			properties = JsonPath.read(in, "$.properties");
		}
		Map<String, Map<String, Object>> byName = properties.stream()
			.filter((property) -> String.valueOf(property.get("name")).startsWith("idempotency."))
			.collect(Collectors.toMap((property) -> (String) property.get("name"), (property) -> property));
		assertThat(byName.keySet()).containsExactlyInAnyOrderElementsOf(ALL_PROPERTIES);
		for (String name : ALL_PROPERTIES) {
			assertThat(byName.get(name).get("description")).as("description of %s", name)
				.isInstanceOf(String.class)
				.asString()
				.isNotBlank();
		}
	}

	static void assertNoIdempotencyBeans(ApplicationContextAssertProvider<?> context) {
		assertThat(context).doesNotHaveBean(IdempotencyProperties.class);
		assertThat(context).doesNotHaveBean(IdempotencyStore.class);
		assertThat(context).doesNotHaveBean(IdempotencyScopeResolver.class);
		assertThat(context).doesNotHaveBean(IdempotentHandlerResolver.class);
		assertThat(context).doesNotHaveBean(IdempotencyFilter.class);
		assertThat(context).doesNotHaveBean(FilterRegistrationBean.class);
		assertThat(context).doesNotHaveBean(RedisEvictionPolicyCheck.class);
	}

	static FilterRegistrationBean<IdempotencyFilter> idempotencyFilterRegistration(ApplicationContext context) {
		ResolvableType type = ResolvableType.forClassWithGenerics(FilterRegistrationBean.class, IdempotencyFilter.class);
		String[] names = context.getBeanNamesForType(type);
		assertThat(names).as("FilterRegistrationBean<IdempotencyFilter> beans").hasSize(1);
		@SuppressWarnings("unchecked")
		FilterRegistrationBean<IdempotencyFilter> registration = (FilterRegistrationBean<IdempotencyFilter>) context
			.getBean(names[0]);
		assertThat(registration.getFilterName()).isEqualTo("idempotencyFilter");
		return registration;
	}

	static IdempotencyFilter idempotencyFilter(ApplicationContext context) {
		return idempotencyFilterRegistration(context).getFilter();
	}

	@SuppressWarnings("rawtypes")
	private static List<FilterRegistrationBean<?>> filterRegistrations(ApplicationContext context) {
		Map<String, FilterRegistrationBean> registrations = context.getBeansOfType(FilterRegistrationBean.class);
		return registrations.values().stream().<FilterRegistrationBean<?>>map((registration) -> registration).toList();
	}

	private static IdempotencyFilter userFilter() {
		return new IdempotencyFilter(new InMemoryIdempotencyStore(), (request) -> null, (request) -> "user",
				new IdempotencySettings(), IdempotencyObserver.NONE);
	}

	@Configuration(proxyBeanMethods = false)
	static class UserStoreConfiguration {

		static final IdempotencyStore STORE = new InMemoryIdempotencyStore();

		@Bean
		IdempotencyStore myStore() {
			return STORE;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserScopeResolverConfiguration {

		static final IdempotencyScopeResolver RESOLVER = (request) -> "tenant:fixed";

		@Bean
		IdempotencyScopeResolver myScopeResolver() {
			return RESOLVER;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserHandlerResolverConfiguration {

		static final IdempotentHandlerResolver RESOLVER = (request) -> null;

		@Bean
		IdempotentHandlerResolver myHandlerResolver() {
			return RESOLVER;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserFilterRegistrationConfiguration {

		@Bean
		FilterRegistrationBean<IdempotencyFilter> myIdempotencyFilterRegistration() {
			FilterRegistrationBean<IdempotencyFilter> registration = new FilterRegistrationBean<>(userFilter());
			registration.setName("myIdempotencyFilter");
			return registration;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserFilterConfiguration {

		@Bean
		IdempotencyFilter myIdempotencyFilter() {
			return userFilter();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OneObserverConfiguration {

		@Bean
		RecordingObserver observer() {
			return new RecordingObserver();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class TwoObserversConfiguration {

		@Bean
		RecordingObserver firstObserver() {
			return new RecordingObserver();
		}

		@Bean
		RecordingObserver secondObserver() {
			return new RecordingObserver();
		}

	}

	@Test
	void micrometerObserverIsWiredWhenAMeterRegistryExists() {
		this.contextRunner
			.withConfiguration(AutoConfigurations.of(IdempotencyMetricsAutoConfiguration.class))
			.withBean(io.micrometer.core.instrument.simple.SimpleMeterRegistry.class)
			.run((context) -> {
				assertThat(context).hasSingleBean(MicrometerIdempotencyObserver.class);
				Object filter = context.getBean(FilterRegistrationBean.class).getFilter();
				assertThat(ReflectionTestUtils.getField(filter, "observer")).isSameAs(context.getBean(MicrometerIdempotencyObserver.class));
				io.micrometer.core.instrument.MeterRegistry registry = context.getBean(io.micrometer.core.instrument.MeterRegistry.class);
				assertThat(registry.get(MicrometerIdempotencyObserver.REQUESTS).tag("outcome", "executed").counter().count()).isZero();
			});
	}

	@Test
	void noMicrometerObserverWithoutAMeterRegistryOrWhenDisabled() {
		this.contextRunner.withConfiguration(AutoConfigurations.of(IdempotencyMetricsAutoConfiguration.class))
			.run((context) -> assertThat(context).doesNotHaveBean(MicrometerIdempotencyObserver.class));
		this.contextRunner.withConfiguration(AutoConfigurations.of(IdempotencyMetricsAutoConfiguration.class))
			.withBean(io.micrometer.core.instrument.simple.SimpleMeterRegistry.class)
			.withPropertyValues("idempotency.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(MicrometerIdempotencyObserver.class));
	}

	@Test
	void micrometerObserverRecordsOutcomesStoreCallsAndLeaseExtensions() {
		io.micrometer.core.instrument.simple.SimpleMeterRegistry registry = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
		MicrometerIdempotencyObserver observer = new MicrometerIdempotencyObserver(registry);
		observer.onOutcome(IdempotencyOutcome.EXECUTED);
		observer.onOutcome(IdempotencyOutcome.UNKNOWN_OUTCOME);
		observer.onOutcome(IdempotencyOutcome.UNKNOWN_OUTCOME);
		observer.onLeaseExtended();
		observer.onStoreCall("claim", 1_000_000, false);
		observer.onStoreCall("claim", 2_000_000, true);
		assertThat(registry.get("idempotency.requests").tag("outcome", "executed").counter().count()).isEqualTo(1);
		assertThat(registry.get("idempotency.requests").tag("outcome", "unknown_outcome").counter().count()).isEqualTo(2);
		assertThat(registry.get("idempotency.lease.extensions").counter().count()).isEqualTo(1);
		assertThat(registry.get("idempotency.store.calls").tag("operation", "claim").tag("result", "success").timer().count()).isEqualTo(1);
		assertThat(registry.get("idempotency.store.calls").tag("operation", "claim").tag("result", "failure").timer().count()).isEqualTo(1);
		assertThat(registry.get("idempotency.requests").counters()).hasSize(IdempotencyOutcome.values().length);
	}

	@Test
	void idempotencyEndpointIsOptIn() {
		WebApplicationContextRunner runner = this.contextRunner.withConfiguration(AutoConfigurations.of(
				dev.idempotency.autoconfigure.actuate.IdempotencyEndpointAutoConfiguration.class,
				org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration.class));
		runner.run((context) -> assertThat(context)
			.doesNotHaveBean(dev.idempotency.autoconfigure.actuate.IdempotencyEndpoint.class));
		runner.withPropertyValues("management.endpoint.idempotency.access=UNRESTRICTED",
				"management.endpoints.web.exposure.include=idempotency")
			.run((context) -> assertThat(context).hasSingleBean(dev.idempotency.autoconfigure.actuate.IdempotencyEndpoint.class));
	}

	@Test
	void spec12_malformedHandlerRetentionFailsStartUp() {
		this.contextRunner
			.withConfiguration(AutoConfigurations.of(
					org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration.class))
			.withUserConfiguration(BadRetentionController.class)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.hasStackTraceContaining("Invalid @Idempotent(retention = \"soon\")")
				.hasStackTraceContaining("BadRetentionController.pay()"));
	}

	@Test
	void wellFormedHandlerRetentionStartsUp() {
		this.contextRunner
			.withConfiguration(AutoConfigurations.of(
					org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration.class))
			.withUserConfiguration(GoodRetentionController.class)
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void tokenEndpointIsOffByDefault() {
		this.contextRunner.run((context) -> {
			assertThat(context).doesNotHaveBean(OneTimeTokens.class);
			assertThat(context).doesNotHaveBean(IdempotencyTokenController.class);
		});
	}

	@Test
	void tokenEndpointIssuesTokensIntoTheStoreBoundToTheScope() {
		this.contextRunner.withPropertyValues("idempotency.tokens.enabled=true", "idempotency.scope=header:X-Tenant")
			.run((context) -> {
				assertThat(context).hasSingleBean(IdempotencyTokenController.class);
				OneTimeTokens tokens = context.getBean(OneTimeTokens.class);
				assertThat(tokens.ttl()).isEqualTo(Duration.ofHours(1));
				OneTimeTokens.IssuedToken issued = tokens.issue("header:acme");
				IdempotencyStore store = context.getBean(IdempotencyStore.class);
				InProgressRecord record = new InProgressRecord("v1:fp", java.time.Instant.now());
				assertThat(store.claimToken(RecordIds.tokenRecordId("header:other", issued.token()), record, "o1",
						Duration.ofSeconds(30)).tokenUnknown()).isTrue();
				assertThat(store.claimToken(RecordIds.tokenRecordId("header:acme", issued.token()), record, "o2",
						Duration.ofSeconds(30)).isClaimed()).isTrue();
			});
	}

	@Test
	void userDefinedOneTimeTokensReplaceTheAutoConfiguredOnes() {
		this.contextRunner.withPropertyValues("idempotency.tokens.enabled=true")
			.withBean(OneTimeTokens.class, () -> new OneTimeTokens(new InMemoryIdempotencyStore(), Duration.ofMinutes(2)))
			.run((context) -> {
				assertThat(context).hasSingleBean(OneTimeTokens.class);
				assertThat(context.getBean(OneTimeTokens.class).ttl()).isEqualTo(Duration.ofMinutes(2));
			});
	}

	@Test
	void tokenEndpointOnAStoreWithoutTokensFailsStartUp() {
		this.contextRunner.withPropertyValues("idempotency.tokens.enabled=true")
			.withBean(IdempotencyStore.class, CompletedOnlyStore::new)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.hasStackTraceContaining("idempotency.tokens.enabled=true needs a store with one-time tokens"));
	}

	@Test
	void tokenRequiredHandlerOnAStoreWithoutTokensFailsStartUp() {
		this.contextRunner
			.withConfiguration(AutoConfigurations.of(
					org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration.class))
			.withUserConfiguration(TokenController.class)
			.withBean(IdempotencyStore.class, CompletedOnlyStore::new)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.hasStackTraceContaining("TokenController.transfer()")
				.hasStackTraceContaining("needs a store with one-time tokens"));
	}

	@Test
	void tokenRequiredHandlerStartsUpOnTheBuiltInStore() {
		this.contextRunner
			.withConfiguration(AutoConfigurations.of(
					org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration.class))
			.withUserConfiguration(TokenController.class)
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void tokenRequiredButNotRequiredFailsStartUp() {
		this.contextRunner
			.withConfiguration(AutoConfigurations.of(
					org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration.class))
			.withUserConfiguration(OptionalTokenController.class)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.hasStackTraceContaining("sets tokenRequired but required = false"));
	}

	@Test
	void tokenEndpointAnswers503WithRetryAfterWhenTheStoreFails() throws Exception {
		InMemoryIdempotencyStore failing = new InMemoryIdempotencyStore() {

			@Override
			public void issueToken(String recordId, Duration ttl) {
				throw new dev.idempotency.store.IdempotencyStoreException("Redis issue token failed: timeout",
						new IllegalStateException());
			}

		};
		IdempotencyTokenController controller = new IdempotencyTokenController(
				new OneTimeTokens(failing, Duration.ofHours(1)), (request) -> "anonymous", Duration.ofSeconds(2));
		MockHttpServletRequest request = new MockHttpServletRequest("POST", "/idempotency-tokens");
		org.springframework.mock.web.MockHttpServletResponse response = new org.springframework.mock.web.MockHttpServletResponse();

		assertThat(controller.issue(request, response)).isNull();

		assertThat(response.getStatus()).isEqualTo(503);
		assertThat(response.getHeader("Retry-After")).isEqualTo("2");
		assertThat(response.getContentAsString()).contains("https://idempotency.dev/problems/store-unavailable");
	}

	/** A store with no one-time tokens: the SPI's defaults. */
	static class CompletedOnlyStore extends InMemoryIdempotencyStore {

		@Override
		public boolean supportsTokens() {
			return false;
		}

	}

	@org.springframework.web.bind.annotation.RestController
	static class TokenController {

		@dev.idempotency.Idempotent(tokenRequired = true)
		@org.springframework.web.bind.annotation.PostMapping("/transfers")
		String transfer() {
			return "moved";
		}

	}

	@org.springframework.web.bind.annotation.RestController
	static class OptionalTokenController {

		@dev.idempotency.Idempotent(tokenRequired = true, required = false)
		@org.springframework.web.bind.annotation.PostMapping("/transfers")
		String transfer() {
			return "moved";
		}

	}

	@Test
	void businessKeyNamingNoPathVariableFailsStartUp() {
		this.contextRunner
			.withConfiguration(AutoConfigurations.of(
					org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration.class))
			.withUserConfiguration(UnknownPathVariableController.class)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.hasStackTraceContaining("@BusinessKey(pathVariable = \"orderId\")")
				.hasStackTraceContaining("names no path variable"));
	}

	@Test
	void businessKeyWithTwoSourcesFailsStartUp() {
		this.contextRunner
			.withConfiguration(AutoConfigurations.of(
					org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration.class))
			.withUserConfiguration(TwoSourcesController.class)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.hasStackTraceContaining("declares 2 sources"));
	}

	@Test
	void tokenRequiredWithABusinessKeyFailsStartUp() {
		this.contextRunner
			.withConfiguration(AutoConfigurations.of(
					org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration.class))
			.withUserConfiguration(TokenAndBusinessKeyController.class)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.hasStackTraceContaining("sets both tokenRequired and businessKey"));
	}

	@Test
	void malformedJsonPointerFailsStartUp() {
		this.contextRunner
			.withConfiguration(AutoConfigurations.of(
					org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration.class))
			.withUserConfiguration(BadPointerController.class)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.hasStackTraceContaining("Invalid JSON Pointer 'orderId'"));
	}

	@Test
	void wellFormedBusinessKeysStartUp() {
		this.contextRunner
			.withConfiguration(AutoConfigurations.of(
					org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration.class))
			.withUserConfiguration(GoodBusinessKeyController.class)
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@org.springframework.web.bind.annotation.RestController
	static class UnknownPathVariableController {

		@dev.idempotency.Idempotent(businessKey = @dev.idempotency.BusinessKey(pathVariable = "orderId"))
		@org.springframework.web.bind.annotation.PostMapping("/orders/{id}/payment")
		String pay() {
			return "paid";
		}

	}

	@org.springframework.web.bind.annotation.RestController
	static class TwoSourcesController {

		@dev.idempotency.Idempotent(
				businessKey = @dev.idempotency.BusinessKey(pathVariable = "orderId", jsonPointer = "/orderId"))
		@org.springframework.web.bind.annotation.PostMapping("/orders/{orderId}/payment")
		String pay() {
			return "paid";
		}

	}

	@org.springframework.web.bind.annotation.RestController
	static class TokenAndBusinessKeyController {

		@dev.idempotency.Idempotent(tokenRequired = true,
				businessKey = @dev.idempotency.BusinessKey(queryParameter = "orderId"))
		@org.springframework.web.bind.annotation.PostMapping("/pay")
		String pay() {
			return "paid";
		}

	}

	@org.springframework.web.bind.annotation.RestController
	static class BadPointerController {

		@dev.idempotency.Idempotent(businessKey = @dev.idempotency.BusinessKey(jsonPointer = "orderId"))
		@org.springframework.web.bind.annotation.PostMapping("/pay")
		String pay() {
			return "paid";
		}

	}

	@org.springframework.web.bind.annotation.RestController
	static class GoodBusinessKeyController {

		@dev.idempotency.Idempotent(businessKey = @dev.idempotency.BusinessKey(pathVariable = "orderId"))
		@org.springframework.web.bind.annotation.PostMapping("/orders/{orderId}/payment")
		String pay() {
			return "paid";
		}

		@dev.idempotency.Idempotent(businessKey = @dev.idempotency.BusinessKey(jsonPointer = "/order/id",
				headerFirst = true))
		@org.springframework.web.bind.annotation.PostMapping("/orders")
		String order() {
			return "ordered";
		}

	}

	@org.springframework.web.bind.annotation.RestController
	static class BadRetentionController {

		@dev.idempotency.Idempotent(retention = "soon")
		@org.springframework.web.bind.annotation.PostMapping("/pay")
		String pay() {
			return "paid";
		}

	}

	@org.springframework.web.bind.annotation.RestController
	static class GoodRetentionController {

		@dev.idempotency.Idempotent(retention = "48h")
		@org.springframework.web.bind.annotation.PostMapping("/pay")
		String pay() {
			return "paid";
		}

	}

	static class RecordingObserver implements IdempotencyObserver {

		final List<IdempotencyOutcome> outcomes = new CopyOnWriteArrayList<>();

		int leaseExtensions;

		@Override
		public void onOutcome(IdempotencyOutcome outcome) {
			this.outcomes.add(outcome);
		}

		@Override
		public void onLeaseExtended() {
			this.leaseExtensions++;
		}

	}

}
