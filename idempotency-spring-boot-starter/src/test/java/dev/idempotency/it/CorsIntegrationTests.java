package dev.idempotency.it;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
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
import org.springframework.web.bind.annotation.CrossOrigin;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.config.annotation.CorsRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

import dev.idempotency.Idempotent;
import dev.idempotency.testsupport.HttpTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The filter's own answers (replays, 409, 422, 400) carry the CORS headers the application's CORS
 * configuration gives the retry's {@code Origin}, as the dispatcher does for a first execution; a
 * request whose origin is rejected does not claim the key. The first answer's CORS fields and {@code Vary}
 * are not stored, even when configured as replayed headers.
 */
@SpringBootTest(classes = CorsIntegrationTests.App.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "idempotency.lease=30s", "idempotency.replayed-headers=Vary,Access-Control-Allow-Origin" })
class CorsIntegrationTests {

	static final String ORIGIN_A = "https://a.example";

	static final String ORIGIN_B = "https://b.example";

	static final String GLOBAL_ORIGIN = "https://global.example";

	@LocalServerPort
	int port;

	@Autowired
	CorsController controller;

	HttpTestClient http() {
		return new HttpTestClient(this.port);
	}

	@Test
	void spec6_replayCarriesTheCorsHeadersTheDispatcherGivesAFirstExecution() {
		String key = UUID.randomUUID().toString();
		HttpResponse<byte[]> first = http().postWithKey("/cors/annotated", key, "{}", "Origin", ORIGIN_A);
		HttpResponse<byte[]> replay = http().postWithKey("/cors/annotated", key, "{}", "Origin", ORIGIN_A);
		assertThat(first.statusCode()).isEqualTo(201);
		assertThat(first.headers().firstValue("Access-Control-Allow-Origin")).hasValue(ORIGIN_A);
		assertThat(replay.headers().firstValue("Idempotent-Replayed")).hasValue("true");
		assertThat(cors(replay)).isEqualTo(cors(first));
		assertThat(this.controller.count("annotated", key)).isEqualTo(1);
	}

	@Test
	void spec6_replayToAnotherAllowedOriginCarriesItsOwnOrigin() {
		String key = UUID.randomUUID().toString();
		HttpResponse<byte[]> first = http().postWithKey("/cors/annotated", key, "{}", "Origin", ORIGIN_A);
		HttpResponse<byte[]> replay = http().postWithKey("/cors/annotated", key, "{}", "Origin", ORIGIN_B);
		HttpResponse<byte[]> firstFromB = http().postWithKey("/cors/annotated", UUID.randomUUID().toString(), "{}",
				"Origin", ORIGIN_B);
		assertThat(first.headers().allValues("Access-Control-Allow-Origin")).containsExactly(ORIGIN_A);
		assertThat(replay.headers().firstValue("Idempotent-Replayed")).hasValue("true");
		assertThat(replay.headers().allValues("Access-Control-Allow-Origin")).containsExactly(ORIGIN_B);
		assertThat(cors(replay)).isEqualTo(cors(firstFromB));
	}

	@Test
	void spec9_mismatchAnswerCarriesTheCorsHeaders() {
		String key = UUID.randomUUID().toString();
		HttpResponse<byte[]> first = http().postWithKey("/cors/annotated", key, "{}", "Origin", ORIGIN_A);
		HttpResponse<byte[]> mismatch = http().postWithKey("/cors/annotated", key, "{\"other\":1}", "Origin", ORIGIN_A);
		assertThat(mismatch.statusCode()).isEqualTo(422);
		assertThat(cors(mismatch)).isEqualTo(cors(first)).containsKey("access-control-allow-origin");
	}

	@Test
	void spec9_invalidAndMissingKeyAnswersCarryTheCorsHeaders() {
		HttpResponse<byte[]> first = http().postWithKey("/cors/annotated", UUID.randomUUID().toString(), "{}", "Origin",
				ORIGIN_A);
		HttpResponse<byte[]> invalid = http().postWithKey("/cors/annotated", "x".repeat(300), "{}", "Origin", ORIGIN_A);
		HttpResponse<byte[]> missing = http().post("/cors/annotated", "{}", "Origin", ORIGIN_A);
		assertThat(invalid.statusCode()).isEqualTo(400);
		assertThat(missing.statusCode()).isEqualTo(400);
		assertThat(cors(invalid)).isEqualTo(cors(first)).containsKey("access-control-allow-origin");
		assertThat(cors(missing)).isEqualTo(cors(first));
	}

	@Test
	void spec9_inProgressAnswerCarriesTheCorsHeaders() throws Exception {
		String key = UUID.randomUUID().toString();
		CountDownLatch release = new CountDownLatch(1);
		this.controller.gate(key, release);
		CompletableFuture<HttpResponse<byte[]>> first = CompletableFuture
			.supplyAsync(() -> http().postWithKey("/cors/slow", key, "{}", "Origin", ORIGIN_A));
		assertThat(this.controller.entered(key).await(10, TimeUnit.SECONDS)).isTrue();
		HttpResponse<byte[]> conflict = http().postWithKey("/cors/slow", key, "{}", "Origin", ORIGIN_B);
		release.countDown();
		HttpResponse<byte[]> done = first.get(10, TimeUnit.SECONDS);
		HttpResponse<byte[]> firstFromB = http().postWithKey("/cors/slow", UUID.randomUUID().toString(), "{}",
				"Origin", ORIGIN_B);
		assertThat(conflict.statusCode()).isEqualTo(409);
		assertThat(done.statusCode()).isEqualTo(201);
		assertThat(conflict.headers().allValues("Access-Control-Allow-Origin")).containsExactly(ORIGIN_B);
		assertThat(cors(conflict)).isEqualTo(cors(firstFromB));
	}

	@Test
	void issue11_item5_rejectedOriginGets403AndDoesNotBurnTheKey() {
		String key = UUID.randomUUID().toString();
		HttpResponse<byte[]> foreign = http().postWithKey("/cors/annotated", key, "{}", "Origin", "https://evil.example");
		HttpResponse<byte[]> real = http().postWithKey("/cors/annotated", key, "{}", "Origin", ORIGIN_A);
		assertThat(foreign.statusCode()).isEqualTo(403);
		assertThat(HttpTestClient.text(foreign)).isEqualTo("Invalid CORS request");
		assertThat(foreign.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
		assertThat(real.statusCode()).isEqualTo(201);
		assertThat(real.headers().firstValue("Idempotent-Replayed")).isEmpty();
		assertThat(this.controller.count("annotated", key)).isEqualTo(1);
	}

	@Test
	void spec6_globalCorsMappingsApplyToReplaysAndProblems() {
		String key = UUID.randomUUID().toString();
		HttpResponse<byte[]> first = http().postWithKey("/cors/global/pay", key, "{}", "Origin", GLOBAL_ORIGIN);
		HttpResponse<byte[]> replay = http().postWithKey("/cors/global/pay", key, "{}", "Origin", GLOBAL_ORIGIN);
		HttpResponse<byte[]> mismatch = http().postWithKey("/cors/global/pay", key, "{\"x\":2}", "Origin", GLOBAL_ORIGIN);
		assertThat(first.headers().allValues("Access-Control-Allow-Origin")).containsExactly(GLOBAL_ORIGIN);
		assertThat(first.headers().firstValue("Access-Control-Expose-Headers")).hasValue("Idempotent-Replayed");
		assertThat(replay.headers().firstValue("Idempotent-Replayed")).hasValue("true");
		assertThat(cors(replay)).isEqualTo(cors(first));
		assertThat(mismatch.statusCode()).isEqualTo(422);
		assertThat(cors(mismatch)).isEqualTo(cors(first));
	}

	@Test
	void spec6_handlerOutsideTheCorsMappingsGetsNoAllowOriginOnReplays() {
		String key = UUID.randomUUID().toString();
		HttpResponse<byte[]> first = http().postWithKey("/cors/plain", key, "{}", "Origin", ORIGIN_A);
		HttpResponse<byte[]> replay = http().postWithKey("/cors/plain", key, "{}", "Origin", ORIGIN_A);
		assertThat(first.statusCode()).isEqualTo(201);
		assertThat(replay.headers().firstValue("Idempotent-Replayed")).hasValue("true");
		assertThat(cors(first)).doesNotContainKey("access-control-allow-origin");
		assertThat(cors(replay)).isEqualTo(cors(first));
	}

	/** The Access-Control-* and Vary fields of an answer, by lower-case name. */
	static Map<String, List<String>> cors(HttpResponse<byte[]> response) {
		Map<String, List<String>> cors = new TreeMap<>();
		response.headers().map().forEach((name, values) -> {
			String lower = name.toLowerCase(java.util.Locale.ROOT);
			if (lower.startsWith("access-control-") || lower.equals("vary")) {
				cors.put(lower, values);
			}
		});
		return cors;
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import(CorsController.class)
	static class App implements WebMvcConfigurer {

		@Bean
		SecurityFilterChain securityFilterChain(HttpSecurity http) throws Exception {
			return http.csrf(AbstractHttpConfigurer::disable)
				.authorizeHttpRequests((requests) -> requests.anyRequest().permitAll())
				.build();
		}

		@Override
		public void addCorsMappings(CorsRegistry registry) {
			registry.addMapping("/cors/global/**").allowedOrigins(GLOBAL_ORIGIN).exposedHeaders("Idempotent-Replayed");
		}

	}

	@RestController
	static class CorsController {

		final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();

		final Map<String, CountDownLatch> gates = new ConcurrentHashMap<>();

		final Map<String, CountDownLatch> entered = new ConcurrentHashMap<>();

		int count(String handler, String key) {
			AtomicInteger count = this.counts.get(handler + ":" + key);
			return (count != null) ? count.get() : 0;
		}

		/** Through a method: the bean is a class-based proxy (the handler invocation marker), its fields unset. */
		void gate(String key, CountDownLatch release) {
			this.gates.put(key, release);
		}

		CountDownLatch entered(String key) {
			return this.entered.computeIfAbsent(key, (k) -> new CountDownLatch(1));
		}

		private String run(String handler, String key) {
			this.counts.computeIfAbsent(handler + ":" + key, (k) -> new AtomicInteger()).incrementAndGet();
			return "{\"handler\":\"" + handler + "\"}";
		}

		@Idempotent
		@CrossOrigin(origins = { ORIGIN_A, ORIGIN_B }, exposedHeaders = "Idempotent-Replayed")
		@PostMapping("/cors/annotated")
		@ResponseStatus(HttpStatus.CREATED)
		String annotated(@RequestBody String body, @RequestHeader("Idempotency-Key") String key) {
			return run("annotated", key);
		}

		@Idempotent
		@CrossOrigin(origins = { ORIGIN_A, ORIGIN_B })
		@PostMapping("/cors/slow")
		@ResponseStatus(HttpStatus.CREATED)
		String slow(@RequestBody String body, @RequestHeader("Idempotency-Key") String key) throws InterruptedException {
			entered(key).countDown();
			CountDownLatch gate = this.gates.get(key);
			if (gate != null) {
				gate.await(10, TimeUnit.SECONDS);
			}
			return run("slow", key);
		}

		@Idempotent
		@PostMapping("/cors/global/pay")
		@ResponseStatus(HttpStatus.CREATED)
		String global(@RequestBody String body, @RequestHeader("Idempotency-Key") String key) {
			return run("global", key);
		}

		@Idempotent
		@PostMapping("/cors/plain")
		@ResponseStatus(HttpStatus.CREATED)
		String plain(@RequestBody String body, @RequestHeader("Idempotency-Key") String key) {
			return run("plain", key);
		}

	}

}
