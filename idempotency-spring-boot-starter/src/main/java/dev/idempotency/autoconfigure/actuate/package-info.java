/**
 * The {@code idempotency} actuator endpoint: look up and delete records.
 */
@NullMarked
package dev.idempotency.autoconfigure.actuate;

import org.jspecify.annotations.NullMarked;
