/**
 * Servlet plumbing: request body buffering, response capture across async dispatches, replay, and RFC 9457 problem answers.
 */
@NullMarked
package dev.idempotency.web;

import org.jspecify.annotations.NullMarked;
