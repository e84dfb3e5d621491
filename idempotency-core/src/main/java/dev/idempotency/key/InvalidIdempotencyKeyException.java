package dev.idempotency.key;

/**
 * Thrown when a request carries an {@code Idempotency-Key} header that is present but
 * not acceptable. The message is a human-readable explanation suitable for the
 * {@code detail} member of an RFC 9457 problem response; it never contains the key
 * value itself.
 */
public class InvalidIdempotencyKeyException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	/**
	 * Create a new exception.
	 * @param detail a human-readable explanation that must not include the key value
	 */
	public InvalidIdempotencyKeyException(String detail) {
		super(detail);
	}

}
