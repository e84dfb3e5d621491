package dev.idempotency.sample.payments;

import java.net.URI;
import java.util.concurrent.Callable;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import dev.idempotency.Idempotent;
import dev.idempotency.sample.InvalidRequestException;
import dev.idempotency.sample.Money;

/**
 * Payments and transfers debit an account, refunds credit it. All need an {@code Idempotency-Key}: a retry
 * with the same key replays the first answer instead of moving the money again. For a transfer the key
 * must be a one-time token the server issued. Refunds run asynchronously ({@link Callable}), to show that
 * async handlers are captured and replayed too.
 */
@RestController
class PaymentController {

	private final PaymentGateway gateway;

	PaymentController(PaymentGateway gateway) {
		this.gateway = gateway;
	}

	@Idempotent
	@PostMapping("/payments")
	ResponseEntity<PaymentResponse> pay(@RequestBody MoneyRequest request) {
		Payment payment = this.gateway.debit(request.requiredAccountId(), Money.parse(request.amount(), "amount", true));
		return ResponseEntity.created(URI.create("/payments/" + payment.id())).body(PaymentResponse.of(payment));
	}

	/**
	 * A transfer debits like a payment, but its key must be a one-time token from
	 * {@code POST /idempotency-tokens}: clients cannot invent keys, and each token moves money once.
	 */
	@Idempotent(tokenRequired = true)
	@PostMapping("/transfers")
	ResponseEntity<PaymentResponse> transfer(@RequestBody MoneyRequest request) {
		return pay(request);
	}

	@GetMapping("/payments/{id}")
	PaymentResponse payment(@PathVariable String id) {
		return PaymentResponse.of(this.gateway.payment(id));
	}

	@Idempotent
	@PostMapping("/refunds")
	Callable<ResponseEntity<PaymentResponse>> refund(@RequestBody MoneyRequest request) {
		return () -> {
			Payment refund = this.gateway.credit(request.requiredAccountId(), Money.parse(request.amount(), "amount", true));
			return ResponseEntity.created(URI.create("/refunds/" + refund.id())).body(PaymentResponse.of(refund));
		};
	}

	@GetMapping("/refunds/{id}")
	PaymentResponse refund(@PathVariable String id) {
		return PaymentResponse.of(this.gateway.refund(id));
	}

	/** A payment or refund request; amounts are decimal strings, never JSON numbers. */
	record MoneyRequest(@Nullable String accountId, @Nullable JsonNode amount) {

		String requiredAccountId() {
			if (this.accountId == null || this.accountId.isBlank()) {
				throw new InvalidRequestException("accountId is required");
			}
			return this.accountId;
		}

	}

	record PaymentResponse(String id, String accountId, String amount, String status) {

		static PaymentResponse of(Payment payment) {
			return new PaymentResponse(payment.id(), payment.accountId(), Money.format(payment.amount()),
					payment.status());
		}

	}

}
