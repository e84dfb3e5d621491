package dev.idempotency.benchmarks.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

/**
 * A fresh PostgreSQL database {@code bench_<random>} for one e2e run, created and dropped over plain JDBC
 * through a connection to the server's {@code postgres} database (so the benchmark's own probes never
 * count in the bench database's statistics). Also reads what the bench database did: its transactions and
 * rows from {@code pg_stat_database}, and the CPU time of its backends from {@code /proc}.
 */
final class BenchDatabase implements AutoCloseable {

	private final String host;

	private final String user;

	private final String name;

	private final Connection admin;

	private boolean dropped;

	private BenchDatabase(String host, String user, String name, Connection admin) {
		this.host = host;
		this.user = user;
		this.name = name;
		this.admin = admin;
	}

	/** Creates the database on {@code host} ({@code 127.0.0.1:5432}) as {@code user}. */
	static BenchDatabase create(String host, String user) throws SQLException {
		String name = "bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
		Connection admin = DriverManager.getConnection("jdbc:postgresql://" + host + "/postgres", user, "");
		admin.setAutoCommit(true);
		try (Statement statement = admin.createStatement()) {
			statement.execute("CREATE DATABASE " + name);
		}
		return new BenchDatabase(host, user, name, admin);
	}

	String name() {
		return this.name;
	}

	String url() {
		return "jdbc:postgresql://" + this.host + "/" + this.name;
	}

	String user() {
		return this.user;
	}

	String serverVersion() throws SQLException {
		return this.admin.getMetaData().getDatabaseProductVersion();
	}

	/**
	 * Cumulative counters of the bench database: committed + rolled-back transactions, rows inserted,
	 * updated, deleted. PostgreSQL backends flush them at most once a second, so read them after a pause.
	 */
	long[] stats() throws SQLException {
		try (Statement clear = this.admin.createStatement()) {
			clear.execute("SELECT pg_stat_clear_snapshot()");
		}
		try (PreparedStatement statement = this.admin.prepareStatement("SELECT xact_commit + xact_rollback, "
				+ "tup_inserted, tup_updated, tup_deleted FROM pg_stat_database WHERE datname = ?")) {
			statement.setString(1, this.name);
			try (ResultSet rs = statement.executeQuery()) {
				rs.next();
				return new long[] { rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4) };
			}
		}
	}

	/**
	 * User + system CPU time, in nanoseconds, of the backends connected to the bench database now (from
	 * {@code pg_stat_activity} and {@code /proc}); a backend that ended in between is not counted.
	 */
	long backendCpuNanos() {
		long total = 0;
		try (PreparedStatement statement = this.admin
			.prepareStatement("SELECT pid FROM pg_stat_activity WHERE datname = ?")) {
			statement.setString(1, this.name);
			try (ResultSet rs = statement.executeQuery()) {
				while (rs.next()) {
					total += cpuNanos(rs.getLong(1));
				}
			}
		}
		catch (SQLException ex) {
			return -1;
		}
		return total;
	}

	private static long cpuNanos(long pid) {
		try {
			String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
			String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
			return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10_000_000L;
		}
		catch (IOException | RuntimeException ex) {
			return 0;
		}
	}

	/** Drops the database, closing whatever is still connected to it (PostgreSQL 13+). */
	@Override
	public synchronized void close() {
		if (this.dropped) {
			return;
		}
		this.dropped = true;
		try (Statement statement = this.admin.createStatement()) {
			statement.execute(String.format(Locale.ROOT, "DROP DATABASE IF EXISTS %s WITH (FORCE)", this.name));
		}
		catch (SQLException ex) {
			System.err.println("Could not drop database " + this.name + ": " + ex);
		}
		finally {
			try {
				this.admin.close();
			}
			catch (SQLException ex) {
				// closing anyway
			}
		}
	}

}
