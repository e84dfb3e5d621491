package dev.idempotency;

import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Where an {@link Idempotent} handler finds its business key: the natural id of the operation, such as the
 * order id of "pay order 42", used as the idempotency key so that the operation runs once however clients
 * retry, even clients that send no {@code Idempotency-Key}. Exactly one source is set. The value is a JSON
 * string or integer (for {@link #jsonPointer()}) or the text of a path variable, query parameter or header;
 * it is scoped, fingerprinted and replayed like a header key.
 */
@Target({})
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface BusinessKey {

	/** The name of a URI template variable of the handler's mapping, e.g. {@code orderId}. */
	String pathVariable() default "";

	/** An RFC 6901 JSON Pointer into the JSON request body, e.g. {@code /orderId}. */
	String jsonPointer() default "";

	/** The name of a query parameter. */
	String queryParameter() default "";

	/** The name of a request header. */
	String header() default "";

	/**
	 * Whether a request that carries an {@code Idempotency-Key} header is keyed by that header instead; the
	 * business key is then used only for requests without one. When {@code false} (the default) the
	 * business key is the key and the header is not read.
	 */
	boolean headerFirst() default false;

}
