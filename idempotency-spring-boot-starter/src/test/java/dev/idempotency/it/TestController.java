package dev.idempotency.it;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.async.DeferredResult;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

import dev.idempotency.Idempotent;

/** Handlers that exercise every outcome of the behaviour contract; each counts its executions per key. */
@RestController
@RequestMapping("/it")
public class TestController {

	/** Latches that hold {@code /it/slow/{gate}} until a test opens them. */
	public static final Map<String, CountDownLatch> gates = new ConcurrentHashMap<>();

	private final TestApplication.Executions executions;

	TestController(TestApplication.Executions executions) {
		this.executions = executions;
	}

	@Idempotent
	@PostMapping("/payments")
	ResponseEntity<Map<String, Object>> pay(@RequestHeader("Idempotency-Key") String key,
			@RequestBody Map<String, Object> body, @Nullable Principal principal) {
		int run = this.executions.record("payments", key);
		String id = UUID.randomUUID().toString();
		return ResponseEntity.created(URI.create("/it/payments/" + id))
			.header("Set-Cookie", "session=" + id)
			.header("X-Request-Id", id)
			.header("Cache-Control", "no-store")
			.body(Map.of("id", id, "amount", body.getOrDefault("amount", "0"), "run", run, "principal",
					(principal != null) ? principal.getName() : "anonymous"));
	}

	@Idempotent
	@PostMapping("/secure/payments")
	ResponseEntity<Map<String, Object>> securePay(@RequestHeader("Idempotency-Key") String key, Principal principal) {
		int run = this.executions.record("secure", key);
		return ResponseEntity.status(HttpStatus.CREATED).body(Map.of("principal", principal.getName(), "run", run));
	}

	@Idempotent
	@PostMapping("/refusals")
	ResponseEntity<Map<String, Object>> refuse(@RequestHeader("Idempotency-Key") String key) {
		int run = this.executions.record("refusals", key);
		return ResponseEntity.status(HttpStatus.PAYMENT_REQUIRED)
			.body(Map.of("error", "insufficient funds", "run", run));
	}

	@Idempotent
	@PostMapping("/failures")
	ResponseEntity<Map<String, Object>> fail(@RequestHeader("Idempotency-Key") String key) {
		int run = this.executions.record("failures", key);
		return ResponseEntity.status(HttpStatus.BAD_GATEWAY).body(Map.of("error", "gateway down", "run", run));
	}

	@Idempotent
	@PostMapping("/exceptions")
	String explode(@RequestHeader("Idempotency-Key") String key) {
		this.executions.record("exceptions", key);
		throw new IllegalStateException("boom");
	}

	@Idempotent
	@PostMapping("/missing/{id}")
	String missing(@RequestHeader("Idempotency-Key") String key, @PathVariable String id) {
		this.executions.record("missing", key);
		throw new ResponseStatusException(HttpStatus.NOT_FOUND, "no such thing " + id);
	}

	@Idempotent
	@PostMapping("/slow/{gate}")
	String slow(@RequestHeader("Idempotency-Key") String key, @PathVariable String gate) throws InterruptedException {
		this.executions.record("slow", key);
		gates.computeIfAbsent(gate, (g) -> new CountDownLatch(1)).await(30, TimeUnit.SECONDS);
		return "done " + gate;
	}

	@Idempotent
	@PostMapping("/callable")
	Callable<ResponseEntity<String>> callable(@RequestHeader("Idempotency-Key") String key) {
		return () -> ResponseEntity.status(HttpStatus.CREATED)
			.body("callable run " + this.executions.record("callable", key));
	}

	@Idempotent
	@PostMapping("/future")
	CompletableFuture<ResponseEntity<String>> future(@RequestHeader("Idempotency-Key") String key) {
		return CompletableFuture.supplyAsync(() -> ResponseEntity.status(HttpStatus.CREATED)
			.body("future run " + this.executions.record("future", key)));
	}

	@Idempotent
	@PostMapping("/deferred")
	DeferredResult<ResponseEntity<String>> deferred(@RequestHeader("Idempotency-Key") String key) {
		DeferredResult<ResponseEntity<String>> result = new DeferredResult<>(10_000L);
		new Thread(() -> result.setResult(ResponseEntity.status(HttpStatus.CREATED)
			.body("deferred run " + this.executions.record("deferred", key)))).start();
		return result;
	}

	@Idempotent
	@PostMapping("/sse")
	SseEmitter sse(@RequestHeader("Idempotency-Key") String key) {
		int run = this.executions.record("sse", key);
		SseEmitter emitter = new SseEmitter(10_000L);
		new Thread(() -> {
			try {
				for (int i = 1; i <= 3; i++) {
					emitter.send(SseEmitter.event().name("tick").data("run " + run + " event " + i));
				}
				emitter.complete();
			}
			catch (Exception ex) {
				emitter.completeWithError(ex);
			}
		}).start();
		return emitter;
	}

	@Idempotent
	@PostMapping("/stream")
	ResponseEntity<StreamingResponseBody> stream(@RequestHeader("Idempotency-Key") String key) {
		int run = this.executions.record("stream", key);
		StreamingResponseBody body = (out) -> {
			for (int i = 0; i < 5; i++) {
				out.write(("chunk " + i + " of run " + run + "\n").getBytes(StandardCharsets.UTF_8));
				out.flush();
			}
		};
		return ResponseEntity.ok().contentType(MediaType.TEXT_PLAIN).body(body);
	}

	@Idempotent
	@PostMapping(path = "/large", produces = MediaType.TEXT_PLAIN_VALUE)
	String large(@RequestHeader("Idempotency-Key") String key) {
		int run = this.executions.record("large", key);
		return ("run " + run + " ").repeat(1) + "x".repeat(100 * 1024);
	}

	@Idempotent
	@PostMapping("/never")
	DeferredResult<String> never(@RequestHeader("Idempotency-Key") String key) {
		this.executions.record("never", key);
		return new DeferredResult<>(200L);
	}

	@Idempotent(required = false)
	@PostMapping("/optional")
	String optional(@RequestHeader(name = "Idempotency-Key", required = false) @Nullable String key) {
		return "optional run " + this.executions.record("optional", String.valueOf(key));
	}

	@Idempotent(retention = "90s")
	@PostMapping("/short-retention")
	String shortRetention(@RequestHeader("Idempotency-Key") String key) {
		return "short run " + this.executions.record("short-retention", key);
	}

	@PostMapping("/plain")
	String plain(@RequestHeader(name = "Idempotency-Key", required = false) @Nullable String key) {
		return "plain run " + this.executions.record("plain", String.valueOf(key));
	}

	@GetMapping("/plain")
	String plainGet(@RequestHeader(name = "Idempotency-Key", required = false) @Nullable String key) {
		return "plain get run " + this.executions.record("plain-get", String.valueOf(key));
	}

	@Idempotent
	@PostMapping(path = "/echo", consumes = MediaType.ALL_VALUE)
	String echo(@RequestHeader("Idempotency-Key") String key, @RequestBody(required = false) @Nullable String body) {
		return "echo run " + this.executions.record("echo", key) + ": " + ((body != null) ? body.length() : 0);
	}

}
