package dev.idempotency.scope;

import java.security.Principal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.mock.web.MockHttpServletRequest;

import dev.idempotency.key.RecordIds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ScopeResolversTest {

	@Test
	void spec3_principalScopeIsThePrincipalsName() {
		assertThat(new PrincipalScopeResolver().resolveScope(requestBy("alice"))).isEqualTo("principal:alice");
	}

	@Test
	void spec3_withoutPrincipalTheScopeIsAnonymous() {
		assertThat(new PrincipalScopeResolver().resolveScope(new MockHttpServletRequest()))
			.isEqualTo(IdempotencyScopeResolver.ANONYMOUS)
			.isEqualTo("anonymous");
		assertThat(new PrincipalScopeResolver().resolveScope(requestBy(""))).isEqualTo("anonymous");
	}

	@Test
	void spec3_principalNamedAnonymousDoesNotShareTheAnonymousScope() {
		PrincipalScopeResolver resolver = new PrincipalScopeResolver();

		String named = resolver.resolveScope(requestBy("anonymous"));

		assertThat(named).isEqualTo("principal:anonymous").isNotEqualTo(resolver.resolveScope(new MockHttpServletRequest()));
	}

	@Test
	void spec3_principalNameCanComeFromAnotherSource() {
		PrincipalScopeResolver resolver = new PrincipalScopeResolver((request) -> request.getHeader("X-Verified-User"));
		MockHttpServletRequest request = requestBy("servlet-user");
		request.addHeader("X-Verified-User", "bob");

		assertThat(resolver.resolveScope(request)).isEqualTo("principal:bob");
		assertThat(resolver.resolveScope(requestBy("servlet-user"))).isEqualTo("anonymous");
	}

	@Test
	void spec3_headerScopeIsTheHeaderValue() {
		MockHttpServletRequest request = new MockHttpServletRequest();
		request.addHeader("X-Tenant", "acme");

		assertThat(new HeaderScopeResolver("X-Tenant").resolveScope(request)).isEqualTo("header:acme");
	}

	@Test
	void spec3_withoutTheHeaderTheScopeIsAnonymous() {
		MockHttpServletRequest empty = new MockHttpServletRequest();
		empty.addHeader("X-Tenant", "");

		assertThat(new HeaderScopeResolver("X-Tenant").resolveScope(new MockHttpServletRequest())).isEqualTo("anonymous");
		assertThat(new HeaderScopeResolver("X-Tenant").resolveScope(empty)).isEqualTo("anonymous");
	}

	@Test
	void spec3_scopeKindsDoNotCollide() {
		MockHttpServletRequest request = requestBy("anonymous");
		request.addHeader("X-Tenant", "anonymous");

		assertThat(new HeaderScopeResolver("X-Tenant").resolveScope(request)).isEqualTo("header:anonymous")
			.isNotEqualTo(new PrincipalScopeResolver().resolveScope(request))
			.isNotEqualTo(IdempotencyScopeResolver.ANONYMOUS);
	}

	@Test
	void spec3_headerScopeNeedsAHeaderName() {
		assertThatIllegalArgumentException().isThrownBy(() -> new HeaderScopeResolver(""));
		assertThatIllegalArgumentException().isThrownBy(() -> new HeaderScopeResolver("  "));
	}

	@Test
	void spec3_globalPutsEveryRequestInOneScope() {
		IdempotencyScopeResolver global = IdempotencyScopes.fromString("global",
				PrincipalScopeResolver::servletPrincipalName);
		MockHttpServletRequest tenant = requestBy("bob");
		tenant.addHeader("X-Tenant", "acme");

		assertThat(global.resolveScope(requestBy("alice"))).isEqualTo("global");
		assertThat(global.resolveScope(tenant)).isEqualTo("global");
		assertThat(global.resolveScope(new MockHttpServletRequest())).isEqualTo(IdempotencyScopes.GLOBAL);
	}

	@Test
	void spec3_principalFromStringUsesTheGivenPrincipalName() {
		IdempotencyScopeResolver principal = IdempotencyScopes.fromString("principal",
				PrincipalScopeResolver::servletPrincipalName);

		assertThat(principal).isInstanceOf(PrincipalScopeResolver.class);
		assertThat(principal.resolveScope(requestBy("alice"))).isEqualTo("principal:alice");
		assertThat(principal.resolveScope(new MockHttpServletRequest())).isEqualTo("anonymous");
		assertThat(IdempotencyScopes.fromString("principal", (request) -> "carol").resolveScope(requestBy("alice")))
			.isEqualTo("principal:carol");
	}

	@Test
	void spec3_headerFromStringReadsTheNamedHeader() {
		IdempotencyScopeResolver header = IdempotencyScopes.fromString("header:X-Tenant",
				PrincipalScopeResolver::servletPrincipalName);
		MockHttpServletRequest request = requestBy("alice");
		request.addHeader("X-Tenant", "acme");

		assertThat(header).isInstanceOf(HeaderScopeResolver.class);
		assertThat(header.resolveScope(request)).isEqualTo("header:acme");
		assertThat(header.resolveScope(requestBy("alice"))).isEqualTo("anonymous");
	}

	@Test
	void spec3_fromStringIgnoresCaseAndSurroundingSpace() {
		MockHttpServletRequest request = requestBy("alice");
		request.addHeader("X-Tenant", "acme");

		assertThat(IdempotencyScopes.fromString(" GLOBAL ", PrincipalScopeResolver::servletPrincipalName)
			.resolveScope(request)).isEqualTo("global");
		assertThat(IdempotencyScopes.fromString("Principal", PrincipalScopeResolver::servletPrincipalName)
			.resolveScope(request)).isEqualTo("principal:alice");
		assertThat(IdempotencyScopes.fromString(" Header: X-Tenant ", PrincipalScopeResolver::servletPrincipalName)
			.resolveScope(request)).isEqualTo("header:acme");
	}

	@ParameterizedTest
	@ValueSource(strings = { "", " ", "tenant", "header", "header:", "header:   ", "principals", "global:x", "user" })
	void spec3_invalidScopeIsRejected(String scope) {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> IdempotencyScopes.fromString(scope, PrincipalScopeResolver::servletPrincipalName));
	}

	@Test
	void spec3_twoPrincipalsWithTheSameKeyHaveDifferentRecordIds() {
		PrincipalScopeResolver resolver = new PrincipalScopeResolver();
		String key = "7d3b1c8e-shared-key";

		String alice = RecordIds.recordId(resolver.resolveScope(requestBy("alice")), "POST", "/orders", key);
		String bob = RecordIds.recordId(resolver.resolveScope(requestBy("bob")), "POST", "/orders", key);
		String anonymous = RecordIds.recordId(resolver.resolveScope(new MockHttpServletRequest()), "POST", "/orders",
				key);
		String aliceAgain = RecordIds.recordId(resolver.resolveScope(requestBy("alice")), "POST", "/orders", key);

		assertThat(alice).isNotEqualTo(bob).isNotEqualTo(anonymous).isEqualTo(aliceAgain);
		assertThat(bob).isNotEqualTo(anonymous);
	}

	private static MockHttpServletRequest requestBy(String name) {
		MockHttpServletRequest request = new MockHttpServletRequest("POST", "/orders");
		Principal principal = () -> name;
		request.setUserPrincipal(principal);
		return request;
	}

}
