package dev.idempotency.it;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

import dev.idempotency.store.IdempotencyStore;

/**
 * The application the integration tests run over real HTTP: the starter, Spring Security with HTTP
 * Basic (alice, bob), and {@link TestController}. The store is wrapped so tests can count its calls.
 */
@SpringBootApplication
public class TestApplication {

	@Bean
	Executions executions() {
		return new Executions();
	}

	@Bean
	SecurityFilterChain securityFilterChain(HttpSecurity http) throws Exception {
		http.csrf(AbstractHttpConfigurer::disable)
			.httpBasic(Customizer.withDefaults())
			.authorizeHttpRequests((requests) -> requests.requestMatchers("/it/secure/**", "/actuator/**")
				.authenticated()
				.anyRequest()
				.permitAll());
		return http.build();
	}

	@Bean
	UserDetailsService users() {
		return new InMemoryUserDetailsManager(User.withUsername("alice").password("{noop}alice").roles("USER").build(),
				User.withUsername("bob").password("{noop}bob").roles("USER").build());
	}

	@Bean
	static BeanPostProcessor countingStorePostProcessor() {
		return new BeanPostProcessor() {

			@Override
			public Object postProcessAfterInitialization(Object bean, String beanName) {
				return (bean instanceof IdempotencyStore store && !(bean instanceof CountingStore)) ? new CountingStore(store)
						: bean;
			}

		};
	}

	/** How often each handler ran, per idempotency key. */
	public static class Executions {

		private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();

		int record(String handler, String key) {
			return this.counts.computeIfAbsent(handler + ":" + key, (k) -> new AtomicInteger()).incrementAndGet();
		}

		public int count(String handler, String key) {
			AtomicInteger count = this.counts.get(handler + ":" + key);
			return (count != null) ? count.get() : 0;
		}

	}

}
