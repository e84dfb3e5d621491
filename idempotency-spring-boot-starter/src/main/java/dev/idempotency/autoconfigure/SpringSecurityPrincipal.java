package dev.idempotency.autoconfigure;

import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;

import org.springframework.security.authentication.AuthenticationTrustResolver;
import org.springframework.security.authentication.AuthenticationTrustResolverImpl;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

import dev.idempotency.scope.PrincipalScopeResolver;

/** The caller's name from Spring Security's {@link Authentication}, else the servlet principal. */
final class SpringSecurityPrincipal {

	private static final AuthenticationTrustResolver trustResolver = new AuthenticationTrustResolverImpl();

	private SpringSecurityPrincipal() {
	}

	static @Nullable String name(HttpServletRequest request) {
		Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
		if (authentication != null && authentication.isAuthenticated() && !trustResolver.isAnonymous(authentication)) {
			return authentication.getName();
		}
		return PrincipalScopeResolver.servletPrincipalName(request);
	}

}
