package dev.idempotency.token;

import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;

import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.idempotency.scope.IdempotencyScopeResolver;
import dev.idempotency.store.IdempotencyStoreException;
import dev.idempotency.web.IdempotencyProblem;
import dev.idempotency.web.ProblemResponses;

/**
 * The token endpoint: {@code POST} to {@code ${idempotency.tokens.path}} (default
 * {@value #DEFAULT_PATH}) answers {@code 201} with {@code {"token":"…","expiresAt":"…"}}, a token bound to
 * the caller's scope, never cached; when the store fails, the {@code store-unavailable} problem (503) with
 * {@code Retry-After}.
 */
@RestController
public class IdempotencyTokenController {

	/** The path of the endpoint unless {@code idempotency.tokens.path} says otherwise. */
	public static final String DEFAULT_PATH = "/idempotency-tokens";

	private final OneTimeTokens tokens;

	private final IdempotencyScopeResolver scopeResolver;

	private final Duration retryAfter;

	/** @param retryAfter sent as {@code Retry-After} with the 503 when the store fails */
	public IdempotencyTokenController(OneTimeTokens tokens, IdempotencyScopeResolver scopeResolver,
			Duration retryAfter) {
		this.tokens = tokens;
		this.scopeResolver = scopeResolver;
		this.retryAfter = retryAfter;
	}

	@PostMapping(path = "${idempotency.tokens.path:" + DEFAULT_PATH + "}", produces = MediaType.APPLICATION_JSON_VALUE)
	public @Nullable ResponseEntity<Map<String, String>> issue(HttpServletRequest request, HttpServletResponse response)
			throws IOException {
		OneTimeTokens.IssuedToken issued;
		try {
			issued = this.tokens.issue(this.scopeResolver.resolveScope(request));
		}
		catch (IdempotencyStoreException ex) {
			ProblemResponses.write(response, IdempotencyProblem.STORE_UNAVAILABLE,
					"The idempotency store is unavailable; no token was issued.", this.retryAfter,
					request.getRequestURI());
			return null;
		}
		Map<String, String> body = new LinkedHashMap<>();
		body.put("token", issued.token());
		body.put("expiresAt", issued.expiresAt().toString());
		return ResponseEntity.status(HttpStatus.CREATED).cacheControl(CacheControl.noStore()).body(body);
	}

}
