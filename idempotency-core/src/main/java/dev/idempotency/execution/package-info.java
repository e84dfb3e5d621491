/**
 * The life of one claimed execution across the dispatches of its request (request, async, error),
 * how its outcome is settled in the store, and the lease kept alive while it runs.
 */
@NullMarked
package dev.idempotency.execution;

import org.jspecify.annotations.NullMarked;
