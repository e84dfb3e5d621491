package dev.idempotency.sample.accounts;

import java.math.BigDecimal;

/** An account and its balance. */
public record Account(String id, BigDecimal balance) {
}
