package dev.idempotency.sample;

import java.net.http.HttpResponse;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.idempotency.sample.payments.PaymentGateway;
import dev.idempotency.testsupport.RedisTestServer;

import static dev.idempotency.testsupport.HttpTestClient.text;
import static org.assertj.core.api.Assertions.assertThat;

/** The {@code redis} profile pointing at a port where no Redis runs: payments fail closed. */
@ActiveProfiles("redis")
@SpringBootTest(classes = SampleApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "idempotency.store.timeout=500ms", "spring.data.redis.connect-timeout=500ms" })
class RedisDownSampleE2eTests {

	static final int DEAD_PORT = RedisTestServer.freePort();

	@DynamicPropertySource
	static void deadRedis(DynamicPropertyRegistry registry) {
		registry.add("spring.data.redis.host", () -> "127.0.0.1");
		registry.add("spring.data.redis.port", () -> DEAD_PORT);
	}

	@LocalServerPort
	int port;

	@Autowired
	PaymentGateway gateway;

	@Test
	void paymentIs503AndTheBalanceIsUntouchedWhenRedisIsDown() {
		SampleClient client = new SampleClient(this.port);
		String account = "acc-" + UUID.randomUUID();
		client.putAccount("alice", account, "100.00");
		HttpResponse<byte[]> payment = client.pay("alice", UUID.randomUUID().toString(), account, "10.00");
		assertThat(payment.statusCode()).isEqualTo(503);
		assertThat(payment.headers().firstValue("Retry-After")).isPresent();
		assertThat(text(payment)).contains("https://idempotency.dev/problems/store-unavailable");
		assertThat(this.gateway.debits()).isZero();
		assertThat(client.balance(account)).isEqualByComparingTo("100.00");
	}

}
