package dev.idempotency.sample;

import java.math.BigDecimal;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * Amounts are decimal strings with at most two fraction digits and at most 17 before the point (the
 * database's {@code NUMERIC(19,2)}), never floating point.
 */
public final class Money {

	private static final int MAX_INTEGER_DIGITS = 17;

	private Money() {
	}

	/**
	 * @throws InvalidAmountException when the text is not a decimal with at most two fraction digits, or
	 * is negative (or zero, when {@code positive})
	 */
	public static BigDecimal parse(@Nullable JsonNode value, String field, boolean positive) {
		if (value == null || !value.isString()) {
			throw new InvalidAmountException(field + " must be a decimal string such as \"10.00\", not a JSON number");
		}
		return parse(value.stringValue(), field, positive);
	}

	/**
	 * @throws InvalidAmountException when the text is not a decimal with at most two fraction digits and
	 * 17 integer digits, or is negative (or zero, when {@code positive})
	 */
	public static BigDecimal parse(@Nullable String text, String field, boolean positive) {
		BigDecimal amount;
		try {
			amount = new BigDecimal(text);
		}
		catch (NumberFormatException | NullPointerException ex) {
			throw new InvalidAmountException(field + " must be a decimal string such as \"10.00\"");
		}
		if (amount.scale() > 2 || text.contains("e") || text.contains("E")) {
			throw new InvalidAmountException(field + " must have at most two fraction digits");
		}
		if (amount.precision() - amount.scale() > MAX_INTEGER_DIGITS) {
			throw new InvalidAmountException(field + " must have at most " + MAX_INTEGER_DIGITS + " digits before the point");
		}
		if (amount.signum() < 0 || (positive && amount.signum() == 0)) {
			throw new InvalidAmountException(field + " must be " + (positive ? "positive" : "zero or more"));
		}
		return amount.setScale(2);
	}

	public static String format(BigDecimal amount) {
		return amount.setScale(2).toPlainString();
	}

	/** An amount that is not a valid decimal string. */
	public static class InvalidAmountException extends RuntimeException {

		public InvalidAmountException(String message) {
			super(message);
		}

	}

}
