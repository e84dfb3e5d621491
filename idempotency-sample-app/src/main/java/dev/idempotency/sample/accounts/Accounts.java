package dev.idempotency.sample.accounts;

import java.math.BigDecimal;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import dev.idempotency.sample.InvalidRequestException;

/**
 * The accounts, in the sample's database (table {@code account}). Every balance change is one conditional
 * {@code UPDATE}, never a read followed by a write, and joins the caller's transaction when there is one.
 */
@Repository
public class Accounts {

	/** The length of the {@code account.id} column. */
	static final int MAX_ID_LENGTH = 255;

	private final JdbcClient jdbc;

	Accounts(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/** Creates the account or sets its balance; {@code true} when it was created. */
	public boolean put(String id, BigDecimal balance) {
		if (id.length() > MAX_ID_LENGTH) {
			throw new InvalidRequestException("An account id has at most " + MAX_ID_LENGTH + " characters");
		}
		while (setBalance(id, balance) == 0) {
			try {
				this.jdbc.sql("INSERT INTO account (id, balance) VALUES (?, ?)").params(id, balance).update();
				return true;
			}
			catch (DuplicateKeyException ex) {
				// created concurrently: set its balance instead
			}
		}
		return false;
	}

	public Account get(String id) {
		return this.jdbc.sql("SELECT id, balance FROM account WHERE id = ?")
			.param(id)
			.query((rs, row) -> new Account(rs.getString("id"), rs.getBigDecimal("balance")))
			.optional()
			.orElseThrow(() -> new AccountNotFoundException(id));
	}

	/**
	 * @throws InsufficientFundsException when the balance is smaller than {@code amount}; nothing changes
	 * @throws AccountNotFoundException when there is no such account
	 */
	public void debit(String id, BigDecimal amount) {
		int updated = this.jdbc.sql("UPDATE account SET balance = balance - ? WHERE id = ? AND balance >= ?")
			.params(amount, id, amount)
			.update();
		if (updated == 0) {
			throw exists(id) ? new InsufficientFundsException(id) : new AccountNotFoundException(id);
		}
	}

	/** @throws AccountNotFoundException when there is no such account */
	public void credit(String id, BigDecimal amount) {
		int updated = this.jdbc.sql("UPDATE account SET balance = balance + ? WHERE id = ?").params(amount, id).update();
		if (updated == 0) {
			throw new AccountNotFoundException(id);
		}
	}

	private int setBalance(String id, BigDecimal balance) {
		return this.jdbc.sql("UPDATE account SET balance = ? WHERE id = ?").params(balance, id).update();
	}

	private boolean exists(String id) {
		return this.jdbc.sql("SELECT COUNT(*) FROM account WHERE id = ?").param(id).query(Long.class).single() > 0;
	}

}
