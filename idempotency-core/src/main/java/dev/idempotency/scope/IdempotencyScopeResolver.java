package dev.idempotency.scope;

import jakarta.servlet.http.HttpServletRequest;

/**
 * Finds the scope a request's record belongs to: two requests with the same key share a record only
 * when their scopes are equal. Implementations must return distinct values for callers that must not see
 * each other's answers, and should prefix values by kind so that kinds cannot collide.
 */
@FunctionalInterface
public interface IdempotencyScopeResolver {

	/** The scope every unauthenticated request shares. */
	String ANONYMOUS = "anonymous";

	String resolveScope(HttpServletRequest request);

}
