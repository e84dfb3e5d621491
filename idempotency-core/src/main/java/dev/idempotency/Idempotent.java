package dev.idempotency;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a Spring MVC handler method, or every handler method of a controller, as idempotent: a request
 * carrying an idempotency key runs the handler once, and later requests with the same key in the same
 * scope get the first answer replayed. A method-level annotation wins over a type-level one.
 * <p>
 * The key is the client-chosen {@code Idempotency-Key} header by default; a one-time token issued by the
 * server when {@link #tokenRequired()}; or the operation's own {@link #businessKey()}.
 */
@Target({ ElementType.METHOD, ElementType.TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface Idempotent {

	/**
	 * Whether a request without a key (no header, no token, or no business key, as configured) is refused
	 * with 400. When {@code false}, such a request runs without idempotency.
	 */
	boolean required() default true;

	/**
	 * How long the completed answer is kept for replay, overriding {@code idempotency.retention} for this
	 * handler: an ISO-8601 duration ({@code PT48H}) or a simple one ({@code 48h}, {@code 30m}, {@code 7d}).
	 * Empty means the configured default.
	 */
	String retention() default "";

	/**
	 * Whether the key must be a one-time token that the token endpoint ({@code idempotency.tokens.*})
	 * issued to the caller's scope, sent in the {@code Idempotency-Key} header. Its first use consumes it
	 * and claims the key in one atomic step; a retry with the consumed token replays; an unknown, expired
	 * or foreign token is refused with 400 and the handler does not run.
	 */
	boolean tokenRequired() default false;

	/**
	 * The business key: when set, the key comes from the request itself instead of the
	 * {@code Idempotency-Key} header (or, with {@link BusinessKey#headerFirst()}, when the header is absent).
	 * Not combinable with {@link #tokenRequired()}.
	 */
	BusinessKey businessKey() default @BusinessKey;

}
