package dev.idempotency.store.jdbc;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.idempotency.store.ClaimResult;
import dev.idempotency.store.CompletionResult;
import dev.idempotency.store.IdempotencyStore;
import dev.idempotency.store.IdempotencyStoreContractTests;
import dev.idempotency.store.InProgressRecord;
import dev.idempotency.testsupport.JdbcTestDatabases;
import dev.idempotency.testsupport.JdbcTestDatabases.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The store contract and the JDBC store's own rules, on a fresh database of one kind per test class:
 * atomic claims and takeovers, expiry on the database's clock, the bounded cleanup, the table name and
 * which steps take part in the caller's transaction.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class JdbcIdempotencyStoreTests extends IdempotencyStoreContractTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private TestDatabase database;

	private JdbcStoreDialect dialect;

	private JdbcIdempotencyStore jdbcStore;

	private JdbcTemplate jdbc;

	protected abstract JdbcTestDatabases.Kind kind();

	@BeforeAll
	void createDatabase() {
		this.database = JdbcTestDatabases.create(kind());
		this.dialect = JdbcStoreDialect.of(this.database.dataSource());
		this.jdbc = new JdbcTemplate(this.database.dataSource());
		createTable(JdbcStoreSql.DEFAULT_TABLE_NAME);
		this.jdbcStore = new JdbcIdempotencyStore(this.database.dataSource(), TIMEOUT);
	}

	@AfterAll
	void dropDatabase() {
		this.database.close();
	}

	@Override
	protected IdempotencyStore createStore() {
		return this.jdbcStore;
	}

	private void createTable(String tableName) {
		for (String statement : this.dialect.schemaScript(tableName).split(";")) {
			if (!statement.isBlank()) {
				this.jdbc.execute(statement);
			}
		}
	}

	@Test
	void jdbc_takeoverOfAnExpiredLeaseIsOneConditionalUpdateWithOneWinner() throws Exception {
		String id = newRecordId();
		assertThat(this.jdbcStore.claim(id, inProgress("v1:fp"), newOwner(), Duration.ofMillis(1)).isClaimed()).isTrue();
		awaitExpiredByTheDatabaseClock(id);
		JdbcStoreSql sql = new JdbcStoreSql(this.dialect, JdbcStoreSql.DEFAULT_TABLE_NAME);
		byte[] record = dev.idempotency.store.RecordCodec.encode(inProgress("v1:fp"));

		assertThat(this.jdbc.update(sql.takeOverExpired, "owner-a", record, 60_000L, id)).isEqualTo(1);
		assertThat(this.jdbc.update(sql.takeOverExpired, "owner-b", record, 60_000L, id)).isZero();

		assertThat(this.jdbc.queryForObject("SELECT owner_token FROM idempotency_record WHERE id = ?", String.class, id))
			.isEqualTo("owner-a");
	}

	@Test
	void jdbc_racingTakeoversOfOneExpiredLeaseHaveExactlyOneWinner() throws Exception {
		ExecutorService threads = Executors.newFixedThreadPool(16);
		try {
			for (int round = 0; round < 10; round++) {
				String id = newRecordId();
				this.jdbcStore.claim(id, inProgress("v1:fp"), newOwner(), Duration.ofMillis(1));
				awaitExpiredByTheDatabaseClock(id);
				CyclicBarrier gate = new CyclicBarrier(16);
				List<Future<ClaimResult>> results = new ArrayList<>();
				for (int i = 0; i < 16; i++) {
					InProgressRecord record = inProgress("v1:fp-" + i);
					results.add(threads.submit(() -> {
						gate.await(30, TimeUnit.SECONDS);
						return this.jdbcStore.claim(id, record, newOwner(), LONG_LEASE);
					}));
				}
				int winners = 0;
				for (Future<ClaimResult> result : results) {
					winners += result.get(60, TimeUnit.SECONDS).isClaimed() ? 1 : 0;
				}
				assertThat(winners).as("round %d", round).isEqualTo(1);
				assertThat(this.jdbc.queryForObject("SELECT COUNT(*) FROM idempotency_record WHERE id = ?", Integer.class,
						id)).isEqualTo(1);
			}
		}
		finally {
			threads.shutdownNow();
		}
	}

	@Test
	void jdbc_leaseExpiresByTheDatabaseClock() throws Exception {
		String id = newRecordId();
		InProgressRecord first = inProgress("v1:fp");
		assertThat(this.jdbcStore.claim(id, first, newOwner(), Duration.ofSeconds(1)).isClaimed()).isTrue();
		assertThat(countExpired(id)).as("not expired by the database's clock yet").isZero();
		assertThat(this.jdbcStore.claim(id, inProgress("v1:fp"), newOwner(), LONG_LEASE).existing()).isEqualTo(first);

		awaitExpiredByTheDatabaseClock(id);

		assertThat(this.jdbcStore.claim(id, inProgress("v1:fp"), newOwner(), LONG_LEASE).isClaimed()).isTrue();
	}

	@Test
	void jdbc_cleanupDeletesExpiredRowsInBoundedStatementsEachRowOnceAndCountsThem() throws Exception {
		this.jdbcStore.deleteExpired();
		List<String> expired = new ArrayList<>();
		for (int i = 0; i < 45; i++) {
			String id = newRecordId();
			this.jdbcStore.claim(id, inProgress("v1:fp"), newOwner(), Duration.ofMillis(1));
			expired.add(id);
		}
		String live = newRecordId();
		this.jdbcStore.claim(live, inProgress("v1:fp"), newOwner(), LONG_LEASE);
		expired.forEach(this::awaitExpiredByTheDatabaseClockUnchecked);
		JdbcStoreSql sql = new JdbcStoreSql(this.dialect, JdbcStoreSql.DEFAULT_TABLE_NAME);
		assertThat(this.jdbc.update(sql.deleteExpired, 5)).as("one statement deletes at most its batch").isEqualTo(5);

		JdbcIdempotencyStore first = new JdbcIdempotencyStore(this.database.dataSource(), TIMEOUT);
		JdbcIdempotencyStore second = new JdbcIdempotencyStore(this.database.dataSource(), TIMEOUT);
		first.setCleanupBatchSize(3);
		second.setCleanupBatchSize(3);
		ExecutorService threads = Executors.newFixedThreadPool(2);
		try {
			CyclicBarrier gate = new CyclicBarrier(2);
			Future<Long> a = threads.submit(() -> {
				gate.await(30, TimeUnit.SECONDS);
				return first.deleteExpired();
			});
			Future<Long> b = threads.submit(() -> {
				gate.await(30, TimeUnit.SECONDS);
				return second.deleteExpired();
			});
			assertThat(a.get(60, TimeUnit.SECONDS) + b.get(60, TimeUnit.SECONDS)).isEqualTo(40);
		}
		finally {
			threads.shutdownNow();
		}
		assertThat(first.removedRows() + second.removedRows()).isEqualTo(40);
		assertThat(this.jdbc.queryForObject("SELECT COUNT(*) FROM idempotency_record WHERE expires_at <= "
				+ this.dialect.now(), Integer.class)).isZero();
		assertThat(this.jdbcStore.find(live)).isNotNull();
	}

	@Test
	void jdbc_tableNameChoosesTheTable() {
		createTable("idem_custom");
		JdbcIdempotencyStore custom = new JdbcIdempotencyStore(this.database.dataSource(), this.dialect, "idem_custom",
				TIMEOUT);
		String id = newRecordId();

		assertThat(custom.claim(id, inProgress("v1:fp"), newOwner(), LONG_LEASE).isClaimed()).isTrue();

		assertThat(this.jdbc.queryForObject("SELECT COUNT(*) FROM idem_custom WHERE id = ?", Integer.class, id))
			.isEqualTo(1);
		assertThat(this.jdbcStore.find(id)).isNull();
	}

	@Test
	void jdbc_completeTakesPartInTheCallersTransactionWhileClaimCommitsOnItsOwn() {
		TransactionTemplate transaction = new TransactionTemplate(
				new DataSourceTransactionManager(this.database.dataSource()));
		String id = newRecordId();
		String owner = newOwner();
		InProgressRecord record = inProgress("v1:fp");

		transaction.executeWithoutResult((status) -> {
			assertThat(this.jdbcStore.claim(id, record, owner, LONG_LEASE).isClaimed()).isTrue();
			assertThat(this.jdbcStore.complete(id, owner, completed(record.createdAt(), "v1:fp"), LONG_RETENTION))
				.isEqualTo(CompletionResult.STORED);
			status.setRollbackOnly();
		});

		assertThat(this.jdbcStore.find(id)).as("the claim committed, the completion rolled back").isEqualTo(record);
		transaction.executeWithoutResult((status) -> assertThat(
				this.jdbcStore.complete(id, owner, completed(record.createdAt(), "v1:fp"), LONG_RETENTION))
			.isEqualTo(CompletionResult.STORED));
		assertThat(this.jdbcStore.find(id)).isEqualTo(completed(record.createdAt(), "v1:fp"));
	}

	private int countExpired(String id) {
		return this.jdbc.queryForObject(
				"SELECT COUNT(*) FROM idempotency_record WHERE id = ? AND expires_at <= " + this.dialect.now(),
				Integer.class, id);
	}

	/** Waits until the database's own clock has passed the row's expiry; the JVM's clock only bounds the wait. */
	private void awaitExpiredByTheDatabaseClock(String id) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
		while (countExpired(id) == 0) {
			if (System.nanoTime() - deadline > 0) {
				fail("Row " + id + " not expired by the database's clock");
			}
			Thread.sleep(20);
		}
	}

	private void awaitExpiredByTheDatabaseClockUnchecked(String id) {
		try {
			awaitExpiredByTheDatabaseClock(id);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
