package dev.idempotency.settlement;

import java.net.http.HttpResponse;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.servlet.support.ErrorPageFilter;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

import static dev.idempotency.testsupport.HttpTestClient.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 11 item 1, third setup: Spring Boot's {@link ErrorPageFilter}, which a WAR deployment installs,
 * takes the {@code sendError} and renders the error page by a FORWARD dispatch after the filter chain
 * returned. Here it runs in the embedded Tomcat, where it intercepts errors exactly as in a WAR.
 */
@SpringBootTest(classes = ErrorPageFilterForwardTests.App.class,
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "idempotency.lease=1s")
class ErrorPageFilterForwardTests {

	@LocalServerPort
	int port;

	@Test
	void spec7_errorPageRenderedByErrorPageFilterForwardIsCapturedAndReplayedByteForByte() throws Exception {
		SettlementClient http = new SettlementClient(this.port);
		String key = UUID.randomUUID().toString();
		HttpResponse<byte[]> first = http.post("/settle/send-error", key);
		HttpResponse<byte[]> retry = http.post("/settle/send-error", key);
		Thread.sleep(1_500);
		HttpResponse<byte[]> afterLease = http.post("/settle/send-error", key);
		assertThat(first.statusCode()).isEqualTo(422);
		assertThat(text(first)).as("Spring Boot's error page, rendered on the forward").contains("\"status\":422");
		assertThat(retry.statusCode()).isEqualTo(422);
		assertThat(SettlementClient.replayed(retry)).isTrue();
		assertThat(retry.body()).isEqualTo(first.body());
		assertThat(afterLease.body()).isEqualTo(first.body());
		assertThat(SettlementController.runs(key)).as("handler runs").isEqualTo(1);
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import({ SettlementController.class, OpenSecurity.class })
	static class App {

		@Bean
		ErrorPageFilter errorPageFilter() {
			return new ErrorPageFilter();
		}

	}

}
