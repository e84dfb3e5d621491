package dev.idempotency.sample.orders;

import java.net.URI;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import dev.idempotency.BusinessKey;
import dev.idempotency.Idempotent;
import dev.idempotency.sample.InvalidRequestException;
import dev.idempotency.sample.Money;
import dev.idempotency.sample.payments.Payment;
import dev.idempotency.sample.payments.PaymentGateway;

/**
 * Paying an order is idempotent by the order itself: the path variable {@code orderId} is the key, so
 * "pay order 42" runs once however clients retry, with or without an {@code Idempotency-Key} header. The
 * same order again replays the first answer; the same order with another amount or account is 422.
 */
@RestController
class OrderPaymentController {

	private final PaymentGateway gateway;

	OrderPaymentController(PaymentGateway gateway) {
		this.gateway = gateway;
	}

	@Idempotent(businessKey = @BusinessKey(pathVariable = "orderId"))
	@PostMapping("/orders/{orderId}/payment")
	ResponseEntity<OrderPaymentResponse> pay(@PathVariable String orderId, @RequestBody OrderPaymentRequest request) {
		Payment payment = this.gateway.debit(request.requiredAccountId(), Money.parse(request.amount(), "amount", true));
		return ResponseEntity.created(URI.create("/payments/" + payment.id()))
			.body(new OrderPaymentResponse(orderId, payment.id(), payment.accountId(), Money.format(payment.amount()),
					payment.status()));
	}

	/** The account to debit and the amount, a decimal string. */
	record OrderPaymentRequest(@Nullable String accountId, @Nullable JsonNode amount) {

		String requiredAccountId() {
			if (this.accountId == null || this.accountId.isBlank()) {
				throw new InvalidRequestException("accountId is required");
			}
			return this.accountId;
		}

	}

	record OrderPaymentResponse(String orderId, String paymentId, String accountId, String amount, String status) {
	}

}
