/**
 * Request fingerprints: a canonical JSON form and the digest that tells an honest
 * retry apart from a different request reusing the same idempotency key.
 */
@NullMarked
package dev.idempotency.fingerprint;

import org.jspecify.annotations.NullMarked;
