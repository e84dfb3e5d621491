package dev.idempotency.autoconfigure;

import java.nio.charset.StandardCharsets;
import java.util.List;

import javax.sql.DataSource;

import org.springframework.boot.jdbc.init.DataSourceScriptDatabaseInitializer;
import org.springframework.boot.sql.init.DatabaseInitializationSettings;
import org.springframework.core.io.ByteArrayResource;

import dev.idempotency.store.jdbc.JdbcStoreDialect;

/**
 * Creates the JDBC store's table from the dialect's schema script in the jar, named as configured, under
 * {@code idempotency.store.jdbc.initialize-schema} (as Spring Boot's Spring Session JDBC support does).
 * The scripts create only what does not exist, so running them again is harmless.
 */
public class JdbcStoreSchemaInitializer extends DataSourceScriptDatabaseInitializer {

	private final JdbcStoreDialect dialect;

	private final String tableName;

	public JdbcStoreSchemaInitializer(DataSource dataSource, JdbcStoreDialect dialect, JdbcStoreProperties properties) {
		super(dataSource, settings(dialect, properties));
		this.dialect = dialect;
		this.tableName = properties.getTableName();
	}

	private static DatabaseInitializationSettings settings(JdbcStoreDialect dialect, JdbcStoreProperties properties) {
		DatabaseInitializationSettings settings = new DatabaseInitializationSettings();
		settings.setSchemaLocations(List.of(dialect.schemaLocation()));
		settings.setMode(properties.getInitializeSchema());
		return settings;
	}

	@Override
	protected void runScripts(Scripts scripts) {
		byte[] script = this.dialect.schemaScript(this.tableName).getBytes(StandardCharsets.UTF_8);
		super.runScripts(new Scripts(List.of(new ByteArrayResource(script, this.dialect.schemaLocation())))
			.continueOnError(scripts.isContinueOnError())
			.separator(scripts.getSeparator())
			.encoding(StandardCharsets.UTF_8));
	}

}
