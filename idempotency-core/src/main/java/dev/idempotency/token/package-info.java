/**
 * Server-issued one-time tokens: the token endpoint hands out a token bound to the caller's scope, and an
 * {@code @Idempotent(tokenRequired = true)} handler accepts only such a token as its key.
 */
@NullMarked
package dev.idempotency.token;

import org.jspecify.annotations.NullMarked;
