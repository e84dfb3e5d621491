package dev.idempotency.it;

import java.net.http.HttpResponse;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.support.AnnotationConfigWebApplicationContext;
import org.springframework.web.servlet.DispatcherServlet;
import org.springframework.web.servlet.config.annotation.EnableWebMvc;

import dev.idempotency.Idempotent;
import dev.idempotency.testsupport.HttpTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A second {@code DispatcherServlet} whose {@code @Idempotent} is malformed: its requests fail instead of
 * running the handler without idempotency.
 */
@SpringBootTest(classes = SecondDispatcherServletValidationIntegrationTests.App.class,
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SecondDispatcherServletValidationIntegrationTests {

	static final AtomicInteger RUNS = new AtomicInteger();

	@LocalServerPort
	int port;

	@Test
	void issue11_item11_malformedAnnotationInChildDispatcherFailsItsRequestsInsteadOfBeingIgnored() {
		HttpTestClient http = new HttpTestClient(this.port);
		HttpResponse<byte[]> first = http.postWithKey("/v2/broken", UUID.randomUUID().toString(), "{}");
		HttpResponse<byte[]> second = http.postWithKey("/v2/broken", UUID.randomUUID().toString(), "{}");
		assertThat(first.statusCode()).isEqualTo(500);
		assertThat(second.statusCode()).isEqualTo(500);
		assertThat(RUNS).hasValue(0);
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class App {

		@Bean
		SecurityFilterChain securityFilterChain(HttpSecurity http) throws Exception {
			return http.csrf(AbstractHttpConfigurer::disable)
				.authorizeHttpRequests((requests) -> requests.anyRequest().permitAll())
				.build();
		}

		@Bean
		ServletRegistrationBean<DispatcherServlet> v2Dispatcher() {
			AnnotationConfigWebApplicationContext child = new AnnotationConfigWebApplicationContext();
			child.register(BrokenConfiguration.class);
			ServletRegistrationBean<DispatcherServlet> registration = new ServletRegistrationBean<>(
					new DispatcherServlet(child), "/v2/*");
			registration.setName("v2");
			return registration;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableWebMvc
	@Import(BrokenController.class)
	static class BrokenConfiguration {

	}

	@RestController
	static class BrokenController {

		@Idempotent(retention = "not-a-duration")
		@PostMapping("/broken")
		String broken(@RequestBody String body) {
			RUNS.incrementAndGet();
			return "{}";
		}

	}

}
