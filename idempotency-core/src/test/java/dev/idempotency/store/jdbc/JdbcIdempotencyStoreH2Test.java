package dev.idempotency.store.jdbc;

import dev.idempotency.testsupport.JdbcTestDatabases;

class JdbcIdempotencyStoreH2Test extends JdbcIdempotencyStoreTests {

	@Override
	protected JdbcTestDatabases.Kind kind() {
		return JdbcTestDatabases.Kind.H2;
	}

}
