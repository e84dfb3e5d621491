package dev.idempotency.sample;

/** A request body that is JSON but lacks what the endpoint needs. */
public class InvalidRequestException extends RuntimeException {

	public InvalidRequestException(String message) {
		super(message);
	}

}
