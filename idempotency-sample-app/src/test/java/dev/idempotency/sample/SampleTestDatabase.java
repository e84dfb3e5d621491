package dev.idempotency.sample;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A fresh database for one test class on the PostgreSQL or MariaDB server running on this machine, created
 * through a plain JDBC connection and dropped again by {@link #drop()}. A server that cannot be reached
 * fails the test with the command that starts it; nothing is skipped.
 */
final class SampleTestDatabase {

	enum Server {

		POSTGRESQL("jdbc:postgresql://127.0.0.1:5432/", "postgres", "postgres",
				"PostgreSQL on 127.0.0.1:5432 (trust auth, user postgres): start it with"
						+ " 'pg_ctlcluster <version> main start' (pg_lsclusters shows the version)"),

		MARIADB("jdbc:mariadb://127.0.0.1:3306/", "test", "root",
				"MariaDB on 127.0.0.1:3306 (user root, empty password): start it with"
						+ " 'start-stop-daemon --start --oknodo --background --exec $(command -v mariadbd)'");

		private final String base;

		private final String adminDatabase;

		private final String username;

		private final String howToStart;

		Server(String base, String adminDatabase, String username, String howToStart) {
			this.base = base;
			this.adminDatabase = adminDatabase;
			this.username = username;
			this.howToStart = howToStart;
		}

	}

	private final Server server;

	private final String name;

	private SampleTestDatabase(Server server, String name) {
		this.server = server;
		this.name = name;
	}

	static SampleTestDatabase create(Server server) {
		String name = "sample_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
		SampleTestDatabase database = new SampleTestDatabase(server, name);
		database.admin("CREATE DATABASE " + name);
		return database;
	}

	String url() {
		return this.server.base + this.name;
	}

	String username() {
		return this.server.username;
	}

	String name() {
		return this.name;
	}

	/** Drops the database, closing the connections still open to it. */
	void drop() {
		if (this.server == Server.POSTGRESQL) {
			admin("DROP DATABASE IF EXISTS " + this.name + " WITH (FORCE)");
			return;
		}
		try (Connection connection = connect()) {
			List<Long> sessions = new ArrayList<>();
			try (PreparedStatement select = connection
				.prepareStatement("SELECT ID FROM information_schema.PROCESSLIST WHERE DB = ?")) {
				select.setString(1, this.name);
				try (ResultSet rows = select.executeQuery()) {
					while (rows.next()) {
						sessions.add(rows.getLong(1));
					}
				}
			}
			try (Statement statement = connection.createStatement()) {
				for (long session : sessions) {
					statement.execute("KILL CONNECTION " + session);
				}
				statement.execute("DROP DATABASE IF EXISTS " + this.name);
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Could not drop " + this.name, ex);
		}
	}

	private void admin(String sql) {
		try (Connection connection = connect(); Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("'" + sql + "' failed", ex);
		}
	}

	private Connection connect() {
		try {
			return DriverManager.getConnection(this.server.base + this.server.adminDatabase, this.server.username, "");
		}
		catch (SQLException ex) {
			throw new IllegalStateException("The sample's database tests need " + this.server.howToStart
					+ "; connecting to " + this.server.base + this.server.adminDatabase + " failed: " + ex.getMessage(),
					ex);
		}
	}

}
