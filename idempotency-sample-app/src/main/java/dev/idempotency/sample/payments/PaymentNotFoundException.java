package dev.idempotency.sample.payments;

/** No payment (or refund) has the given id. */
public class PaymentNotFoundException extends RuntimeException {

	private final String kind;

	public PaymentNotFoundException(String kind, String id) {
		super("No " + kind + " " + id);
		this.kind = kind;
	}

	/** {@code payment} or {@code refund}. */
	public String kind() {
		return this.kind;
	}

}
