package dev.idempotency.sample.web;

import java.net.URI;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

import dev.idempotency.sample.InvalidRequestException;
import dev.idempotency.sample.Money;
import dev.idempotency.sample.accounts.AccountNotFoundException;
import dev.idempotency.sample.accounts.InsufficientFundsException;
import dev.idempotency.sample.payments.PaymentNotFoundException;

/** The sample's own RFC 9457 problems, each with a type URI under {@value #TYPE_BASE}. */
@RestControllerAdvice
class SampleProblems {

	static final String TYPE_BASE = "https://idempotency.dev/sample/problems/";

	@ExceptionHandler
	ProblemDetail insufficientFunds(InsufficientFundsException ex) {
		return problem(HttpStatus.UNPROCESSABLE_CONTENT, "insufficient-funds", "Insufficient funds", ex.getMessage());
	}

	@ExceptionHandler
	ProblemDetail accountNotFound(AccountNotFoundException ex) {
		return problem(HttpStatus.NOT_FOUND, "account-not-found", "Account not found", ex.getMessage());
	}

	@ExceptionHandler
	ProblemDetail paymentNotFound(PaymentNotFoundException ex) {
		return ex.kind().equals("refund")
				? problem(HttpStatus.NOT_FOUND, "refund-not-found", "Refund not found", ex.getMessage())
				: problem(HttpStatus.NOT_FOUND, "payment-not-found", "Payment not found", ex.getMessage());
	}

	@ExceptionHandler
	ProblemDetail invalidRequest(InvalidRequestException ex) {
		return problem(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request body", ex.getMessage());
	}

	@ExceptionHandler
	ProblemDetail invalidAmount(Money.InvalidAmountException ex) {
		return problem(HttpStatus.BAD_REQUEST, "invalid-amount", "Invalid amount", ex.getMessage());
	}

	@ExceptionHandler
	ProblemDetail unreadable(HttpMessageNotReadableException ex) {
		return problem(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request body",
				"The request body is missing or is not the JSON object this endpoint expects");
	}

	private static ProblemDetail problem(HttpStatus status, String type, String title, String detail) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
		problem.setType(URI.create(TYPE_BASE + type));
		problem.setTitle(title);
		return problem;
	}

}
