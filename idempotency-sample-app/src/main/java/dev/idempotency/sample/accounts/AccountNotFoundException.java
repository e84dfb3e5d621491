package dev.idempotency.sample.accounts;

/** No account has the given id. */
public class AccountNotFoundException extends RuntimeException {

	public AccountNotFoundException(String id) {
		super("No account " + id);
	}

}
