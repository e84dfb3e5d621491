package dev.idempotency.handler;

import java.time.Duration;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import dev.idempotency.key.BusinessKeySource;

/**
 * The idempotent handler a request maps to.
 * @param route the matched route pattern, e.g. {@code /payments/{id}}
 * @param required whether a request without a key is refused
 * @param retention the handler's own retention, or {@code null} for the configured one
 * @param tokenRequired whether the key must be a one-time token issued to the caller's scope
 * @param businessKey where the business key is read, or {@code null} when the header is the key
 * @param pathVariables the request's URI template variables
 * @param cors the CORS handling the application's configuration gives this request, for the filter's own
 * answers
 * @param invocationTracked whether the handler carries the {@link HandlerInvocationMarker}, so the filter
 * can tell an answer of the handler method from one given before it was invoked
 */
public record IdempotentHandler(String route, boolean required, @Nullable Duration retention, boolean tokenRequired,
		@Nullable BusinessKeySource businessKey, Map<String, String> pathVariables, CorsAnswers cors,
		boolean invocationTracked) {

	/** A handler keyed by the {@code Idempotency-Key} header. */
	public IdempotentHandler(String route, boolean required, @Nullable Duration retention) {
		this(route, required, retention, false, null, Map.of());
	}

	/** A handler without CORS configuration or invocation marker. */
	public IdempotentHandler(String route, boolean required, @Nullable Duration retention, boolean tokenRequired,
			@Nullable BusinessKeySource businessKey, Map<String, String> pathVariables) {
		this(route, required, retention, tokenRequired, businessKey, pathVariables, CorsAnswers.NONE, false);
	}

}
