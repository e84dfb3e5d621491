package dev.idempotency.autoconfigure;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.sql.init.DatabaseInitializationMode;

/**
 * Settings of the JDBC store ({@code idempotency.store.type=jdbc}); a class of their own, bound only when
 * Spring JDBC is on the class path.
 */
@ConfigurationProperties("idempotency.store.jdbc")
public class JdbcStoreProperties {

	/**
	 * When to create the JDBC store's table from the schema script in the jar: 'embedded' (only on an
	 * embedded database such as H2), 'always', or 'never' (create it yourself).
	 */
	private DatabaseInitializationMode initializeSchema = DatabaseInitializationMode.EMBEDDED;

	/**
	 * Table of the JDBC store, optionally schema-qualified.
	 */
	private String tableName = "idempotency_record";

	/**
	 * Cron expression of the cleanup that deletes expired rows of the JDBC store in bounded batches; '-'
	 * turns it off.
	 */
	private String cleanupCron = "0 * * * * *";

	/**
	 * Whether an idempotent handler runs in a transaction of the application's transaction manager for the
	 * store's DataSource, in which its answer is stored before it commits (transactional completion).
	 */
	private boolean transactionalCompletion = true;

	public DatabaseInitializationMode getInitializeSchema() {
		return this.initializeSchema;
	}

	public void setInitializeSchema(DatabaseInitializationMode initializeSchema) {
		this.initializeSchema = initializeSchema;
	}

	public String getTableName() {
		return this.tableName;
	}

	public void setTableName(String tableName) {
		this.tableName = tableName;
	}

	public boolean isTransactionalCompletion() {
		return this.transactionalCompletion;
	}

	public void setTransactionalCompletion(boolean transactionalCompletion) {
		this.transactionalCompletion = transactionalCompletion;
	}

	public String getCleanupCron() {
		return this.cleanupCron;
	}

	public void setCleanupCron(String cleanupCron) {
		this.cleanupCron = cleanupCron;
	}

}
