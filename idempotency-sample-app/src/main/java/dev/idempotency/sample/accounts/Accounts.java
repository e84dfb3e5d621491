package dev.idempotency.sample.accounts;

import java.math.BigDecimal;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.stereotype.Component;

/** The accounts of this instance, in memory. Every balance change is atomic per account. */
@Component
public class Accounts {

	private final Map<String, Account> accounts = new ConcurrentHashMap<>();

	/** Creates the account or sets its balance; {@code true} when it was created. */
	public boolean put(String id, BigDecimal balance) {
		return this.accounts.put(id, new Account(id, balance)) == null;
	}

	public Account get(String id) {
		Account account = this.accounts.get(id);
		if (account == null) {
			throw new AccountNotFoundException(id);
		}
		return account;
	}

	/** @throws InsufficientFundsException when the balance is smaller than {@code amount}; nothing changes */
	public Account debit(String id, BigDecimal amount) {
		return change(id, amount.negate());
	}

	public Account credit(String id, BigDecimal amount) {
		return change(id, amount);
	}

	private Account change(String id, BigDecimal delta) {
		Account changed = this.accounts.computeIfPresent(id, (key, account) -> {
			BigDecimal balance = account.balance().add(delta);
			if (balance.signum() < 0) {
				throw new InsufficientFundsException(id);
			}
			return new Account(id, balance);
		});
		if (changed == null) {
			throw new AccountNotFoundException(id);
		}
		return changed;
	}

}
