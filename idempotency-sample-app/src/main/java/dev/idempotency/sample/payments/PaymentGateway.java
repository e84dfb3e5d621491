package dev.idempotency.sample.payments;

import java.math.BigDecimal;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.springframework.stereotype.Component;

import dev.idempotency.sample.SampleProperties;
import dev.idempotency.sample.accounts.Accounts;

/**
 * Moves money: waits {@code sample.gateway-delay} (a slow payment gateway), then debits or credits the
 * account and records the payment. Counts every debit and credit it commits, so tests can show that a
 * retried request moved the money once.
 */
@Component
public class PaymentGateway {

	private final Accounts accounts;

	private final SampleProperties properties;

	private final Map<String, Payment> payments = new ConcurrentHashMap<>();

	private final Map<String, Payment> refunds = new ConcurrentHashMap<>();

	private final AtomicLong debits = new AtomicLong();

	private final AtomicLong credits = new AtomicLong();

	PaymentGateway(Accounts accounts, SampleProperties properties) {
		this.accounts = accounts;
		this.properties = properties;
	}

	public Payment debit(String accountId, BigDecimal amount) {
		awaitGateway();
		this.accounts.debit(accountId, amount);
		this.debits.incrementAndGet();
		return record(this.payments, accountId, amount);
	}

	public Payment credit(String accountId, BigDecimal amount) {
		awaitGateway();
		this.accounts.credit(accountId, amount);
		this.credits.incrementAndGet();
		return record(this.refunds, accountId, amount);
	}

	public Payment payment(String id) {
		Payment payment = this.payments.get(id);
		if (payment == null) {
			throw new PaymentNotFoundException("payment", id);
		}
		return payment;
	}

	public Payment refund(String id) {
		Payment refund = this.refunds.get(id);
		if (refund == null) {
			throw new PaymentNotFoundException("refund", id);
		}
		return refund;
	}

	/** How many debits this instance committed. */
	public long debits() {
		return this.debits.get();
	}

	/** How many credits this instance committed. */
	public long credits() {
		return this.credits.get();
	}

	private static Payment record(Map<String, Payment> records, String accountId, BigDecimal amount) {
		Payment payment = new Payment(UUID.randomUUID().toString(), accountId, amount, "COMPLETED");
		records.put(payment.id(), payment);
		return payment;
	}

	private void awaitGateway() {
		long millis = this.properties.getGatewayDelay().toMillis();
		if (millis > 0) {
			try {
				Thread.sleep(millis);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("Interrupted while waiting for the payment gateway", ex);
			}
		}
	}

}
