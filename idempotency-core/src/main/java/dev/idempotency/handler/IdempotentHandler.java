package dev.idempotency.handler;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * The idempotent handler a request maps to.
 * @param route the matched route pattern, e.g. {@code /payments/{id}}
 * @param required whether a request without a key is refused
 * @param retention the handler's own retention, or {@code null} for the configured one
 */
public record IdempotentHandler(String route, boolean required, @Nullable Duration retention) {
}
