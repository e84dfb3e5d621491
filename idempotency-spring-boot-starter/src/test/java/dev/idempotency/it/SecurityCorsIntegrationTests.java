package dev.idempotency.it;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.bind.annotation.CrossOrigin;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.UrlBasedCorsConfigurationSource;

import dev.idempotency.Idempotent;
import dev.idempotency.testsupport.HttpTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Spring Security's {@code http.cors()} ({@code CorsFilter} before the idempotency filter): its headers
 * survive on replays and problems, once each, also when the handler has its own {@code @CrossOrigin}.
 */
@SpringBootTest(classes = SecurityCorsIntegrationTests.App.class,
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SecurityCorsIntegrationTests {

	static final String ORIGIN = "https://app.example";

	@LocalServerPort
	int port;

	@Test
	void spec6_securityCorsHeadersSurviveOnReplaysAndProblemsWithoutDuplicates() {
		for (String path : List.of("/sec/plain", "/sec/annotated")) {
			HttpTestClient http = new HttpTestClient(this.port);
			String key = UUID.randomUUID().toString();
			HttpResponse<byte[]> first = http.postWithKey(path, key, "{}", "Origin", ORIGIN);
			HttpResponse<byte[]> replay = http.postWithKey(path, key, "{}", "Origin", ORIGIN);
			HttpResponse<byte[]> mismatch = http.postWithKey(path, key, "{\"x\":1}", "Origin", ORIGIN);
			assertThat(first.statusCode()).as(path).isEqualTo(201);
			assertThat(first.headers().allValues("Access-Control-Allow-Origin")).as(path).containsExactly(ORIGIN);
			assertThat(replay.headers().firstValue("Idempotent-Replayed")).as(path).hasValue("true");
			assertThat(CorsIntegrationTests.cors(replay)).as(path).isEqualTo(CorsIntegrationTests.cors(first));
			assertThat(mismatch.statusCode()).as(path).isEqualTo(422);
			assertThat(CorsIntegrationTests.cors(mismatch)).as(path).isEqualTo(CorsIntegrationTests.cors(first));
		}
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import(SecuredController.class)
	static class App {

		@Bean
		SecurityFilterChain securityFilterChain(HttpSecurity http) throws Exception {
			return http.csrf(AbstractHttpConfigurer::disable)
				.cors(Customizer.withDefaults())
				.authorizeHttpRequests((requests) -> requests.anyRequest().permitAll())
				.build();
		}

		@Bean
		UrlBasedCorsConfigurationSource corsConfigurationSource() {
			CorsConfiguration configuration = new CorsConfiguration();
			configuration.addAllowedOrigin(ORIGIN);
			configuration.addAllowedMethod("*");
			configuration.addExposedHeader("Idempotent-Replayed");
			UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();
			source.registerCorsConfiguration("/**", configuration);
			return source;
		}

	}

	@RestController
	static class SecuredController {

		@Idempotent
		@PostMapping("/sec/plain")
		@ResponseStatus(HttpStatus.CREATED)
		String plain(@RequestBody String body) {
			return "{}";
		}

		@Idempotent
		@CrossOrigin(origins = ORIGIN)
		@PostMapping("/sec/annotated")
		@ResponseStatus(HttpStatus.CREATED)
		String annotated(@RequestBody String body) {
			return "{}";
		}

	}

}
