package dev.idempotency.settlement;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.async.DeferredResult;
import org.springframework.web.context.request.async.WebAsyncTask;
import org.springframework.web.server.ResponseStatusException;

import dev.idempotency.Idempotent;

/** Handlers whose answers the tests of this package settle; each counts its runs per key. */
@RestController
@RequestMapping("/settle")
public class SettlementController {

	static final Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();

	static int runs(String key) {
		AtomicInteger count = runs.get(key);
		return (count != null) ? count.get() : 0;
	}

	private static void ran(String key) {
		runs.computeIfAbsent(key, (k) -> new AtomicInteger()).incrementAndGet();
	}

	static final Map<String, DeferredResult<String>> held = new ConcurrentHashMap<>();

	/** Runs, then holds its answer (without holding a thread) until {@link #releaseHeld()}. */
	@Idempotent
	@PostMapping("/held")
	DeferredResult<String> held(@RequestHeader("Idempotency-Key") String key) {
		ran(key);
		DeferredResult<String> result = new DeferredResult<>(120_000L);
		held.put(key, result);
		return result;
	}

	static void releaseHeld() {
		held.forEach((key, result) -> result.setResult("held " + key));
		held.clear();
	}

	@Idempotent
	@PostMapping("/pay")
	ResponseEntity<String> pay(@RequestHeader("Idempotency-Key") String key) throws InterruptedException {
		ran(key);
		Thread.sleep(150);
		return ResponseEntity.status(HttpStatus.CREATED).body("paid " + key);
	}

	@Idempotent
	@PostMapping("/send-error")
	void sendError(@RequestHeader("Idempotency-Key") String key, HttpServletResponse response) throws IOException {
		ran(key);
		response.setHeader("X-Request-Id", "req-" + key);
		response.sendError(HttpStatus.UNPROCESSABLE_ENTITY.value(), "Refused by the test handler");
	}

	@Idempotent
	@PostMapping("/status-exception")
	String statusException(@RequestHeader("Idempotency-Key") String key) {
		ran(key);
		throw new ResponseStatusException(HttpStatus.PAYMENT_REQUIRED, "Insufficient funds in the test");
	}

	@Idempotent
	@PostMapping("/created")
	ResponseEntity<String> created(@RequestHeader("Idempotency-Key") String key,
			@RequestParam(name = "amount", required = false) Integer amount) {
		ran(key);
		return ResponseEntity.status(HttpStatus.CREATED).body("created " + key + " " + amount);
	}

	@Idempotent
	@PostMapping("/amount")
	ResponseEntity<String> amount(@RequestHeader("Idempotency-Key") String key, @RequestParam("amount") int amount) {
		ran(key);
		return ResponseEntity.status(HttpStatus.CREATED).body("amount " + amount);
	}

	@Idempotent
	@PostMapping("/json")
	ResponseEntity<String> json(@RequestHeader("Idempotency-Key") String key, @RequestBody Map<String, Object> body) {
		ran(key);
		return ResponseEntity.status(HttpStatus.CREATED).body("json " + body);
	}

	@Idempotent
	@PostMapping("/bad-request")
	ResponseEntity<String> badRequest(@RequestHeader("Idempotency-Key") String key) {
		ran(key);
		return ResponseEntity.badRequest().body("the handler refused " + key);
	}

	@Idempotent
	@PostMapping("/callable-then-deferred")
	Callable<DeferredResult<String>> callableThenDeferred(@RequestHeader("Idempotency-Key") String key) {
		return () -> {
			ran(key);
			return new DeferredResult<>(200L);
		};
	}

	@Idempotent
	@PostMapping("/deferred-then-task")
	DeferredResult<WebAsyncTask<String>> deferredThenTask(@RequestHeader("Idempotency-Key") String key) {
		DeferredResult<WebAsyncTask<String>> result = new DeferredResult<>(5_000L);
		ran(key);
		result.setResult(new WebAsyncTask<>(200L, () -> {
			Thread.sleep(3_000);
			return "too late";
		}));
		return result;
	}

	@Idempotent
	@PostMapping("/callable-then-deferred-done")
	Callable<DeferredResult<String>> callableThenDeferredDone(@RequestHeader("Idempotency-Key") String key) {
		return () -> {
			ran(key);
			DeferredResult<String> result = new DeferredResult<>(5_000L);
			result.setResult("done " + key);
			return result;
		};
	}

}
