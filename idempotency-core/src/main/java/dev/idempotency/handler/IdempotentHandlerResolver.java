package dev.idempotency.handler;

import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;

/** Tells whether a request maps to an {@link dev.idempotency.Idempotent} handler, resolving it once. */
@FunctionalInterface
public interface IdempotentHandlerResolver {

	/** The idempotent handler of the request, or {@code null} when the request does not take part. */
	@Nullable IdempotentHandler resolve(HttpServletRequest request);

}
