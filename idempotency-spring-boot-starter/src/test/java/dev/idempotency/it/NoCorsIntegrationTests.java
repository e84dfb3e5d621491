package dev.idempotency.it;

import java.net.http.HttpResponse;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import dev.idempotency.Idempotent;
import dev.idempotency.testsupport.HttpTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/** An application without any CORS configuration: the filter's answers carry no CORS headers either. */
@SpringBootTest(classes = NoCorsIntegrationTests.App.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class NoCorsIntegrationTests {

	@LocalServerPort
	int port;

	@Test
	void spec6_withoutCorsConfigurationReplaysAndProblemsCarryNoCorsHeaders() {
		HttpTestClient http = new HttpTestClient(this.port);
		String key = UUID.randomUUID().toString();
		HttpResponse<byte[]> first = http.postWithKey("/nocors", key, "{}", "Origin", "https://a.example");
		HttpResponse<byte[]> replay = http.postWithKey("/nocors", key, "{}", "Origin", "https://a.example");
		HttpResponse<byte[]> mismatch = http.postWithKey("/nocors", key, "{\"x\":1}", "Origin", "https://a.example");
		assertThat(first.statusCode()).isEqualTo(201);
		assertThat(replay.headers().firstValue("Idempotent-Replayed")).hasValue("true");
		assertThat(mismatch.statusCode()).isEqualTo(422);
		assertThat(CorsIntegrationTests.cors(first)).isEmpty();
		assertThat(CorsIntegrationTests.cors(replay)).isEmpty();
		assertThat(CorsIntegrationTests.cors(mismatch)).isEmpty();
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import(PlainController.class)
	static class App {

		@Bean
		SecurityFilterChain securityFilterChain(HttpSecurity http) throws Exception {
			return http.csrf(AbstractHttpConfigurer::disable)
				.authorizeHttpRequests((requests) -> requests.anyRequest().permitAll())
				.build();
		}

	}

	@RestController
	static class PlainController {

		@Idempotent
		@PostMapping("/nocors")
		@ResponseStatus(HttpStatus.CREATED)
		String create(@RequestBody String body) {
			return "{}";
		}

	}

}
