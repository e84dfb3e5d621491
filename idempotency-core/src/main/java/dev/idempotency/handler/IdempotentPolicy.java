package dev.idempotency.handler;

import java.lang.reflect.Method;
import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.format.datetime.standard.DurationFormatterUtils;

import dev.idempotency.Idempotent;
import dev.idempotency.key.BusinessKeySource;

/**
 * What {@link Idempotent} on a handler method, or on its class, asks of the filter, read and checked once.
 * @param required whether a request without a key is refused
 * @param retention the handler's own retention, or {@code null} for the configured one
 * @param tokenRequired whether the key must be a one-time token
 * @param businessKey where the business key is read, or {@code null} when the header is the key
 */
public record IdempotentPolicy(boolean required, @Nullable Duration retention, boolean tokenRequired,
		@Nullable BusinessKeySource businessKey) {

	/**
	 * The policy of a handler method, or {@code null} when neither it nor its class is {@link Idempotent};
	 * the method's annotation wins over the class's.
	 * @throws IllegalStateException for a malformed retention or business key, {@code tokenRequired}
	 * together with a business key or with {@code required = false}; the message names the method
	 */
	public static @Nullable IdempotentPolicy of(Method method, Class<?> beanType) {
		Idempotent idempotent = AnnotatedElementUtils.findMergedAnnotation(method, Idempotent.class);
		if (idempotent == null) {
			idempotent = AnnotatedElementUtils.findMergedAnnotation(beanType, Idempotent.class);
		}
		if (idempotent == null) {
			return null;
		}
		Duration retention = null;
		if (!idempotent.retention().isBlank()) {
			try {
				retention = DurationFormatterUtils.detectAndParse(idempotent.retention().trim());
			}
			catch (RuntimeException ex) {
				throw new IllegalStateException("Invalid @Idempotent(retention = \"" + idempotent.retention()
						+ "\") on " + method + ": use e.g. PT48H or 48h", ex);
			}
			if (retention.isNegative() || retention.isZero()) {
				throw new IllegalStateException("@Idempotent retention must be positive on " + method);
			}
		}
		BusinessKeySource businessKey;
		try {
			businessKey = BusinessKeySource.of(idempotent.businessKey());
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalStateException(ex.getMessage() + " on " + method, ex);
		}
		if (idempotent.tokenRequired() && !idempotent.required()) {
			throw new IllegalStateException("@Idempotent on " + method
					+ " sets tokenRequired but required = false; a token-required handler requires its token");
		}
		if (businessKey != null && idempotent.tokenRequired()) {
			throw new IllegalStateException("@Idempotent on " + method
					+ " sets both tokenRequired and businessKey; a handler is keyed by one of them");
		}
		return new IdempotentPolicy(idempotent.required(), retention, idempotent.tokenRequired(), businessKey);
	}

}
