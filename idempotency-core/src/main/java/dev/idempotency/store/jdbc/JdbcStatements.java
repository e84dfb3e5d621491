package dev.idempotency.store.jdbc;

import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;

import org.springframework.dao.DataAccessException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.TransactionException;
import org.springframework.transaction.support.TransactionTemplate;

import dev.idempotency.store.IdempotencyStoreException;

/**
 * How the JDBC store runs a statement: bounded by the store's timeout; either taking part in the
 * transaction active on the calling thread, or in a transaction of its own ({@code REQUIRES_NEW}) that is
 * sent again when it lost a deadlock or a lock wait (it changed nothing then); database errors become
 * {@link IdempotencyStoreException}s.
 */
final class JdbcStatements {

	/** Attempts of a statement of its own that lost a deadlock or a lock wait. */
	private static final int LOCK_ATTEMPTS = 3;

	private final JdbcTemplate jdbc;

	private final TransactionTemplate ownTransaction;

	private final boolean duplicateKeyFails;

	JdbcStatements(DataSource dataSource, Duration timeout, boolean duplicateKeyFails) {
		this.jdbc = new JdbcTemplate(dataSource);
		this.jdbc.setQueryTimeout((int) Math.max(1, (timeout.toMillis() + 999) / 1000));
		this.ownTransaction = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
		this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
		this.duplicateKeyFails = duplicateKeyFails;
	}

	/** Whether the row was inserted; {@code false} when the id exists. */
	boolean insert(boolean participate, String sql, Object... arguments) {
		try {
			return update(participate, sql, arguments);
		}
		catch (IdempotencyStoreException ex) {
			if (this.duplicateKeyFails && ex.getCause() instanceof DuplicateKeyException) {
				return false;
			}
			throw ex;
		}
	}

	/** Whether the statement changed a row. */
	boolean update(boolean participate, String sql, Object... arguments) {
		Supplier<Integer> statement = () -> this.jdbc.update(sql, arguments);
		Integer count = call("statement", participate ? statement : ownTransaction(statement));
		return count != null && count > 0;
	}

	/** The row's owner, completing owner and record, or {@code null} when there is none. */
	@Nullable Row read(String sql, String recordId, boolean participate) {
		Supplier<List<Row>> query = () -> this.jdbc.query(sql,
				(resultSet, rowNum) -> new Row(resultSet.getString(1), resultSet.getString(2), resultSet.getBytes(3)),
				recordId);
		List<Row> rows = call("read", participate ? query : ownTransaction(query));
		return (rows == null || rows.isEmpty()) ? null : rows.get(0);
	}

	<T> T inOwnTransaction(String operation, Function<JdbcTemplate, T> statement) {
		return call(operation, ownTransaction(() -> statement.apply(this.jdbc)));
	}

	<T> T query(String operation, Function<JdbcTemplate, T> statement) {
		return call(operation, () -> statement.apply(this.jdbc));
	}

	private <T> Supplier<T> ownTransaction(Supplier<T> statement) {
		return () -> {
			for (int attempt = 1;; attempt++) {
				try {
					return this.ownTransaction.execute((status) -> statement.get());
				}
				catch (PessimisticLockingFailureException ex) {
					if (attempt >= LOCK_ATTEMPTS) {
						throw ex;
					}
				}
			}
		};
	}

	private static <T> T call(String operation, Supplier<T> statement) {
		try {
			return statement.get();
		}
		catch (DataAccessException | TransactionException ex) {
			throw new IdempotencyStoreException("JDBC " + operation + " failed: " + ex.getMessage(), ex);
		}
	}

	/** A row as the store's reads return it. */
	record Row(@Nullable String ownerToken, @Nullable String completedBy, byte @Nullable [] record) {
	}

}
