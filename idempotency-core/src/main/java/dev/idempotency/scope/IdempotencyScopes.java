package dev.idempotency.scope;

import java.util.function.Function;

import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;

/** Builds a scope resolver from its textual form: {@code principal}, {@code global} or {@code header:<name>}. */
public final class IdempotencyScopes {

	/** The one scope {@code global} puts every request in. */
	public static final String GLOBAL = "global";

	private IdempotencyScopes() {
	}

	/**
	 * @param principalName how {@code principal} finds the caller's name
	 * @throws IllegalArgumentException for any other form
	 */
	public static IdempotencyScopeResolver fromString(String scope,
			Function<HttpServletRequest, @Nullable String> principalName) {
		String trimmed = scope.trim();
		if (trimmed.equalsIgnoreCase("principal")) {
			return new PrincipalScopeResolver(principalName);
		}
		if (trimmed.equalsIgnoreCase(GLOBAL)) {
			return (request) -> GLOBAL;
		}
		if (trimmed.regionMatches(true, 0, "header:", 0, 7) && trimmed.length() > 7) {
			return new HeaderScopeResolver(trimmed.substring(7).trim());
		}
		throw new IllegalArgumentException(
				"Unknown idempotency scope '" + scope + "': use principal, global or header:<name>");
	}

}
