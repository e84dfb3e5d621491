package dev.idempotency.sample;

import java.util.Set;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.web.SecurityFilterChain;

/**
 * HTTP Basic for every endpoint, with two demo users: {@code alice/alice} and {@code bob/bob}. The API
 * description ({@code /v3/api-docs}) and the Swagger UI ({@code /swagger-ui.html}, {@code /swagger-ui/**}) are
 * open, so the API can be read before logging in.
 * <p>
 * DEMO ONLY: the passwords are plain text ({@code {noop}}) so that checking them costs nothing and
 * benchmarks measure the idempotency filter, not a password hash. The users come from a plain
 * {@link UserDetailsService} rather than {@code InMemoryUserDetailsManager}, because the latter lets
 * Spring Security upgrade {@code {noop}} passwords to BCrypt after the first login, which would make
 * every later request pay for a BCrypt check. A real service uses BCrypt or Argon2 and real users.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

	/** springdoc's API description and Swagger UI, at their default paths. */
	static final String[] API_DOCS_PATHS = { "/v3/api-docs", "/v3/api-docs/**", "/swagger-ui.html", "/swagger-ui/**" };

	@Bean
	SecurityFilterChain securityFilterChain(HttpSecurity http) throws Exception {
		http.csrf(AbstractHttpConfigurer::disable)
			.sessionManagement((sessions) -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			.httpBasic(Customizer.withDefaults())
			.authorizeHttpRequests((requests) -> requests.requestMatchers("/error").permitAll()
				.requestMatchers(HttpMethod.GET, API_DOCS_PATHS).permitAll()
				.anyRequest().authenticated());
		return http.build();
	}

	@Bean
	UserDetailsService demoUsers() {
		Set<String> users = Set.of("alice", "bob");
		return (username) -> {
			if (!users.contains(username)) {
				throw new UsernameNotFoundException(username);
			}
			return User.withUsername(username).password("{noop}" + username).roles("USER").build();
		};
	}

}
