package dev.idempotency.sample.payments;

/** No payment or refund has the given id. */
public class PaymentNotFoundException extends RuntimeException {

	public PaymentNotFoundException(String id) {
		super("No payment " + id);
	}

}
