package dev.idempotency.scope;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.util.Assert;

/**
 * Scopes records by a request header, typically a tenant id: {@code header:<value>}. A request without
 * the header falls in the {@link #ANONYMOUS} scope. Only use it behind something that verifies the header.
 */
public class HeaderScopeResolver implements IdempotencyScopeResolver {

	private final String headerName;

	public HeaderScopeResolver(String headerName) {
		Assert.hasText(headerName, "headerName must not be empty");
		this.headerName = headerName;
	}

	@Override
	public String resolveScope(HttpServletRequest request) {
		String value = request.getHeader(this.headerName);
		return (value != null && !value.isEmpty()) ? "header:" + value : ANONYMOUS;
	}

}
