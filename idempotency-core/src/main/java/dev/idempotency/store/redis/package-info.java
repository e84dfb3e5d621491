/**
 * The Redis store: every state change is one Lua script on one hash-tagged key.
 */
@NullMarked
package dev.idempotency.store.redis;

import org.jspecify.annotations.NullMarked;
