package dev.idempotency.autoconfigure;

import javax.sql.DataSource;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jdbc.init.DataSourceScriptDatabaseInitializer;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.idempotency.store.IdempotencyStore;
import dev.idempotency.store.jdbc.JdbcIdempotencyStore;
import dev.idempotency.store.jdbc.JdbcStoreDialect;

/**
 * The JDBC store on the application's {@code DataSource}, when {@code idempotency.store.type=jdbc} (never
 * chosen by 'auto'): its table created under {@code idempotency.store.jdbc.initialize-schema}, expired
 * rows deleted on {@code idempotency.store.jdbc.cleanup-cron}.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass({ JdbcTemplate.class, DataSourceScriptDatabaseInitializer.class })
@ConditionalOnProperty(name = "idempotency.store.type", havingValue = "jdbc")
@ConditionalOnBean(DataSource.class)
@EnableConfigurationProperties(JdbcStoreProperties.class)
class JdbcStoreConfiguration {

	private static final Log logger = LogFactory.getLog(JdbcStoreConfiguration.class);

	@Bean
	@ConditionalOnMissingBean
	JdbcStoreSchemaInitializer idempotencyJdbcStoreSchemaInitializer(DataSource dataSource,
			JdbcStoreProperties properties) {
		return new JdbcStoreSchemaInitializer(dataSource, JdbcStoreDialect.of(dataSource), properties);
	}

	@Bean
	@ConditionalOnMissingBean(IdempotencyStore.class)
	@DependsOnDatabaseInitialization
	JdbcIdempotencyStore idempotencyStore(DataSource dataSource, IdempotencyProperties properties,
			JdbcStoreProperties jdbcProperties) {
		JdbcStoreDialect dialect = JdbcStoreDialect.of(dataSource);
		logger.info("Idempotency store: JDBC (" + dialect + ", table " + jdbcProperties.getTableName()
				+ ", statement timeout " + properties.getStore().getTimeout() + ")");
		return new JdbcIdempotencyStore(dataSource, dialect, jdbcProperties.getTableName(),
				properties.getStore().getTimeout());
	}

	@Bean
	JdbcStoreCleanup idempotencyJdbcStoreCleanup(ObjectProvider<IdempotencyStore> store,
			JdbcStoreProperties properties) {
		return new JdbcStoreCleanup(store, properties.getCleanupCron());
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "io.micrometer.core.instrument.binder.MeterBinder")
	static class JdbcStoreMetricsConfiguration {

		/** {@code idempotency.store.jdbc.cleanup.removed}: expired rows the cleanup deleted. */
		@Bean
		MeterBinder idempotencyJdbcStoreMetrics(ObjectProvider<IdempotencyStore> store) {
			return (registry) -> {
				if (store.getIfAvailable() instanceof JdbcIdempotencyStore jdbcStore) {
					FunctionCounter
						.builder("idempotency.store.jdbc.cleanup.removed", jdbcStore, JdbcIdempotencyStore::removedRows)
						.description("Expired rows deleted by the JDBC store's cleanup")
						.register(registry);
				}
			};
		}

	}

}
