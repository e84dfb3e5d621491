package dev.idempotency.request;

import java.io.IOException;
import java.time.Duration;
import java.util.Collections;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;

import dev.idempotency.IdempotencyOutcome;
import dev.idempotency.IdempotencySettings;
import dev.idempotency.fingerprint.RequestFingerprinter;
import dev.idempotency.handler.IdempotentHandler;
import dev.idempotency.key.BusinessKeySource;
import dev.idempotency.key.IdempotencyKeyParser;
import dev.idempotency.key.InvalidIdempotencyKeyException;
import dev.idempotency.key.RecordIds;
import dev.idempotency.scope.IdempotencyScopeResolver;
import dev.idempotency.web.IdempotencyProblem;
import dev.idempotency.web.RequestBodies;

/**
 * Reads an idempotent request ({@code docs/semantics.md} §2–§4): its key from the header, as a one-time
 * token, or as a business key; its body, up to the limit; its scope, record id and fingerprint. Invalid
 * and missing keys and oversized bodies are refused here, before any store call.
 */
public final class IdempotentRequestReader {

	private final IdempotencyScopeResolver scopeResolver;

	private final String headerName;

	private final IdempotencyKeyParser keyParser;

	private final RequestFingerprinter fingerprinter;

	private final Duration retention;

	private final int maxRequestBody;

	private final RequestBodies requestBodies;

	private final int maxKeyLength;

	public IdempotentRequestReader(IdempotencyScopeResolver scopeResolver, IdempotencySettings settings) {
		this.scopeResolver = scopeResolver;
		this.headerName = settings.getHeaderName();
		this.keyParser = new IdempotencyKeyParser(settings.isLenientKeys(), settings.getMaxKeyLength());
		this.fingerprinter = new RequestFingerprinter(settings.getFingerprintedHeaders());
		this.retention = settings.getRetention();
		this.maxRequestBody = (int) settings.getMaxRequestBody().toBytes();
		this.requestBodies = new RequestBodies(this.maxRequestBody, settings.getMultipartConfig());
		this.maxKeyLength = settings.getMaxKeyLength();
	}

	public IdempotentRequest read(IdempotentHandler handler, HttpServletRequest request)
			throws IOException, ServletException {
		BusinessKeySource businessKey = handler.businessKey();
		String headerKey = null;
		if (businessKey == null || businessKey.headerFirst()) {
			try {
				headerKey = this.keyParser.parse(Collections.list(request.getHeaders(this.headerName)));
			}
			catch (InvalidIdempotencyKeyException ex) {
				return invalidKey(ex);
			}
			if (headerKey == null && businessKey == null) {
				return missingKey(handler, "This operation requires an " + this.headerName + " header.", request);
			}
		}
		RequestBodies.Body body;
		try {
			body = this.requestBodies.read(request);
		}
		catch (RequestBodies.TooLargeException ex) {
			return new IdempotentRequest.Refused(new Refusal(IdempotencyProblem.REQUEST_TOO_LARGE,
					"An idempotent request body may be at most " + this.maxRequestBody + " bytes.",
					IdempotencyOutcome.REQUEST_TOO_LARGE));
		}
		String method = request.getMethod();
		String scope = this.scopeResolver.resolveScope(request);
		String recordId;
		String keyKind;
		if (headerKey != null) {
			recordId = handler.tokenRequired() ? RecordIds.tokenRecordId(scope, headerKey)
					: RecordIds.recordId(scope, method, handler.route(), headerKey);
			keyKind = handler.tokenRequired() ? "one-time token" : "idempotency key";
		}
		else {
			String value;
			try {
				value = businessKey.read(body.request(), handler.pathVariables(), body.bytes(), this.maxKeyLength);
			}
			catch (InvalidIdempotencyKeyException ex) {
				return invalidKey(ex);
			}
			if (value == null) {
				return missingKey(handler, "This operation requires its business key, " + businessKey.describe()
						+ (businessKey.headerFirst() ? ", or an " + this.headerName + " header." : "."),
						body.request());
			}
			recordId = RecordIds.businessKeyRecordId(scope, method, handler.route(), businessKey.id(), value);
			keyKind = "business key (" + businessKey.describe() + ")";
		}
		String query = request.getQueryString();
		String target = (query != null) ? request.getRequestURI() + "?" + query : request.getRequestURI();
		String fingerprint = this.fingerprinter.fingerprint(method, handler.route(), target, request.getContentType(),
				body.bytes(), (name) -> Collections.list(request.getHeaders(name)));
		Duration recordRetention = (handler.retention() != null) ? handler.retention() : this.retention;
		return new IdempotentRequest.Keyed(recordId, fingerprint, keyKind, handler.tokenRequired() && headerKey != null,
				recordRetention, body.request());
	}

	private static IdempotentRequest invalidKey(InvalidIdempotencyKeyException ex) {
		return new IdempotentRequest.Refused(
				new Refusal(IdempotencyProblem.INVALID_KEY, ex.getMessage(), IdempotencyOutcome.INVALID_KEY));
	}

	private static IdempotentRequest missingKey(IdempotentHandler handler, String detail, HttpServletRequest request) {
		if (!handler.required()) {
			return new IdempotentRequest.Unkeyed(request);
		}
		return new IdempotentRequest.Refused(
				new Refusal(IdempotencyProblem.MISSING_KEY, detail, IdempotencyOutcome.INVALID_KEY));
	}

}
