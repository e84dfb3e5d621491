package dev.idempotency.settlement;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.idempotency.testsupport.FaultyTcpProxy;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 11 item 3: a real TCP proxy between the application and Redis resets every connection and
 * refuses new ones while 60 payments with distinct keys run (store timeout 1 s, lease 3 s). Claims that
 * fail get 503 and the client retries; completions that fail after the handler ran are retried in the
 * background, so once Redis is back every key has run exactly once, whether the outage was shorter or
 * longer than the lease. The executions are counted, not the answers.
 */
@SpringBootTest(classes = CompletionOutageIntegrationTests.App.class,
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "idempotency.store.timeout=1s", "idempotency.lease=3s", "idempotency.store.type=redis",
				"spring.data.redis.connect-timeout=500ms", "server.tomcat.threads.max=64" })
class CompletionOutageIntegrationTests {

	private static final int PAYMENTS = 60;

	private static final Duration LEASE = Duration.ofSeconds(3);

	private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(1);

	static final FaultyTcpProxy proxy = FaultyTcpProxy.forRedis();

	@LocalServerPort
	int port;

	@Autowired
	MeterRegistry meters;

	@DynamicPropertySource
	static void redisThroughTheProxy(DynamicPropertyRegistry registry) {
		registry.add("spring.data.redis.host", proxy::host);
		registry.add("spring.data.redis.port", proxy::port);
	}

	@AfterAll
	static void closeProxy() {
		proxy.close();
	}

	@Test
	void spec10_outageShorterThanTheLeaseCostsNoSecondExecution() throws Exception {
		Outcome outcome = payThroughAnOutage(Duration.ofMillis(2_500));
		assertThat(outcome.failedCompletions).as("completions that failed on the outage and were retried")
			.isPositive();
		assertThat(outcome.leaseLost).isZero();
		assertThat(outcome.executions).as("executions of %d keys", PAYMENTS).isEqualTo(PAYMENTS);
	}

	@Test
	void spec10_outageLongerThanTheLeaseStoresLateAnswersAndCountsEveryTakeover() throws Exception {
		Outcome outcome = payThroughAnOutage(Duration.ofMillis(5_000));
		assertThat(outcome.failedCompletions).as("completions that failed on the outage and were retried")
			.isPositive();
		assertThat(outcome.executions).as("every second execution is one counted as lease_lost")
			.isEqualTo(PAYMENTS + (int) outcome.leaseLost);
		assertThat(outcome.leaseLost).as("takeovers while the stored answers were on their way").isLessThan(PAYMENTS / 10);
	}

	private Outcome payThroughAnOutage(Duration outage) throws Exception {
		HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
		send(client, "warm-up-" + UUID.randomUUID(), Duration.ofSeconds(10));
		double failedCompletionsBefore = failedCompletions();
		double leaseLostBefore = leaseLost();
		List<String> keys = new ArrayList<>();
		for (int i = 0; i < PAYMENTS; i++) {
			keys.add(UUID.randomUUID().toString());
		}
		AtomicInteger started = new AtomicInteger();
		ExecutorService clients = Executors.newFixedThreadPool(20);
		try {
			List<Future<Integer>> answers = new ArrayList<>();
			for (String key : keys) {
				answers.add(clients.submit(() -> {
					started.incrementAndGet();
					return payUntilAnswered(client, key);
				}));
			}
			while (started.get() < 25) {
				Thread.sleep(5);
			}
			proxy.cut(outage);
			for (Future<Integer> answer : answers) {
				assertThat(answer.get(120, TimeUnit.SECONDS)).isEqualTo(201);
			}
		}
		finally {
			clients.shutdownNow();
		}
		Thread.sleep(LEASE.plusSeconds(1).toMillis());
		for (String key : keys) {
			HttpResponse<String> retry = send(client, key, Duration.ofSeconds(10));
			assertThat(retry.statusCode()).isEqualTo(201);
			assertThat(retry.headers().firstValue("Idempotent-Replayed")).as("a retry after the lease").hasValue("true");
		}
		int executions = keys.stream().mapToInt(SettlementController::runs).sum();
		Outcome outcome = new Outcome(executions, (long) (failedCompletions() - failedCompletionsBefore),
				(long) (leaseLost() - leaseLostBefore));
		System.out.printf("[completion outage %d ms] %d keys, %d executions, %d failed completion attempts, %d lease_lost%n",
				outage.toMillis(), PAYMENTS, outcome.executions, outcome.failedCompletions, outcome.leaseLost);
		return outcome;
	}

	/**
	 * Sends the payment as a client with a 1 s timeout would: until it is answered 201, trying again after a
	 * timeout, and after each 503 and 409 once Retry-After has passed.
	 */
	private int payUntilAnswered(HttpClient client, String key) throws Exception {
		int status = 0;
		for (int attempt = 0; attempt < 60; attempt++) {
			long wait = 1;
			try {
				HttpResponse<String> response = send(client, key, CLIENT_TIMEOUT);
				status = response.statusCode();
				if (status != 503 && status != 409) {
					return status;
				}
				wait = response.headers().firstValueAsLong("Retry-After").orElse(1);
			}
			catch (HttpTimeoutException ex) {
				status = 0;
			}
			Thread.sleep(TimeUnit.SECONDS.toMillis(wait));
		}
		return status;
	}

	private HttpResponse<String> send(HttpClient client, String key, Duration timeout) throws Exception {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/settle/pay"))
			.timeout(timeout)
			.header("Idempotency-Key", key)
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("{}"))
			.build();
		return client.send(request, HttpResponse.BodyHandlers.ofString());
	}

	private double failedCompletions() {
		return this.meters.find("idempotency.store.calls")
			.tag("operation", "complete")
			.tag("result", "failure")
			.timers()
			.stream()
			.mapToDouble((timer) -> timer.count())
			.sum();
	}

	private double leaseLost() {
		io.micrometer.core.instrument.Counter counter = this.meters.find("idempotency.requests")
			.tag("outcome", "lease_lost")
			.counter();
		return (counter != null) ? counter.count() : 0;
	}

	private record Outcome(int executions, long failedCompletions, long leaseLost) {
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import({ SettlementController.class, OpenSecurity.class })
	static class App {

	}

}
