/**
 * OpenAPI (springdoc) support: documents the key header, the problem answers and the retention of every
 * {@link dev.idempotency.Idempotent} operation.
 */
@NullMarked
package dev.idempotency.autoconfigure.openapi;

import org.jspecify.annotations.NullMarked;
