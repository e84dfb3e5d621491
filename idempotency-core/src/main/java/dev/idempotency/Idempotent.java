package dev.idempotency;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a Spring MVC handler method, or every handler method of a controller, as idempotent: a request
 * carrying an {@code Idempotency-Key} runs the handler once, and later requests with the same key in the
 * same scope get the first answer replayed. A method-level annotation wins over a type-level one.
 */
@Target({ ElementType.METHOD, ElementType.TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface Idempotent {

	/**
	 * Whether a request without the key is refused with 400. When {@code false}, such a request runs
	 * without idempotency.
	 */
	boolean required() default true;

	/**
	 * How long the completed answer is kept for replay, overriding {@code idempotency.retention} for this
	 * handler: an ISO-8601 duration ({@code PT48H}) or a simple one ({@code 48h}, {@code 30m}, {@code 7d}).
	 * Empty means the configured default.
	 */
	String retention() default "";

}
