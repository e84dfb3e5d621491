/**
 * Finds the Spring MVC handler of a request and whether it is idempotent.
 */
@NullMarked
package dev.idempotency.handler;

import org.jspecify.annotations.NullMarked;
