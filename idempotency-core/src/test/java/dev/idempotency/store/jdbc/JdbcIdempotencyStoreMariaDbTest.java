package dev.idempotency.store.jdbc;

import dev.idempotency.testsupport.JdbcTestDatabases;

class JdbcIdempotencyStoreMariaDbTest extends JdbcIdempotencyStoreTests {

	@Override
	protected JdbcTestDatabases.Kind kind() {
		return JdbcTestDatabases.Kind.MARIADB;
	}

}
