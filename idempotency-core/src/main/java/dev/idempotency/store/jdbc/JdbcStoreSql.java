package dev.idempotency.store.jdbc;

import java.util.regex.Pattern;

import org.springframework.util.Assert;

/**
 * The statements of the {@link JdbcIdempotencyStore}, kept as constants in the way of Spring Session's
 * {@code JdbcIndexedSessionRepository}: {@code %TABLE_NAME%} is the configured table, {@code %NOW%} the
 * database's clock and {@code %EXPIRY%} that clock plus a parameter of milliseconds. On MySQL and MariaDB
 * every {@code UPDATE} is forced onto the primary key: one that InnoDB ran through the {@code expires_at}
 * index would lock that index entry before the row, the reverse of a completion, and the two deadlocked. A row is live while
 * {@code expires_at} is after the database's clock; every statement treats an expired row as absent.
 * Columns: {@code owner_token} while in progress, {@code completed_by} once completed, {@code record} (the
 * {@link dev.idempotency.store.RecordCodec encoded record}, {@code NULL} while only a one-time token
 * waits), {@code token_expires_at} from a token's issue until the record claimed with it completes.
 */
final class JdbcStoreSql {

	/** The default table name, also the one in the schema scripts. */
	static final String DEFAULT_TABLE_NAME = "idempotency_record";

	private static final Pattern TABLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]*(\\.[A-Za-z_][A-Za-z0-9_$]*)?");

	private static final String INSERT_IN_PROGRESS = """
			INSERT INTO %TABLE_NAME% (id, owner_token, record, expires_at) VALUES (?, ?, ?, %EXPIRY%)""";

	private static final String TAKE_OVER_EXPIRED = """
			UPDATE %TABLE_NAME% SET owner_token = ?, completed_by = NULL, record = ?, token_expires_at = NULL, \
			expires_at = %EXPIRY% WHERE id = ? AND expires_at <= %NOW%""";

	private static final String CONSUME_TOKEN = """
			UPDATE %TABLE_NAME% SET owner_token = ?, record = ?, expires_at = %EXPIRY% \
			WHERE id = ? AND record IS NULL AND expires_at > %NOW%""";

	private static final String READ = """
			SELECT owner_token, completed_by, record FROM %TABLE_NAME% WHERE id = ? AND expires_at > %NOW%""";

	private static final String COMPLETE_OWNED = """
			UPDATE %TABLE_NAME% SET owner_token = NULL, completed_by = ?, record = ?, token_expires_at = NULL, \
			expires_at = %EXPIRY% WHERE id = ? AND owner_token = ? AND expires_at > %NOW%""";

	private static final String COMPLETE_EXPIRED = """
			UPDATE %TABLE_NAME% SET owner_token = NULL, completed_by = ?, record = ?, token_expires_at = NULL, \
			expires_at = %EXPIRY% WHERE id = ? AND expires_at <= %NOW%""";

	private static final String INSERT_COMPLETED = """
			INSERT INTO %TABLE_NAME% (id, completed_by, record, expires_at) VALUES (?, ?, ?, %EXPIRY%)""";

	private static final String RELEASE = """
			DELETE FROM %TABLE_NAME% WHERE id = ? AND owner_token = ? AND token_expires_at IS NULL \
			AND expires_at > %NOW%""";

	private static final String GIVE_TOKEN_BACK = """
			UPDATE %TABLE_NAME% SET owner_token = NULL, record = NULL, expires_at = token_expires_at \
			WHERE id = ? AND owner_token = ? AND token_expires_at IS NOT NULL AND expires_at > %NOW%""";

	private static final String EXTEND_LEASE = """
			UPDATE %TABLE_NAME% SET expires_at = %EXPIRY% WHERE id = ? AND owner_token = ? AND expires_at > %NOW%""";

	private static final String INSERT_TOKEN = """
			INSERT INTO %TABLE_NAME% (id, token_expires_at, expires_at) VALUES (?, %EXPIRY%, %EXPIRY%)""";

	private static final String RENEW_TOKEN = """
			UPDATE %TABLE_NAME% SET owner_token = NULL, completed_by = NULL, record = NULL, \
			token_expires_at = %EXPIRY%, expires_at = %EXPIRY% WHERE id = ? AND (record IS NULL OR expires_at <= %NOW%)""";

	private static final String DELETE = "DELETE FROM %TABLE_NAME% WHERE id = ? AND expires_at > %NOW%";

	private static final String FIND = """
			SELECT record FROM %TABLE_NAME% WHERE id = ? AND record IS NOT NULL AND expires_at > %NOW%""";

	final String insertInProgress;

	final String takeOverExpired;

	final String consumeToken;

	final String read;

	final String readForCompletion;

	final String completeOwned;

	final String completeExpired;

	final String insertCompleted;

	final String release;

	final String giveTokenBack;

	final String extendLease;

	final String insertToken;

	final String renewToken;

	final String delete;

	final String find;

	final String deleteExpired;

	JdbcStoreSql(JdbcStoreDialect dialect, String tableName) {
		checkTableName(tableName);
		String suffix = dialect.insertIfAbsentSuffix();
		this.insertInProgress = resolve(INSERT_IN_PROGRESS + suffix, dialect, tableName);
		this.takeOverExpired = resolve(TAKE_OVER_EXPIRED, dialect, tableName);
		this.consumeToken = resolve(CONSUME_TOKEN, dialect, tableName);
		this.read = resolve(READ, dialect, tableName);
		this.readForCompletion = resolve(READ + dialect.currentReadSuffix(), dialect, tableName);
		this.completeOwned = resolve(COMPLETE_OWNED, dialect, tableName);
		this.completeExpired = resolve(COMPLETE_EXPIRED, dialect, tableName);
		this.insertCompleted = resolve(INSERT_COMPLETED + suffix, dialect, tableName);
		this.release = resolve(RELEASE, dialect, tableName);
		this.giveTokenBack = resolve(GIVE_TOKEN_BACK, dialect, tableName);
		this.extendLease = resolve(EXTEND_LEASE, dialect, tableName);
		this.insertToken = resolve(INSERT_TOKEN + suffix, dialect, tableName);
		this.renewToken = resolve(RENEW_TOKEN, dialect, tableName);
		this.delete = resolve(DELETE, dialect, tableName);
		this.find = resolve(FIND, dialect, tableName);
		this.deleteExpired = resolve(dialect.deleteExpired(), dialect, tableName);
	}

	static void checkTableName(String tableName) {
		Assert.isTrue(TABLE_NAME.matcher(tableName).matches(),
				() -> "Not a table name (letters, digits, '_', optionally schema-qualified): " + tableName);
	}

	private static String resolve(String sql, JdbcStoreDialect dialect, String tableName) {
		String statement = (dialect == JdbcStoreDialect.MYSQL)
				? sql.replace("UPDATE %TABLE_NAME% SET", "UPDATE %TABLE_NAME% FORCE INDEX (PRIMARY) SET") : sql;
		return statement.replace("%TABLE_NAME%", tableName).replace("%EXPIRY%", dialect.nowPlusMillis())
			.replace("%NOW%", dialect.now());
	}

}
