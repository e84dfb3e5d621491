/**
 * The store SPI: claim, complete, release and extend a record, owner-checked; the record model, its versioned encoding, and an in-memory store.
 */
@NullMarked
package dev.idempotency.store;

import org.jspecify.annotations.NullMarked;
