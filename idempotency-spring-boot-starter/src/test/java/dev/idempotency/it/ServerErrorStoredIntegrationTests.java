package dev.idempotency.it;

import java.net.http.HttpResponse;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.idempotency.testsupport.HttpTestClient;

import static dev.idempotency.testsupport.HttpTestClient.text;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code idempotency.on-server-error=store}: 5xx answers and exceptions are kept and replayed. */
@SpringBootTest(classes = TestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "idempotency.store.type=in-memory", "idempotency.on-server-error=store" })
class ServerErrorStoredIntegrationTests {

	@LocalServerPort
	int port;

	@Autowired
	TestApplication.Executions executions;

	@Test
	void spec7_serverErrorIsStoredAndReplayedWhenConfigured() {
		String key = UUID.randomUUID().toString();
		HttpTestClient http = new HttpTestClient(this.port);
		HttpResponse<byte[]> first = http.postWithKey("/it/failures", key, "{}");
		HttpResponse<byte[]> retry = http.postWithKey("/it/failures", key, "{}");
		assertThat(first.statusCode()).isEqualTo(502);
		assertThat(retry.statusCode()).isEqualTo(502);
		assertThat(retry.headers().firstValue("Idempotent-Replayed")).hasValue("true");
		assertThat(retry.body()).isEqualTo(first.body());
		assertThat(this.executions.count("failures", key)).isEqualTo(1);
	}

	@Test
	void spec7_exceptionIsStoredAsTheErrorPageAndReplayedWhenConfigured() {
		String key = UUID.randomUUID().toString();
		HttpTestClient http = new HttpTestClient(this.port);
		HttpResponse<byte[]> first = http.postWithKey("/it/exceptions", key, "{}");
		HttpResponse<byte[]> retry = http.postWithKey("/it/exceptions", key, "{}");
		assertThat(first.statusCode()).isEqualTo(500);
		assertThat(retry.statusCode()).isEqualTo(500);
		assertThat(retry.headers().firstValue("Idempotent-Replayed")).hasValue("true");
		assertThat(text(retry)).isEqualTo(text(first));
		assertThat(this.executions.count("exceptions", key)).isEqualTo(1);
	}

}
