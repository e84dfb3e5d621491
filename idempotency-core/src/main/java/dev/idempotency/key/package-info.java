/**
 * Parsing and validation of the {@code Idempotency-Key} request header and derivation
 * of the opaque record ids under which idempotency records are stored.
 */
@NullMarked
package dev.idempotency.key;

import org.jspecify.annotations.NullMarked;
