package dev.idempotency.store.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.DatabaseMetaData;
import java.util.Locale;

import javax.sql.DataSource;

import org.springframework.jdbc.support.JdbcUtils;
import org.springframework.jdbc.support.MetaDataAccessException;
import org.springframework.util.Assert;

/**
 * What differs between the databases the {@link JdbcIdempotencyStore} supports: the database's own clock,
 * the insert that does nothing when the id exists, and the bounded delete of expired rows. Every clock
 * expression reads the time when the statement runs, not when its transaction began, except on H2, whose
 * {@code CURRENT_TIMESTAMP} is fixed for a transaction (H2 runs in the application's JVM, on its clock).
 */
public enum JdbcStoreDialect {

	/**
	 * PostgreSQL: {@code clock_timestamp()}, since {@code now()} is the start of the transaction; {@code INSERT
	 * … ON CONFLICT (id) DO NOTHING}, which neither fails nor aborts a surrounding transaction; a cleanup
	 * that skips rows another cleanup has locked.
	 */
	POSTGRESQL("postgresql", "clock_timestamp()", "(clock_timestamp() + CAST(? AS BIGINT) * INTERVAL '1 millisecond')",
			" ON CONFLICT (id) DO NOTHING", false,
			"DELETE FROM %TABLE_NAME% WHERE id IN (SELECT id FROM %TABLE_NAME% WHERE expires_at <= clock_timestamp()"
					+ " LIMIT ? FOR UPDATE SKIP LOCKED)",
			""),

	/**
	 * MySQL and MariaDB (InnoDB): {@code UTC_TIMESTAMP(6)}, the start of the statement, whatever the session's
	 * time zone; a plain insert whose duplicate-key error rolls back that statement only; {@code DELETE … LIMIT}.
	 * The read that decides a completion is a locking (current) read, since a plain one reads the
	 * snapshot of a {@code REPEATABLE READ} transaction the completion may take part in.
	 */
	MYSQL("mysql", "UTC_TIMESTAMP(6)", "TIMESTAMPADD(MICROSECOND, CAST(? AS SIGNED) * 1000, UTC_TIMESTAMP(6))", "", true,
			"DELETE FROM %TABLE_NAME% WHERE expires_at <= UTC_TIMESTAMP(6) LIMIT ?", " LOCK IN SHARE MODE"),

	/** H2 (any compatibility mode): a plain insert and its duplicate-key error; {@code DELETE … FETCH FIRST}. */
	H2("h2", "CURRENT_TIMESTAMP", "DATEADD(MILLISECOND, CAST(? AS BIGINT), CURRENT_TIMESTAMP)", "", true,
			"DELETE FROM %TABLE_NAME% WHERE expires_at <= CURRENT_TIMESTAMP FETCH FIRST ? ROWS ONLY", "");

	private final String platform;

	private final String now;

	private final String nowPlusMillis;

	private final String insertIfAbsentSuffix;

	private final boolean duplicateKeyFails;

	private final String deleteExpired;

	private final String currentReadSuffix;

	JdbcStoreDialect(String platform, String now, String nowPlusMillis, String insertIfAbsentSuffix,
			boolean duplicateKeyFails, String deleteExpired, String currentReadSuffix) {
		this.platform = platform;
		this.now = now;
		this.nowPlusMillis = nowPlusMillis;
		this.insertIfAbsentSuffix = insertIfAbsentSuffix;
		this.duplicateKeyFails = duplicateKeyFails;
		this.deleteExpired = deleteExpired;
		this.currentReadSuffix = currentReadSuffix;
	}

	/** The dialect of the database behind {@code dataSource}, from its product name. */
	public static JdbcStoreDialect of(DataSource dataSource) {
		String product;
		try {
			product = JdbcUtils.extractDatabaseMetaData(dataSource, DatabaseMetaData::getDatabaseProductName);
		}
		catch (MetaDataAccessException ex) {
			throw new IllegalStateException("Cannot tell the database of the idempotency JDBC store: " + ex.getMessage(),
					ex);
		}
		return forProductName(product);
	}

	static JdbcStoreDialect forProductName(String product) {
		String name = product.toLowerCase(Locale.ROOT);
		if (name.contains("postgresql")) {
			return POSTGRESQL;
		}
		if (name.contains("mysql") || name.contains("mariadb")) {
			return MYSQL;
		}
		if (name.equals("h2")) {
			return H2;
		}
		throw new IllegalStateException("The idempotency JDBC store supports PostgreSQL, MySQL, MariaDB and H2, not "
				+ product);
	}

	/** The name in this dialect's schema script, {@code dev/idempotency/store/jdbc/schema-<platform>.sql}. */
	public String platform() {
		return this.platform;
	}

	/** The class path location of this dialect's schema script, creating the table {@code idempotency_record}. */
	public String schemaLocation() {
		return "classpath:dev/idempotency/store/jdbc/schema-" + this.platform + ".sql";
	}

	/**
	 * This dialect's schema script with {@code idempotency_record} replaced by {@code tableName}, which
	 * names the table, its primary key and its index on {@code expires_at}.
	 */
	public String schemaScript(String tableName) {
		JdbcStoreSql.checkTableName(tableName);
		String simpleName = tableName.substring(tableName.lastIndexOf('.') + 1);
		String location = "schema-" + this.platform + ".sql";
		try (InputStream script = JdbcStoreDialect.class.getResourceAsStream(location)) {
			Assert.state(script != null, () -> "No " + location + " next to " + JdbcStoreDialect.class.getName());
			return new String(script.readAllBytes(), StandardCharsets.UTF_8)
				.replace(JdbcStoreSql.DEFAULT_TABLE_NAME + "_", simpleName + "_")
				.replace(JdbcStoreSql.DEFAULT_TABLE_NAME, tableName);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	String now() {
		return this.now;
	}

	/** An expression of the database's clock plus one {@code ?} parameter of milliseconds. */
	String nowPlusMillis() {
		return this.nowPlusMillis;
	}

	String insertIfAbsentSuffix() {
		return this.insertIfAbsentSuffix;
	}

	/** Whether an insert on an existing id fails with a duplicate key error rather than inserting nothing. */
	boolean duplicateKeyFails() {
		return this.duplicateKeyFails;
	}

	/** Deletes at most {@code ?} expired rows. */
	String deleteExpired() {
		return this.deleteExpired;
	}

	String currentReadSuffix() {
		return this.currentReadSuffix;
	}

}
