package dev.idempotency.sample.payments;

import java.math.BigDecimal;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The recorded payments and refunds, in the sample's database (tables {@code payment} and {@code refund}),
 * with random UUIDs as ids. Joins the caller's transaction when there is one.
 */
@Repository
class Payments {

	static final String COMPLETED = "COMPLETED";

	/** Which table a record goes to, and what a missing one is called. */
	enum Kind {

		PAYMENT("payment"), REFUND("refund");

		private final String table;

		Kind(String table) {
			this.table = table;
		}

	}

	private final JdbcClient jdbc;

	Payments(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	Payment insert(Kind kind, String accountId, BigDecimal amount) {
		Payment payment = new Payment(UUID.randomUUID().toString(), accountId, amount, COMPLETED);
		this.jdbc.sql("INSERT INTO " + kind.table + " (id, account_id, amount, status) VALUES (?, ?, ?, ?)")
			.params(payment.id(), payment.accountId(), payment.amount(), payment.status())
			.update();
		return payment;
	}

	/** @throws PaymentNotFoundException when there is no such record */
	Payment get(Kind kind, String id) {
		return this.jdbc.sql("SELECT id, account_id, amount, status FROM " + kind.table + " WHERE id = ?")
			.param(id)
			.query((rs, row) -> new Payment(rs.getString("id"), rs.getString("account_id"), rs.getBigDecimal("amount"),
					rs.getString("status")))
			.optional()
			.orElseThrow(() -> new PaymentNotFoundException(kind.table, id));
	}

}
