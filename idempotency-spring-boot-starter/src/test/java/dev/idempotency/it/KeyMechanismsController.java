package dev.idempotency.it;

import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.idempotency.BusinessKey;
import dev.idempotency.Idempotent;

/** Handlers keyed by business keys and one-time tokens; each counts its executions per handler and key. */
@RestController
@RequestMapping("/it")
public class KeyMechanismsController {

	private final TestApplication.Executions executions;

	KeyMechanismsController(TestApplication.Executions executions) {
		this.executions = executions;
	}

	@Idempotent(businessKey = @BusinessKey(pathVariable = "orderId"))
	@PostMapping("/orders/{orderId}/payment")
	ResponseEntity<Map<String, Object>> payOrder(@PathVariable String orderId, @RequestBody Map<String, Object> body) {
		return created("order-path", orderId, body);
	}

	@Idempotent(businessKey = @BusinessKey(jsonPointer = "/order/id"))
	@PostMapping("/orders-by-body")
	ResponseEntity<Map<String, Object>> payOrderByBody(@RequestBody Map<String, Object> body) {
		Object order = ((Map<?, ?>) body.get("order")).get("id");
		return created("order-body", String.valueOf(order), body);
	}

	@Idempotent(businessKey = @BusinessKey(queryParameter = "orderId"))
	@PostMapping("/orders-by-query")
	ResponseEntity<Map<String, Object>> payOrderByQuery(@RequestParam String orderId,
			@RequestBody Map<String, Object> body) {
		return created("order-query", orderId, body);
	}

	@Idempotent(businessKey = @BusinessKey(header = "X-Order-Id"))
	@PostMapping("/orders-by-header")
	ResponseEntity<Map<String, Object>> payOrderByHeader(
			@RequestHeader("X-Order-Id") String orderId,
			@RequestBody Map<String, Object> body) {
		return created("order-header", orderId, body);
	}

	@Idempotent(businessKey = @BusinessKey(pathVariable = "orderId", headerFirst = true))
	@PostMapping("/orders-header-first/{orderId}")
	ResponseEntity<Map<String, Object>> payOrderHeaderFirst(@PathVariable String orderId,
			@RequestHeader(name = "Idempotency-Key",
					required = false) @Nullable String key,
			@RequestBody Map<String, Object> body) {
		return created("order-header-first", (key != null) ? key : orderId, body);
	}

	@Idempotent(required = false, businessKey = @BusinessKey(jsonPointer = "/orderId"))
	@PostMapping("/orders-optional")
	ResponseEntity<Map<String, Object>> payOptional(@RequestBody Map<String, Object> body) {
		return created("order-optional", String.valueOf(body.get("orderId")), body);
	}

	@Idempotent(tokenRequired = true)
	@PostMapping("/secure/transfers")
	ResponseEntity<Map<String, Object>> transfer(
			@RequestHeader("Idempotency-Key") String token,
			@RequestBody Map<String, Object> body) {
		if ("fail".equals(body.get("amount"))) {
			this.executions.record("transfer", token);
			return ResponseEntity.status(HttpStatus.BAD_GATEWAY).body(Map.of("error", "gateway down"));
		}
		return created("transfer", token, body);
	}

	private ResponseEntity<Map<String, Object>> created(String handler, String key, Map<String, Object> body) {
		int run = this.executions.record(handler, key);
		return ResponseEntity.status(HttpStatus.CREATED).body(Map.of("key", key, "run", run, "amount",
				String.valueOf(body.get("amount"))));
	}

}
