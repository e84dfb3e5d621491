package dev.idempotency.autoconfigure.openapi;

import java.util.Arrays;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.method.HandlerMethod;

import dev.idempotency.BusinessKey;
import dev.idempotency.Idempotent;

/** One handler per way of being idempotent, and one that is not. */
@RestController
class OpenApiTestController {

	/** The handler method {@code name} of this controller, or of {@link TypeLevel} for {@code TypeLevel.name}. */
	static HandlerMethod handler(String name) {
		Object bean = name.startsWith("TypeLevel.") ? new TypeLevel() : new OpenApiTestController();
		String methodName = name.substring(name.indexOf('.') + 1);
		return new HandlerMethod(bean, Arrays.stream(bean.getClass().getDeclaredMethods())
			.filter((method) -> method.getName().equals(methodName))
			.findFirst()
			.orElseThrow());
	}

	@Idempotent
	@PostMapping("/payments")
	void pay() {
	}

	@Idempotent(required = false)
	@PostMapping("/optional")
	void optional() {
	}

	@Idempotent(tokenRequired = true)
	@PostMapping("/transfers")
	void transfer() {
	}

	@Idempotent(businessKey = @BusinessKey(pathVariable = "orderId"))
	@PostMapping("/orders/{orderId}/payment")
	void payOrder(@PathVariable String orderId) {
	}

	@Idempotent(businessKey = @BusinessKey(jsonPointer = "/orderId", headerFirst = true))
	@PostMapping("/orders")
	void order() {
	}

	@Idempotent(required = false, businessKey = @BusinessKey(queryParameter = "ref"))
	@PostMapping("/optional-reference")
	void optionalReference() {
	}

	@Idempotent(required = false, businessKey = @BusinessKey(queryParameter = "ref", headerFirst = true))
	@PostMapping("/optional-reference-or-key")
	void optionalReferenceOrKey() {
	}

	@Idempotent(required = false, businessKey = @BusinessKey(pathVariable = "orderId"))
	@PostMapping("/optional-orders/{orderId}")
	void optionalPathVariable(@PathVariable String orderId) {
	}

	@Idempotent(retention = "PT48H")
	@PostMapping("/long")
	void longRetention() {
	}

	@GetMapping("/payments/{id}")
	void payment(@PathVariable String id) {
	}

	/** Every handler idempotent through the class, with its own retention. */
	@Idempotent(retention = "7d")
	@RestController
	static class TypeLevel {

		@PostMapping("/type-level")
		void inherited() {
		}

		@Idempotent(required = false)
		@PostMapping("/method-level")
		void methodWins() {
		}

	}

}
