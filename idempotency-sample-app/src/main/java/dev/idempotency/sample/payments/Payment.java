package dev.idempotency.sample.payments;

import java.math.BigDecimal;

/** A completed money movement: a payment (debit) or a refund (credit). */
public record Payment(String id, String accountId, BigDecimal amount, String status) {
}
