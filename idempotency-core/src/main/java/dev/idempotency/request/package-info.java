/**
 * Reading an idempotent request: its key (header, one-time token or business key), its record id and
 * its fingerprint, or the refusal the filter answers instead.
 */
@NullMarked
package dev.idempotency.request;

import org.jspecify.annotations.NullMarked;
