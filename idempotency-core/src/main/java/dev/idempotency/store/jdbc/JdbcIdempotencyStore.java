package dev.idempotency.store.jdbc;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;

import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.util.Assert;

import dev.idempotency.key.RecordIds;
import dev.idempotency.store.ClaimResult;
import dev.idempotency.store.CompletedRecord;
import dev.idempotency.store.CompletionResult;
import dev.idempotency.store.IdempotencyRecord;
import dev.idempotency.store.IdempotencyStore;
import dev.idempotency.store.IdempotencyStoreException;
import dev.idempotency.store.InProgressRecord;
import dev.idempotency.store.RecordCodec;

/**
 * The JDBC store: one row per record in a table of the application's database (PostgreSQL, MySQL,
 * MariaDB or H2; {@link JdbcStoreSql} lists the columns and statements, the jar ships
 * {@code dev/idempotency/store/jdbc/schema-<platform>.sql}). Ownership is only ever decided by one
 * statement: an insert that does nothing (or fails on the duplicate key) when the id exists, or one
 * conditional {@code UPDATE} whose update count says who won; reads only return what is there. Leases,
 * retention and token expiry are compared with the database's clock, never this JVM's.
 * <p>
 * Transactions: {@link #complete} <em>takes part</em> in the transaction active on the calling thread
 * for the same {@code DataSource} (a {@code DataSourceTransactionManager}'s, or a JPA one exposing its
 * connection), so the completed record commits or rolls back with the business change; without one,
 * it commits on its own. Every other step ({@link #claim}, {@link #claimToken}, {@link #release},
 * {@link #extendLease}, {@link #extendLeases}, {@link #issueToken}, {@link #delete}, {@link #deleteExpired})
 * commits on its own, each statement in a new transaction ({@code PROPAGATION_REQUIRES_NEW}, the current
 * one suspended), so it is visible to other instances at once and holds no lock afterwards.
 * <p>
 * Each statement is bounded by the store's timeout (the JDBC query timeout, whole seconds, at least 1).
 */
public class JdbcIdempotencyStore implements IdempotencyStore {

	/** The most rows {@link #deleteExpired()} deletes in one statement. */
	public static final int DEFAULT_CLEANUP_BATCH_SIZE = 1000;

	/** Attempts of a step whose row changed between its statements (expired or deleted meanwhile). */
	private static final int ATTEMPTS = 5;

	private final DataSource dataSource;

	private final JdbcStatements statements;

	private final JdbcStoreSql sql;

	private final String tableName;

	private volatile int cleanupBatchSize = DEFAULT_CLEANUP_BATCH_SIZE;

	private final AtomicLong removedRows = new AtomicLong();

	/** A store on the table {@code idempotency_record}, for the database that {@code dataSource} reaches. */
	public JdbcIdempotencyStore(DataSource dataSource, Duration timeout) {
		this(dataSource, JdbcStoreDialect.of(dataSource), JdbcStoreSql.DEFAULT_TABLE_NAME, timeout);
	}

	/**
	 * @param tableName the table, optionally schema-qualified, created by the dialect's schema script
	 * with its name replaced
	 * @param timeout the longest any statement may run
	 */
	public JdbcIdempotencyStore(DataSource dataSource, JdbcStoreDialect dialect, String tableName, Duration timeout) {
		Assert.isTrue(timeout.toMillis() > 0, "timeout must be positive");
		this.dataSource = dataSource;
		this.statements = new JdbcStatements(dataSource, timeout, dialect.duplicateKeyFails());
		this.sql = new JdbcStoreSql(dialect, tableName);
		this.tableName = tableName;
	}

	/** The most rows one statement of {@link #deleteExpired()} deletes. */
	public void setCleanupBatchSize(int cleanupBatchSize) {
		Assert.isTrue(cleanupBatchSize > 0, "cleanupBatchSize must be positive");
		this.cleanupBatchSize = cleanupBatchSize;
	}

	/** The {@code DataSource} the store writes to; transactional completion needs a transaction manager for it. */
	public DataSource getDataSource() {
		return this.dataSource;
	}

	public String getTableName() {
		return this.tableName;
	}

	@Override
	public ClaimResult claim(String recordId, InProgressRecord record, String ownerToken, Duration lease) {
		byte[] encoded = RecordCodec.encode(record);
		long leaseMillis = millis(lease);
		for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
			if (insert(this.sql.insertInProgress, recordId, ownerToken, encoded, leaseMillis)
					|| update(this.sql.takeOverExpired, ownerToken, encoded, leaseMillis, recordId)) {
				return ClaimResult.claimed();
			}
			JdbcStatements.Row row = read(this.sql.read, recordId, false);
			if (row == null) {
				continue;
			}
			if (row.record() == null) {
				if (update(this.sql.consumeToken, ownerToken, encoded, leaseMillis, recordId)) {
					return ClaimResult.claimed();
				}
				continue;
			}
			return ownerToken.equals(row.ownerToken()) ? ClaimResult.claimed()
					: ClaimResult.existing(RecordCodec.decode(row.record()));
		}
		throw contention("claim", recordId);
	}

	@Override
	public boolean supportsTokens() {
		return true;
	}

	@Override
	public void issueToken(String recordId, Duration ttl) {
		long ttlMillis = millis(ttl);
		if (!insert(this.sql.insertToken, recordId, ttlMillis, ttlMillis)) {
			update(this.sql.renewToken, ttlMillis, ttlMillis, recordId);
		}
	}

	@Override
	public ClaimResult claimToken(String recordId, InProgressRecord record, String ownerToken, Duration lease) {
		byte[] encoded = RecordCodec.encode(record);
		long leaseMillis = millis(lease);
		for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
			if (update(this.sql.consumeToken, ownerToken, encoded, leaseMillis, recordId)) {
				return ClaimResult.claimed();
			}
			JdbcStatements.Row row = read(this.sql.read, recordId, false);
			if (row == null) {
				return ClaimResult.unknownToken();
			}
			if (row.record() != null) {
				return ownerToken.equals(row.ownerToken()) ? ClaimResult.claimed()
						: ClaimResult.existing(RecordCodec.decode(row.record()));
			}
		}
		throw contention("claim token", recordId);
	}

	/**
	 * {@inheritDoc}
	 * <p>
	 * Takes part in the transaction active on this thread for this store's {@code DataSource}: the record
	 * is then written, owner-fenced, in that transaction and commits with it. Without one, it commits
	 * on its own.
	 */
	@Override
	public CompletionResult complete(String recordId, String ownerToken, CompletedRecord record, Duration retention) {
		byte[] encoded = RecordCodec.encode(record);
		long retentionMillis = millis(retention);
		boolean participate = TransactionSynchronizationManager.isActualTransactionActive()
				&& TransactionSynchronizationManager.hasResource(this.dataSource);
		for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
			if (update(participate, this.sql.completeOwned, ownerToken, encoded, retentionMillis, recordId, ownerToken)) {
				return CompletionResult.STORED;
			}
			if (update(participate, this.sql.completeExpired, ownerToken, encoded, retentionMillis, recordId)
					|| insert(participate, this.sql.insertCompleted, recordId, ownerToken, encoded, retentionMillis)) {
				return CompletionResult.STORED_AFTER_LEASE_EXPIRED;
			}
			JdbcStatements.Row row = read(this.sql.readForCompletion, recordId, participate);
			if (row != null) {
				return ownerToken.equals(row.completedBy()) ? CompletionResult.STORED
						: CompletionResult.LEASE_TAKEN_OVER;
			}
		}
		throw contention("complete", recordId);
	}

	@Override
	public boolean release(String recordId, String ownerToken) {
		if (update(this.sql.release, recordId, ownerToken) || update(this.sql.giveTokenBack, recordId, ownerToken)) {
			return true;
		}
		JdbcStatements.Row row = read(this.sql.read, recordId, false);
		return row == null || row.record() == null;
	}

	@Override
	public boolean extendLease(String recordId, String ownerToken, Duration lease) {
		return update(this.sql.extendLease, millis(lease), recordId, ownerToken);
	}

	/** One JDBC batch of one {@code UPDATE} per record, in one transaction of its own. */
	@Override
	public Set<String> extendLeases(Map<String, String> ownerByRecordId, Duration lease) {
		Set<String> lost = new HashSet<>();
		if (ownerByRecordId.isEmpty()) {
			return lost;
		}
		long leaseMillis = millis(lease);
		List<String> ids = new ArrayList<>(ownerByRecordId.keySet());
		List<Object[]> arguments = new ArrayList<>(ids.size());
		ids.forEach((id) -> arguments.add(new Object[] { leaseMillis, id, ownerByRecordId.get(id) }));
		int[] counts = this.statements.inOwnTransaction("extend leases",
				(jdbc) -> jdbc.batchUpdate(this.sql.extendLease, arguments));
		for (int i = 0; i < ids.size(); i++) {
			String id = ids.get(i);
			boolean unknown = counts == null || i >= counts.length || counts[i] < 0;
			if (unknown ? !extendLease(id, ownerByRecordId.get(id), lease) : counts[i] == 0) {
				lost.add(id);
			}
		}
		return lost;
	}

	@Override
	public boolean delete(String recordId) {
		return update(this.sql.delete, recordId);
	}

	@Override
	public @Nullable IdempotencyRecord find(String recordId) {
		List<byte[]> found = this.statements.query("find",
				(jdbc) -> jdbc.query(this.sql.find, (resultSet, rowNum) -> resultSet.getBytes(1), recordId));
		return found.isEmpty() ? null : RecordCodec.decode(found.get(0));
	}

	/**
	 * Deletes the rows whose lease, retention or token expired, in statements of at most the cleanup batch
	 * size, each committed on its own, until one deletes fewer. Safe to run on many instances at once:
	 * each row is deleted by one of them.
	 * @return how many rows this call deleted
	 */
	public long deleteExpired() {
		long removed = 0;
		int batch;
		do {
			int batchSize = this.cleanupBatchSize;
			batch = this.statements.inOwnTransaction("delete expired",
					(jdbc) -> jdbc.update(this.sql.deleteExpired, batchSize));
			removed += batch;
			this.removedRows.addAndGet(batch);
		}
		while (batch >= this.cleanupBatchSize);
		return removed;
	}

	/** How many expired rows {@link #deleteExpired()} has deleted since this store was created. */
	public long removedRows() {
		return this.removedRows.get();
	}

	private boolean insert(String sql, Object... arguments) {
		return this.statements.insert(false, sql, arguments);
	}

	private boolean insert(boolean participate, String sql, Object... arguments) {
		return this.statements.insert(participate, sql, arguments);
	}

	private boolean update(String sql, Object... arguments) {
		return this.statements.update(false, sql, arguments);
	}

	private boolean update(boolean participate, String sql, Object... arguments) {
		return this.statements.update(participate, sql, arguments);
	}

	private JdbcStatements.@Nullable Row read(String sql, String recordId, boolean participate) {
		return this.statements.read(sql, recordId, participate);
	}

	private IdempotencyStoreException contention(String operation, String recordId) {
		return new IdempotencyStoreException("JDBC " + operation + " of record " + RecordIds.logId(recordId) + " in "
				+ this.tableName + " found it changing on every attempt (" + ATTEMPTS + ")", null);
	}

	private static long millis(Duration duration) {
		return Math.max(1, duration.toMillis());
	}

}
