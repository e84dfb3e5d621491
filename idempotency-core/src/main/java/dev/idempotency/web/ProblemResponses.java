package dev.idempotency.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;

import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.ObjectWriteContext;
import tools.jackson.core.json.JsonFactory;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;

/** Writes {@link IdempotencyProblem}s as {@code application/problem+json} (RFC 9457). */
public final class ProblemResponses {

	private static final JsonFactory JSON = new JsonFactory();

	private ProblemResponses() {
	}

	/**
	 * @param retryAfter sent as {@code Retry-After} in whole seconds (at least 1), or {@code null} for none
	 * @param instance the request path, as the problem's {@code instance}
	 */
	public static void write(HttpServletResponse response, IdempotencyProblem problem, String detail,
			@Nullable Duration retryAfter, String instance) throws IOException {
		ByteArrayOutputStream body = new ByteArrayOutputStream(256);
		try (JsonGenerator json = JSON.createGenerator(ObjectWriteContext.empty(), body)) {
			json.writeStartObject();
			json.writeStringProperty("type", problem.type().toString());
			json.writeStringProperty("title", problem.title());
			json.writeNumberProperty("status", problem.status());
			json.writeStringProperty("detail", detail);
			json.writeStringProperty("instance", instance);
			json.writeEndObject();
		}
		response.resetBuffer();
		response.setStatus(problem.status());
		response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
		if (retryAfter != null) {
			long seconds = Math.max(1, (retryAfter.toMillis() + 999) / 1000);
			response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
		}
		response.setContentLength(body.size());
		body.writeTo(response.getOutputStream());
	}

}
