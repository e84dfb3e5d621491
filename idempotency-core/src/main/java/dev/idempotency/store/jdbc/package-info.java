/**
 * The JDBC store: one row per record in the application's database, every state change one conditional
 * statement on that row, lease and retention on the database's clock.
 */
@NullMarked
package dev.idempotency.store.jdbc;

import org.jspecify.annotations.NullMarked;
