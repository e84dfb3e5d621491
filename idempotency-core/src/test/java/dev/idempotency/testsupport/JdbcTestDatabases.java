package dev.idempotency.testsupport;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import org.jspecify.annotations.Nullable;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/**
 * The databases of the JDBC tests. Each {@link #create(Kind)} makes a fresh database {@code idem_test_<random>}
 * that {@link TestDatabase#close()} drops. The server of PostgreSQL and MariaDB is found, once per JVM, in this
 * order: a JDBC URL of an account that may create databases in {@value #POSTGRES_ENV} or {@value #MARIADB_ENV};
 * the local service (PostgreSQL on 127.0.0.1:5432, user {@code postgres}, trust authentication; MariaDB on
 * 127.0.0.1:3306, user {@code root}, no password); a container started by Testcontainers when a Docker engine
 * exists; otherwise {@link #create} fails saying how to get one. H2 runs in memory. Never skipped.
 */
public final class JdbcTestDatabases {

	static final String POSTGRES_ENV = "IDEMPOTENCY_TEST_POSTGRES_URL";

	static final String MARIADB_ENV = "IDEMPOTENCY_TEST_MARIADB_URL";

	private static final Pattern URL = Pattern.compile("(jdbc:[a-z]+://[^/?]+)(/[^?]*)?(\\?.*)?");

	private static @Nullable String postgresServer;

	private static @Nullable String mariadbServer;

	private JdbcTestDatabases() {
	}

	/** The supported databases. */
	public enum Kind {

		H2, POSTGRESQL, MARIADB;

	}

	/** A fresh database of the given kind, with a pool of up to 40 connections. */
	public static TestDatabase create(Kind kind) {
		String name = "idem_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
		return switch (kind) {
			case H2 -> {
				String url = "jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1";
				yield new TestDatabase(kind, url, "sa", "", () -> execute(url + ";USER=sa", "SHUTDOWN"));
			}
			case POSTGRESQL -> createOn(kind, postgres(), name, "postgres",
					"DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
			case MARIADB -> createOn(kind, mariadb(), name, "root", "DROP DATABASE IF EXISTS " + name);
		};
	}

	private static TestDatabase createOn(Kind kind, String serverUrl, String name, String defaultUser, String drop) {
		execute(serverUrl, "CREATE DATABASE " + name);
		Matcher url = URL.matcher(serverUrl);
		if (!url.matches()) {
			throw new IllegalStateException("Not a JDBC URL: " + serverUrl);
		}
		String databaseUrl = url.group(1) + "/" + name + ((url.group(3) != null) ? url.group(3) : "");
		String user = parameter(serverUrl, "user", defaultUser);
		return new TestDatabase(kind, databaseUrl, user, parameter(serverUrl, "password", ""),
				() -> execute(serverUrl, drop));
	}

	private static String parameter(String url, String name, String otherwise) {
		Matcher parameter = Pattern.compile("[?&]" + name + "=([^&]*)").matcher(url);
		return parameter.find() ? parameter.group(1) : otherwise;
	}

	static synchronized String postgres() {
		if (postgresServer == null) {
			postgresServer = resolve("PostgreSQL", POSTGRES_ENV,
					"jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres&connectTimeout=3", "postgres:16-alpine", 5432,
					"POSTGRES_HOST_AUTH_METHOD", "trust", ".*database system is ready to accept connections.*", 2,
					"jdbc:postgresql://%s:%d/postgres?user=postgres",
					"pg_ctlcluster $(ls /etc/postgresql) main start (apt-get install postgresql when missing)");
		}
		return postgresServer;
	}

	static synchronized String mariadb() {
		if (mariadbServer == null) {
			mariadbServer = resolve("MariaDB", MARIADB_ENV,
					"jdbc:mariadb://127.0.0.1:3306/?user=root&connectTimeout=3000", "mariadb:10.11", 3306,
					"MARIADB_ALLOW_EMPTY_ROOT_PASSWORD", "1", ".*ready for connections.*", 2,
					"jdbc:mariadb://%s:%d/?user=root",
					"start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd"
							+ " (apt-get install mariadb-server when missing)");
		}
		return mariadbServer;
	}

	private static String resolve(String product, String env, String localUrl, String image, int port, String envName,
			String envValue, String readyLog, int readyTimes, String containerUrl, String howToStart) {
		String configured = System.getenv(env);
		if (configured != null && !configured.isBlank()) {
			String failure = probe(configured.trim());
			if (failure != null) {
				throw new IllegalStateException(env + "=" + configured + " does not answer: " + failure);
			}
			return configured.trim();
		}
		List<String> tried = new ArrayList<>();
		String local = probe(localUrl);
		if (local == null) {
			return localUrl;
		}
		tried.add(localUrl + " (" + local + ")");
		try {
			if (DockerClientFactory.instance().isDockerAvailable()) {
				GenericContainer<?> container = new GenericContainer<>(DockerImageName.parse(image)).withExposedPorts(port)
					.withEnv(envName, envValue)
					.waitingFor(Wait.forLogMessage(readyLog, readyTimes));
				container.start();
				Runtime.getRuntime().addShutdownHook(new Thread(container::stop, "jdbc-test-container-stop"));
				return String.format(Locale.ROOT, containerUrl, container.getHost(), container.getMappedPort(port));
			}
			tried.add("Testcontainers (no Docker engine found)");
		}
		catch (RuntimeException | LinkageError ex) {
			tried.add("Testcontainers " + image + " (" + ex + ")");
		}
		throw new IllegalStateException("No " + product + " server for the tests. Tried: " + String.join("; ", tried)
				+ ".\nProvide one of:\n  - set " + env + " to the JDBC URL of an account that may create databases\n"
				+ "  - start the local service: " + howToStart + "\n  - install Docker so that Testcontainers can start "
				+ image);
	}

	private static @Nullable String probe(String url) {
		try (Connection connection = DriverManager.getConnection(url)) {
			return connection.isValid(3) ? null : "connection not valid";
		}
		catch (SQLException ex) {
			return ex.getMessage();
		}
	}

	private static void execute(String url, String sql) {
		try (Connection connection = DriverManager.getConnection(url);
				Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
		catch (SQLException ex) {
			throw new IllegalStateException(sql + " on " + url + " failed: " + ex.getMessage(), ex);
		}
	}

	/** A database of its own for one test class; {@link #close()} drops it. */
	public static final class TestDatabase implements AutoCloseable {

		private final Kind kind;

		private final String url;

		private final String username;

		private final String password;

		private final HikariDataSource dataSource;

		private final Runnable drop;

		TestDatabase(Kind kind, String url, String username, String password, Runnable drop) {
			this.kind = kind;
			this.url = url;
			this.username = username;
			this.password = password;
			this.drop = drop;
			this.dataSource = new HikariDataSource();
			this.dataSource.setJdbcUrl(url);
			this.dataSource.setUsername(username);
			this.dataSource.setPassword(password);
			this.dataSource.setMaximumPoolSize(40);
			this.dataSource.setPoolName("test-" + kind.name().toLowerCase(Locale.ROOT));
		}

		public Kind kind() {
			return this.kind;
		}

		public DataSource dataSource() {
			return this.dataSource;
		}

		/** The JDBC URL of this database, for {@code spring.datasource.url}. */
		public String url() {
			return this.url;
		}

		public String username() {
			return this.username;
		}

		public String password() {
			return this.password;
		}

		@Override
		public void close() {
			this.dataSource.close();
			this.drop.run();
		}

	}

}
