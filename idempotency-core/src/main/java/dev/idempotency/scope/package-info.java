/**
 * Strategies that find the scope a record belongs to (principal, global, header, or the application's own).
 */
@NullMarked
package dev.idempotency.scope;

import org.jspecify.annotations.NullMarked;
