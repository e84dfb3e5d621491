package dev.idempotency.settlement;

import java.net.http.HttpResponse;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;

import static dev.idempotency.testsupport.HttpTestClient.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 11 item 1, second setup: {@code ErrorMvcAutoConfiguration} is excluded, so no error page is mapped
 * and Tomcat renders the page itself, with no dispatch through the filter.
 */
@SpringBootTest(classes = ContainerRenderedErrorPageTests.App.class,
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "idempotency.lease=1s")
class ContainerRenderedErrorPageTests {

	@LocalServerPort
	int port;

	@Test
	void spec7_errorPageTheContainerRendersItselfIsStoredAsSentAndReplayedWithTheSameStatusAndBody()
			throws Exception {
		SettlementClient http = new SettlementClient(this.port);
		String key = UUID.randomUUID().toString();
		HttpResponse<byte[]> first = http.post("/settle/send-error", key);
		HttpResponse<byte[]> retry = http.post("/settle/send-error", key);
		Thread.sleep(1_500);
		HttpResponse<byte[]> afterLease = http.post("/settle/send-error", key);
		assertThat(first.statusCode()).isEqualTo(422);
		assertThat(text(first)).as("Tomcat's own error report").contains("422");
		assertThat(retry.statusCode()).isEqualTo(422);
		assertThat(SettlementClient.replayed(retry)).isTrue();
		assertThat(retry.body()).isEqualTo(first.body());
		assertThat(retry.headers().firstValue("Content-Type")).isEqualTo(first.headers().firstValue("Content-Type"));
		assertThat(retry.headers().firstValue("X-Request-Id")).isEmpty();
		assertThat(afterLease.statusCode()).isEqualTo(422);
		assertThat(SettlementController.runs(key)).as("handler runs").isEqualTo(1);
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration(excludeName = "org.springframework.boot.webmvc.autoconfigure.error.ErrorMvcAutoConfiguration")
	@Import({ SettlementController.class, OpenSecurity.class })
	static class App {

	}

}
