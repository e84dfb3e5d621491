package dev.idempotency.autoconfigure;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.idempotency.store.IdempotencyStore;
import dev.idempotency.store.InMemoryIdempotencyStore;
import dev.idempotency.store.InProgressRecord;
import dev.idempotency.store.jdbc.JdbcIdempotencyStore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/** {@code idempotency.store.type=jdbc} and {@code idempotency.store.jdbc.*}, on an H2 database in memory. */
class JdbcStoreAutoConfigurationTests {

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, IdempotencyAutoConfiguration.class))
		.withPropertyValues("spring.datasource.url=jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");

	@Test
	void issue12_typeJdbcUsesTheDataSourceAndCreatesTheTableOnAnEmbeddedDatabase() {
		this.contextRunner.withPropertyValues("idempotency.store.type=jdbc").run((context) -> {
			assertThat(context).hasNotFailed();
			JdbcIdempotencyStore store = context.getBean(JdbcIdempotencyStore.class);
			assertThat(store.getTableName()).isEqualTo("idempotency_record");
			assertThat(store.claim("r-1", new InProgressRecord("v1:fp", Instant.now()), "owner", Duration.ofMinutes(1))
				.isClaimed()).isTrue();
			assertThat(new JdbcTemplate(context.getBean(javax.sql.DataSource.class))
				.queryForObject("SELECT COUNT(*) FROM idempotency_record", Integer.class)).isEqualTo(1);
			assertThat(context).hasSingleBean(JdbcStoreCleanup.class);
			assertThat(context.getBean(JdbcStoreCleanup.class).isRunning()).isTrue();
		});
	}

	@Test
	void issue12_tableNameNamesTheCreatedTable() {
		this.contextRunner.withPropertyValues("idempotency.store.type=jdbc", "idempotency.store.jdbc.table-name=idem_keys")
			.run((context) -> {
				assertThat(context.getBean(JdbcIdempotencyStore.class).getTableName()).isEqualTo("idem_keys");
				context.getBean(IdempotencyStore.class)
					.claim("r-1", new InProgressRecord("v1:fp", Instant.now()), "owner", Duration.ofMinutes(1));
				assertThat(new JdbcTemplate(context.getBean(javax.sql.DataSource.class))
					.queryForObject("SELECT COUNT(*) FROM idem_keys", Integer.class)).isEqualTo(1);
			});
	}

	@Test
	void issue12_initializeSchemaNeverCreatesNoTable() {
		this.contextRunner.withPropertyValues("idempotency.store.type=jdbc", "idempotency.store.jdbc.initialize-schema=never")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThatException().isThrownBy(() -> context.getBean(IdempotencyStore.class)
					.find("r-1")).withMessageContaining("JDBC find failed");
			});
	}

	@Test
	void issue12_autoNeverChoosesJdbcEvenWithADataSource() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(InMemoryIdempotencyStore.class);
			assertThat(context).doesNotHaveBean(JdbcIdempotencyStore.class);
			assertThat(context).doesNotHaveBean(JdbcStoreSchemaInitializer.class);
		});
	}

	@Test
	void issue12_typeJdbcWithoutADataSourceFailsAtStartUp() {
		new WebApplicationContextRunner().withConfiguration(AutoConfigurations.of(IdempotencyAutoConfiguration.class))
			.withPropertyValues("idempotency.store.type=jdbc")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("idempotency.store.type=jdbc, but there is no DataSource"));
		this.contextRunner.withPropertyValues("idempotency.store.type=jdbc")
			.withClassLoader(new FilteredClassLoader(JdbcTemplate.class))
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("idempotency.store.type=jdbc, but there is no DataSource"));
	}

	@Test
	void issue12_storeOfTheApplicationWins() {
		this.contextRunner.withPropertyValues("idempotency.store.type=jdbc")
			.withBean(IdempotencyStore.class, InMemoryIdempotencyStore::new)
			.run((context) -> {
				assertThat(context).hasSingleBean(IdempotencyStore.class);
				assertThat(context).doesNotHaveBean(JdbcIdempotencyStore.class);
				assertThat(context.getBean(JdbcStoreCleanup.class).isRunning()).isFalse();
			});
	}

	@Test
	void issue12_cleanupRunsOnItsCronAndIsCountedInTheMetrics() {
		this.contextRunner
			.withPropertyValues("idempotency.store.type=jdbc", "idempotency.store.jdbc.cleanup-cron=* * * * * *")
			.run((context) -> {
				JdbcIdempotencyStore store = context.getBean(JdbcIdempotencyStore.class);
				SimpleMeterRegistry registry = new SimpleMeterRegistry();
				context.getBean("idempotencyJdbcStoreMetrics", MeterBinder.class).bindTo(registry);
				store.claim("expired", new InProgressRecord("v1:fp", Instant.now()), "owner", Duration.ofMillis(1));

				long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
				while (store.removedRows() == 0 && System.nanoTime() - deadline < 0) {
					Thread.sleep(50);
				}

				assertThat(store.removedRows()).isEqualTo(1);
				assertThat(registry.get("idempotency.store.jdbc.cleanup.removed").functionCounter().count()).isEqualTo(1);
			});
	}

	@Test
	void issue12_cleanupCronDashTurnsTheCleanupOff() {
		this.contextRunner.withPropertyValues("idempotency.store.type=jdbc", "idempotency.store.jdbc.cleanup-cron=-")
			.run((context) -> assertThat(context.getBean(JdbcStoreCleanup.class).isRunning()).isFalse());
	}

}
