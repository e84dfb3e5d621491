/**
 * Spring Boot auto-configuration of the idempotency filter and its store.
 */
@NullMarked
package dev.idempotency.autoconfigure;

import org.jspecify.annotations.NullMarked;
