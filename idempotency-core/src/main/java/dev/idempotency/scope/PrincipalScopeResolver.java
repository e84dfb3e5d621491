package dev.idempotency.scope;

import java.security.Principal;
import java.util.function.Function;

import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;

/**
 * The default scope: {@code principal:<name>} of the authenticated caller, or {@link #ANONYMOUS} when
 * there is none, so two users sending the same key never see each other's records.
 */
public class PrincipalScopeResolver implements IdempotencyScopeResolver {

	private final Function<HttpServletRequest, @Nullable String> principalName;

	/** Reads the name from {@link HttpServletRequest#getUserPrincipal()}. */
	public PrincipalScopeResolver() {
		this(PrincipalScopeResolver::servletPrincipalName);
	}

	/** Reads the name with {@code principalName} (for example from Spring Security's context). */
	public PrincipalScopeResolver(Function<HttpServletRequest, @Nullable String> principalName) {
		this.principalName = principalName;
	}

	@Override
	public String resolveScope(HttpServletRequest request) {
		String name = this.principalName.apply(request);
		return (name != null && !name.isEmpty()) ? "principal:" + name : ANONYMOUS;
	}

	/** The name of {@link HttpServletRequest#getUserPrincipal()}, or {@code null}. */
	public static @Nullable String servletPrincipalName(HttpServletRequest request) {
		Principal principal = request.getUserPrincipal();
		return (principal != null) ? principal.getName() : null;
	}

}
