package dev.idempotency.it;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.support.AnnotationConfigWebApplicationContext;
import org.springframework.web.servlet.DispatcherServlet;
import org.springframework.web.servlet.config.annotation.EnableWebMvc;

import dev.idempotency.Idempotent;
import dev.idempotency.store.IdempotencyStore;
import dev.idempotency.testsupport.HttpTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A second {@code DispatcherServlet} on {@code /v2/*} with a child context of its own: its
 * {@code @Idempotent} handlers take part like the root dispatcher's.
 */
@SpringBootTest(classes = SecondDispatcherServletIntegrationTests.App.class,
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "idempotency.lease=30s")
class SecondDispatcherServletIntegrationTests {

	static final Counts COUNTS = new Counts();

	@LocalServerPort
	int port;

	@Autowired
	IdempotencyStore store;

	@Test
	void issue11_item11_childDispatcherHandlerRunsOnceFor16ConcurrentRequestsAndReplays() throws Exception {
		String key = UUID.randomUUID().toString();
		HttpTestClient http = new HttpTestClient(this.port);
		CountDownLatch start = new CountDownLatch(1);
		List<CompletableFuture<HttpResponse<byte[]>>> answers = new ArrayList<>();
		ExecutorService executor = Executors.newFixedThreadPool(16);
		try {
			for (int i = 0; i < 16; i++) {
				answers.add(CompletableFuture.supplyAsync(() -> {
					await(start);
					return http.postWithKey("/v2/pay", key, "{}");
				}, executor));
			}
			start.countDown();
			for (CompletableFuture<HttpResponse<byte[]>> answer : answers) {
				assertThat(answer.get().statusCode()).isIn(201, 409);
			}
		}
		finally {
			executor.shutdownNow();
		}
		HttpResponse<byte[]> replay = http.postWithKey("/v2/pay", key, "{}");
		assertThat(replay.statusCode()).isEqualTo(201);
		assertThat(replay.headers().firstValue("Idempotent-Replayed")).hasValue("true");
		assertThat(COUNTS.count("v2-pay", key)).isEqualTo(1);
	}

	@Test
	void issue11_item11_rootDispatcherStillWorks() {
		String key = UUID.randomUUID().toString();
		HttpTestClient http = new HttpTestClient(this.port);
		HttpResponse<byte[]> first = http.postWithKey("/root/pay", key, "{}");
		HttpResponse<byte[]> replay = http.postWithKey("/root/pay", key, "{}");
		assertThat(first.statusCode()).isEqualTo(201);
		assertThat(replay.headers().firstValue("Idempotent-Replayed")).hasValue("true");
		assertThat(COUNTS.count("root-pay", key)).isEqualTo(1);
	}

	@Test
	void issue11_item11_childDispatcherUnannotatedHandlerPassesThroughWithoutStoreCalls() {
		CountingStore counting = (CountingStore) this.store;
		String key = UUID.randomUUID().toString();
		HttpTestClient http = new HttpTestClient(this.port);
		http.postWithKey("/v2/pay", UUID.randomUUID().toString(), "{}");
		int before = counting.total();
		HttpResponse<byte[]> first = http.postWithKey("/v2/plain", key, "{}");
		HttpResponse<byte[]> second = http.postWithKey("/v2/plain", key, "{}");
		assertThat(first.statusCode()).isEqualTo(201);
		assertThat(second.headers().firstValue("Idempotent-Replayed")).isEmpty();
		assertThat(counting.total()).isEqualTo(before);
		assertThat(COUNTS.count("v2-plain", key)).isEqualTo(2);
	}

	private static void await(CountDownLatch latch) {
		try {
			latch.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	static final class Counts {

		private final ConcurrentHashMap<String, AtomicInteger> counts = new ConcurrentHashMap<>();

		int record(String handler, String key) {
			return this.counts.computeIfAbsent(handler + ":" + key, (k) -> new AtomicInteger()).incrementAndGet();
		}

		int count(String handler, String key) {
			AtomicInteger count = this.counts.get(handler + ":" + key);
			return (count != null) ? count.get() : 0;
		}

	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import(RootController.class)
	static class App {

		@Bean
		SecurityFilterChain securityFilterChain(HttpSecurity http) throws Exception {
			return http.csrf(AbstractHttpConfigurer::disable)
				.authorizeHttpRequests((requests) -> requests.anyRequest().permitAll())
				.build();
		}

		@Bean
		static BeanPostProcessor countingStorePostProcessor() {
			return new BeanPostProcessor() {

				@Override
				public Object postProcessAfterInitialization(Object bean, String beanName) {
					return (bean instanceof IdempotencyStore store && !(bean instanceof CountingStore))
							? new CountingStore(store) : bean;
				}

			};
		}

		@Bean
		ServletRegistrationBean<DispatcherServlet> v2Dispatcher() {
			AnnotationConfigWebApplicationContext child = new AnnotationConfigWebApplicationContext();
			child.register(V2Configuration.class);
			ServletRegistrationBean<DispatcherServlet> registration = new ServletRegistrationBean<>(
					new DispatcherServlet(child), "/v2/*");
			registration.setName("v2");
			return registration;
		}

	}

	@RestController
	static class RootController {

		@Idempotent
		@PostMapping("/root/pay")
		@ResponseStatus(HttpStatus.CREATED)
		String pay(@RequestBody String body, @RequestHeader("Idempotency-Key") String key) {
			COUNTS.record("root-pay", key);
			return "{\"dispatcher\":\"root\"}";
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableWebMvc
	@Import(V2Controller.class)
	static class V2Configuration {

	}

	@RestController
	static class V2Controller {

		@Idempotent
		@PostMapping("/pay")
		@ResponseStatus(HttpStatus.CREATED)
		String pay(@RequestBody String body, @RequestHeader("Idempotency-Key") String key) throws InterruptedException {
			COUNTS.record("v2-pay", key);
			Thread.sleep(200);
			return "{\"dispatcher\":\"v2\"}";
		}

		@PostMapping("/plain")
		@ResponseStatus(HttpStatus.CREATED)
		String plain(@RequestBody String body, @RequestHeader("Idempotency-Key") String key) {
			COUNTS.record("v2-plain", key);
			return "{}";
		}

	}

}
