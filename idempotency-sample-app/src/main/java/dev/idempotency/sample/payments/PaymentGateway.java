package dev.idempotency.sample.payments;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.idempotency.sample.SampleProperties;
import dev.idempotency.sample.accounts.Accounts;
import dev.idempotency.sample.payments.Payments.Kind;

/**
 * Moves money: waits {@code sample.gateway-delay} (a slow payment gateway), then, in one database
 * transaction, debits or credits the account and records the payment or refund, so that either both
 * commit or neither does; a debit then waits {@code sample.after-debit-delay} (a slow receipt step), after
 * its transaction. On its own that transaction commits before the receipt step: a crash during the step
 * leaves the debit done and its answer unstored, the window in which a retry used to debit again. The
 * transaction joins one already open on the calling thread, as with the filter's transactional
 * completion, which then commits the debit, the receipt step and the stored answer together. Counts
 * every debit and credit this instance committed, so tests can show that a retried request moved the
 * money once.
 */
@Component
public class PaymentGateway {

	private final Accounts accounts;

	private final Payments payments;

	private final SampleProperties properties;

	private final TransactionTemplate transaction;

	private final AtomicLong debits = new AtomicLong();

	private final AtomicLong credits = new AtomicLong();

	PaymentGateway(Accounts accounts, Payments payments, SampleProperties properties, TransactionTemplate transaction) {
		this.accounts = accounts;
		this.payments = payments;
		this.properties = properties;
		this.transaction = transaction;
	}

	public Payment debit(String accountId, BigDecimal amount) {
		await(this.properties.getGatewayDelay(), "the payment gateway");
		Payment payment = this.transaction.execute((status) -> {
			this.accounts.debit(accountId, amount);
			Payment inserted = this.payments.insert(Kind.PAYMENT, accountId, amount);
			countOnCommit(this.debits);
			return inserted;
		});
		await(this.properties.getAfterDebitDelay(), "the receipt");
		return payment;
	}

	public Payment credit(String accountId, BigDecimal amount) {
		await(this.properties.getGatewayDelay(), "the payment gateway");
		return this.transaction.execute((status) -> {
			this.accounts.credit(accountId, amount);
			Payment refund = this.payments.insert(Kind.REFUND, accountId, amount);
			countOnCommit(this.credits);
			return refund;
		});
	}

	public Payment payment(String id) {
		return this.payments.get(Kind.PAYMENT, id);
	}

	public Payment refund(String id) {
		return this.payments.get(Kind.REFUND, id);
	}

	/** How many debits this instance committed. */
	public long debits() {
		return this.debits.get();
	}

	/** How many credits this instance committed. */
	public long credits() {
		return this.credits.get();
	}

	private static void countOnCommit(AtomicLong counter) {
		TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {

			@Override
			public void afterCommit() {
				counter.incrementAndGet();
			}

		});
	}

	private static void await(Duration delay, String what) {
		long millis = delay.toMillis();
		if (millis > 0) {
			try {
				Thread.sleep(millis);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("Interrupted while waiting for " + what, ex);
			}
		}
	}

}
