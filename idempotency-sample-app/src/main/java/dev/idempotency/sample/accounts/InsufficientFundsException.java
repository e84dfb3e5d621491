package dev.idempotency.sample.accounts;

/** A debit larger than the account's balance. */
public class InsufficientFundsException extends RuntimeException {

	public InsufficientFundsException(String accountId) {
		super("Account " + accountId + " has insufficient funds");
	}

}
