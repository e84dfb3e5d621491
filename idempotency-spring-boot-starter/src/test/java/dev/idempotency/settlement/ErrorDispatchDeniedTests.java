package dev.idempotency.settlement;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.HttpStatusEntryPoint;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import org.springframework.web.filter.OncePerRequestFilter;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 11 item 1, first setup: Spring Security denies the error dispatch ({@code anyRequest().authenticated()}
 * with an authentication filter that, like most hand-written token filters, skips error dispatches). The
 * error page never reaches the idempotency filter; the outcome is still settled when the request ends.
 */
@SpringBootTest(classes = ErrorDispatchDeniedTests.App.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "idempotency.lease=1s")
class ErrorDispatchDeniedTests {

	@LocalServerPort
	int port;

	@Test
	void spec7_sendErrorWhoseErrorDispatchSecurityDeniesIsSettledWhenTheRequestEndsAndReplayed() throws Exception {
		SettlementClient http = new SettlementClient(this.port);
		String key = UUID.randomUUID().toString();
		HttpResponse<byte[]> first = http.post("/settle/send-error", key, "X-User", "alice");
		HttpResponse<byte[]> retry = http.post("/settle/send-error", key, "X-User", "alice");
		Thread.sleep(1_500);
		HttpResponse<byte[]> afterLease = http.post("/settle/send-error", key, "X-User", "alice");
		assertThat(first.statusCode()).as("what the client gets when security denies the error dispatch").isEqualTo(401);
		assertThat(retry.statusCode()).isEqualTo(first.statusCode());
		assertThat(SettlementClient.replayed(retry)).isTrue();
		assertThat(retry.headers().firstValue("X-Request-Id")).isEmpty();
		assertThat(afterLease.statusCode()).isEqualTo(first.statusCode());
		assertThat(SettlementController.runs(key)).as("handler runs").isEqualTo(1);
	}

	@Test
	void spec7_exceptionResolvedToAnErrorStatusBehindADeniedErrorDispatchRunsOnce() throws Exception {
		SettlementClient http = new SettlementClient(this.port);
		String key = UUID.randomUUID().toString();
		HttpResponse<byte[]> first = http.post("/settle/status-exception", key, "X-User", "alice");
		Thread.sleep(1_500);
		HttpResponse<byte[]> retry = http.post("/settle/status-exception", key, "X-User", "alice");
		assertThat(retry.statusCode()).isEqualTo(first.statusCode());
		assertThat(SettlementClient.replayed(retry)).isTrue();
		assertThat(SettlementController.runs(key)).as("handler runs").isEqualTo(1);
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import(SettlementController.class)
	static class App {

		@Bean
		SecurityFilterChain tokenChain(HttpSecurity http) throws Exception {
			return http.csrf(AbstractHttpConfigurer::disable)
				.addFilterBefore(new UserHeaderAuthentication(), BasicAuthenticationFilter.class)
				.authorizeHttpRequests((requests) -> requests.anyRequest().authenticated())
				.exceptionHandling((errors) -> errors.authenticationEntryPoint(new HttpStatusEntryPoint(HttpStatus.UNAUTHORIZED)))
				.build();
		}

	}

	/** Authenticates the user named in {@code X-User}; skips error dispatches, as OncePerRequestFilter does. */
	static class UserHeaderAuthentication extends OncePerRequestFilter {

		@Override
		protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
				throws ServletException, IOException {
			String user = request.getHeader("X-User");
			if (user != null) {
				SecurityContextHolder.getContext()
					.setAuthentication(UsernamePasswordAuthenticationToken.authenticated(user, null,
							List.of(new SimpleGrantedAuthority("ROLE_USER"))));
			}
			chain.doFilter(request, response);
		}

	}

}
