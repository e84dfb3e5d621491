package dev.idempotency.settlement;

import java.net.http.HttpResponse;
import java.util.UUID;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

import static dev.idempotency.testsupport.HttpTestClient.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 11 item 5, both sides of the line: an answer given before the handler method was entered
 * (an interceptor's refusal, a 400 for a missing or mistyped parameter or an unreadable body, a 415)
 * releases the key; an answer of the method itself, 4xx included, is stored and replayed.
 */
@SpringBootTest(classes = HandlerInvocationLineTests.App.class,
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class HandlerInvocationLineTests {

	@LocalServerPort
	int port;

	@Test
	void spec7_interceptorRefusalBeforeTheHandlerReleasesTheKey() {
		SettlementClient http = new SettlementClient(this.port);
		String key = UUID.randomUUID().toString();
		HttpResponse<byte[]> refused = http.post("/settle/created", key, "X-Refuse", "yes");
		HttpResponse<byte[]> allowed = http.post("/settle/created", key);
		HttpResponse<byte[]> retry = http.post("/settle/created", key);
		assertThat(refused.statusCode()).isEqualTo(403);
		assertThat(allowed.statusCode()).isEqualTo(201);
		assertThat(SettlementClient.replayed(allowed)).isFalse();
		assertThat(SettlementClient.replayed(retry)).isTrue();
		assertThat(SettlementController.runs(key)).isEqualTo(1);
	}

	@Test
	void spec7_missingRequestParameter400ReleasesTheKeySoTheCorrectedRequestRuns() {
		SettlementClient http = new SettlementClient(this.port);
		String key = UUID.randomUUID().toString();
		HttpResponse<byte[]> missing = http.post("/settle/amount", key);
		HttpResponse<byte[]> mistyped = http.post("/settle/amount?amount=ten", key);
		HttpResponse<byte[]> corrected = http.post("/settle/amount?amount=10", key);
		assertThat(missing.statusCode()).isEqualTo(400);
		assertThat(mistyped.statusCode()).isEqualTo(400);
		assertThat(SettlementClient.replayed(mistyped)).isFalse();
		assertThat(corrected.statusCode()).isEqualTo(201);
		assertThat(text(corrected)).isEqualTo("amount 10");
		assertThat(SettlementController.runs(key)).isEqualTo(1);
	}

	@Test
	void spec7_unreadableBody400ReleasesTheKeySoTheCorrectedRequestRuns() {
		SettlementClient http = new SettlementClient(this.port);
		String key = UUID.randomUUID().toString();
		HttpResponse<byte[]> unreadable = http.postBody("/settle/json", key, "application/json", "{\"amount\":");
		HttpResponse<byte[]> corrected = http.postBody("/settle/json", key, "application/json", "{\"amount\":1}");
		assertThat(unreadable.statusCode()).isEqualTo(400);
		assertThat(corrected.statusCode()).isEqualTo(201);
		assertThat(SettlementController.runs(key)).isEqualTo(1);
	}

	@Test
	void spec7_unsupportedMediaType415ReleasesTheKey() {
		SettlementClient http = new SettlementClient(this.port);
		String key = UUID.randomUUID().toString();
		HttpResponse<byte[]> unsupported = http.postBody("/settle/json", key, "text/plain", "amount=1");
		HttpResponse<byte[]> corrected = http.postBody("/settle/json", key, "application/json", "{\"amount\":1}");
		assertThat(unsupported.statusCode()).isEqualTo(415);
		assertThat(corrected.statusCode()).isEqualTo(201);
		assertThat(SettlementController.runs(key)).isEqualTo(1);
	}

	@Test
	void spec7_badRequestAnsweredByTheHandlerMethodIsStoredAndReplayed() {
		SettlementClient http = new SettlementClient(this.port);
		String key = UUID.randomUUID().toString();
		HttpResponse<byte[]> first = http.post("/settle/bad-request", key);
		HttpResponse<byte[]> retry = http.post("/settle/bad-request", key);
		assertThat(first.statusCode()).isEqualTo(400);
		assertThat(SettlementClient.replayed(retry)).isTrue();
		assertThat(retry.body()).isEqualTo(first.body());
		assertThat(SettlementController.runs(key)).isEqualTo(1);
	}

	@Test
	void spec7_exceptionThrownByTheHandlerMethodResolvedTo4xxIsStoredAndReplayed() {
		SettlementClient http = new SettlementClient(this.port);
		String key = UUID.randomUUID().toString();
		HttpResponse<byte[]> first = http.post("/settle/status-exception", key);
		HttpResponse<byte[]> retry = http.post("/settle/status-exception", key);
		assertThat(first.statusCode()).isEqualTo(402);
		assertThat(retry.statusCode()).isEqualTo(402);
		assertThat(SettlementClient.replayed(retry)).isTrue();
		assertThat(retry.body()).isEqualTo(first.body());
		assertThat(SettlementController.runs(key)).isEqualTo(1);
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import({ SettlementController.class, OpenSecurity.class })
	static class App implements WebMvcConfigurer {

		@Override
		public void addInterceptors(InterceptorRegistry registry) {
			registry.addInterceptor(new HandlerInterceptor() {

				@Override
				public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler)
						throws Exception {
					if (request.getHeader("X-Refuse") == null) {
						return true;
					}
					response.setStatus(403);
					response.getWriter().write("refused by the interceptor");
					return false;
				}

			}).addPathPatterns("/settle/**");
		}

	}

}
