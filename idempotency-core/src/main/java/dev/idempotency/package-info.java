/**
 * The idempotency filter, the {@link dev.idempotency.Idempotent} annotation and the settings that drive them.
 */
@NullMarked
package dev.idempotency;

import org.jspecify.annotations.NullMarked;
