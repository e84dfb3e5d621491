package dev.idempotency.sample;

import java.net.http.HttpResponse;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;

import dev.idempotency.IdempotencyFilter;

import static dev.idempotency.sample.SampleClient.replayed;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code idempotency.enabled=false}: no filter, so retries run again and keys are not required. */
@SpringBootTest(classes = SampleApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "idempotency.enabled=false")
class FilterDisabledSampleE2eTests {

	@LocalServerPort
	int port;

	@Autowired
	ApplicationContext context;

	@Test
	void disabledFilterRunsEveryRequest() {
		SampleClient client = new SampleClient(this.port);
		String account = "acc-" + UUID.randomUUID();
		client.putAccount("alice", account, "100.00");
		String key = UUID.randomUUID().toString();
		HttpResponse<byte[]> first = client.pay("alice", key, account, "10.00");
		HttpResponse<byte[]> second = client.pay("alice", key, account, "10.00");
		HttpResponse<byte[]> noKey = client.pay("alice", null, account, "10.00");
		assertThat(first.statusCode()).isEqualTo(201);
		assertThat(second.statusCode()).isEqualTo(201);
		assertThat(replayed(second)).isFalse();
		assertThat(noKey.statusCode()).isEqualTo(201);
		assertThat(client.balance(account)).isEqualByComparingTo("70.00");
		assertThat(this.context.getBeansOfType(IdempotencyFilter.class)).isEmpty();
	}

}
