package dev.idempotency.autoconfigure.openapi;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.parameters.HeaderParameter;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import org.jspecify.annotations.Nullable;
import org.springdoc.core.customizers.GlobalOpenApiCustomizer;
import org.springdoc.core.customizers.GlobalOperationCustomizer;

import org.springframework.web.method.HandlerMethod;

import dev.idempotency.Idempotent;
import dev.idempotency.ServerErrorMode;
import dev.idempotency.StoreFailureMode;
import dev.idempotency.autoconfigure.IdempotencyProperties;
import dev.idempotency.handler.IdempotentPolicy;
import dev.idempotency.key.BusinessKeySource;
import dev.idempotency.web.IdempotencyProblem;

/**
 * Documents what the idempotency filter does to each {@link Idempotent} operation in the API description
 * springdoc generates. For a handler method annotated {@code @Idempotent} (on the method, or else on its
 * class) it
 * <ul>
 * <li>adds the key header parameter ({@code idempotency.header-name}), when the filter reads it: header and
 * token mode, and a business key with {@code headerFirst}; never a second one when the operation declares
 * it already;</li>
 * <li>adds the filter's problem answers (400, 409, 413, 422 and, with {@code on-store-failure=fail-closed},
 * 503) as {@code application/problem+json} with the shared {@value #PROBLEM_SCHEMA} schema, leaving every
 * status the operation declares already as it is;</li>
 * <li>appends the key, the replay and the retention policy to the operation's description;</li>
 * <li>adds the extension {@value #EXTENSION} with the same facts, machine-readable.</li>
 * </ul>
 * Operations of handlers without {@code @Idempotent} are returned untouched. As an OpenAPI customizer it
 * adds the {@value #PROBLEM_SCHEMA} schema to the components when some operation is idempotent. It is a
 * springdoc {@code Global…} customizer, so grouped APIs get it too.
 */
public class IdempotencyOperationCustomizer implements GlobalOperationCustomizer, GlobalOpenApiCustomizer {

	/** The extension with the machine-readable facts of an idempotent operation. */
	public static final String EXTENSION = "x-idempotency";

	/** The name of the component schema of the filter's problem answers. */
	public static final String PROBLEM_SCHEMA = "IdempotencyProblem";

	/** The media type of the filter's problem answers. */
	public static final String PROBLEM_MEDIA_TYPE = "application/problem+json";

	/** The header a replayed answer carries. */
	public static final String REPLAYED_HEADER = "Idempotent-Replayed";

	private static final String PROBLEM_REF = "#/components/schemas/" + PROBLEM_SCHEMA;

	private final String headerName;

	private final int maxKeyLength;

	private final boolean lenientKeys;

	private final Duration retention;

	private final String tokensPath;

	private final boolean failClosed;

	private final boolean serverErrorsReleased;

	private final long maxRequestBody;

	/** Takes the header name, key length, retention and the rest from the starter's properties. */
	public IdempotencyOperationCustomizer(IdempotencyProperties properties) {
		this.headerName = properties.getHeaderName();
		this.maxKeyLength = properties.getMaxKeyLength();
		this.lenientKeys = properties.isLenientKeys();
		this.retention = properties.getRetention();
		this.tokensPath = properties.getTokens().getPath();
		this.failClosed = properties.getOnStoreFailure() == StoreFailureMode.FAIL_CLOSED;
		this.serverErrorsReleased = properties.getOnServerError() == ServerErrorMode.RELEASE;
		this.maxRequestBody = properties.getMaxRequestBody().toBytes();
	}

	@Override
	public Operation customize(Operation operation, HandlerMethod handlerMethod) {
		IdempotentPolicy idempotent = IdempotentPolicy.of(handlerMethod.getMethod(), handlerMethod.getBeanType());
		if (idempotent == null || hasExtension(operation)) {
			return operation;
		}
		Policy policy = Policy.of(idempotent, this.retention);
		if (policy.readsHeader()) {
			addKeyHeader(operation, policy);
		}
		addProblemResponses(operation, policy);
		String description = describe(policy);
		operation.setDescription((operation.getDescription() == null || operation.getDescription().isBlank())
				? description : operation.getDescription() + "\n\n" + description);
		operation.addExtension(EXTENSION, facts(policy));
		return operation;
	}

	/** Adds the {@value #PROBLEM_SCHEMA} schema when an operation is idempotent and it is not there yet. */
	@Override
	public void customise(OpenAPI openApi) {
		if (!hasIdempotentOperation(openApi)) {
			return;
		}
		Components components = openApi.getComponents();
		if (components == null) {
			components = new Components();
			openApi.setComponents(components);
		}
		if (components.getSchemas() == null || !components.getSchemas().containsKey(PROBLEM_SCHEMA)) {
			components.addSchemas(PROBLEM_SCHEMA, problemSchema());
		}
	}

	private void addKeyHeader(Operation operation, Policy policy) {
		if (operation.getParameters() != null) {
			for (Parameter parameter : operation.getParameters()) {
				if ("header".equalsIgnoreCase(parameter.getIn()) && this.headerName.equalsIgnoreCase(parameter.getName())) {
					return;
				}
			}
		}
		Schema<?> schema = schema("string").minLength(1).maxLength(this.maxKeyLength);
		operation.addParametersItem(new HeaderParameter().name(this.headerName)
			.required(policy.headerRequired())
			.description(headerDescription(policy))
			.schema(schema));
	}

	private String headerDescription(Policy policy) {
		String form = "1 to " + this.maxKeyLength + " printable ASCII characters (not counting the quotes)"
				+ (this.lenientKeys ? ", bare or as an RFC 8941 string (`\"…\"`)" : ", as an RFC 8941 string (`\"…\"`)");
		BusinessKeySource businessKey = policy.businessKey();
		if (businessKey != null) {
			return "Optional idempotency key, " + form + ". When sent, it is the key; without it the request is keyed by "
					+ sourceName(businessKey) + ".";
		}
		String optional = policy.required() ? "" : " Optional: a request without it runs without idempotency.";
		if (policy.tokenRequired()) {
			return "One-time token from `POST " + this.tokensPath + "`, issued to the caller, sent again unchanged with"
					+ " every retry of this request. Its first use consumes it; an unknown, expired or foreign token is"
					+ " refused with 400." + optional;
		}
		return "Idempotency key: a value unique to this request, e.g. a UUID, chosen by the client and sent again"
				+ " unchanged with every retry; " + form + "." + optional;
	}

	private void addProblemResponses(Operation operation, Policy policy) {
		ApiResponses responses = operation.getResponses();
		if (responses == null) {
			responses = new ApiResponses();
			operation.setResponses(responses);
		}
		List<String> badRequest = new ArrayList<>();
		if (policy.missingKeyPossible()) {
			badRequest.add("the key is missing (" + type(IdempotencyProblem.MISSING_KEY) + ")");
		}
		badRequest.add("the key is malformed or too long (" + type(IdempotencyProblem.INVALID_KEY) + ")");
		if (policy.tokenRequired()) {
			badRequest.add("the token is unknown, expired or was issued to someone else ("
					+ type(IdempotencyProblem.INVALID_TOKEN) + ")");
		}
		addResponse(responses, "400", "Idempotency: " + String.join(", or ", badRequest)
				+ ". The operation did not run.", false);
		addResponse(responses, "409", "Idempotency: a request with this key is still in progress ("
				+ type(IdempotencyProblem.IN_PROGRESS) + ", with `Retry-After`); or it completed, but its answer was"
				+ " streamed or too large to keep and cannot be replayed (" + type(IdempotencyProblem.NOT_REPLAYABLE)
				+ "). This request did not run the operation.", true);
		addResponse(responses, "413", "Idempotency: the request body is larger than the " + readableSize(this.maxRequestBody)
				+ " buffered for the fingerprint (" + type(IdempotencyProblem.REQUEST_TOO_LARGE)
				+ "). The operation did not run.", false);
		addResponse(responses, "422", "Idempotency: this key was already used with a different request ("
				+ type(IdempotencyProblem.KEY_REUSED) + "). The operation did not run; send the new request with a new key.",
				false);
		if (this.failClosed) {
			addResponse(responses, "503", "Idempotency: the idempotency store is unavailable ("
					+ type(IdempotencyProblem.STORE_UNAVAILABLE) + ", with `Retry-After`). The operation did not run.",
					true);
		}
	}

	private static void addResponse(ApiResponses responses, String status, String description, boolean retryAfter) {
		if (responses.containsKey(status)) {
			return;
		}
		ApiResponse response = new ApiResponse().description(description)
			.content(new Content().addMediaType(PROBLEM_MEDIA_TYPE,
					new MediaType().schema(new Schema<>().$ref(PROBLEM_REF))));
		if (retryAfter) {
			response.addHeaderObject("Retry-After", new Header()
				.description("Seconds to wait before retrying (sent with "
						+ ("409".equals(status) ? IdempotencyProblem.IN_PROGRESS : IdempotencyProblem.STORE_UNAVAILABLE).type()
						+ ").")
				.schema(schema("integer").minimum(BigDecimal.ONE)));
		}
		responses.addApiResponse(status, response);
	}

	private String describe(Policy policy) {
		StringBuilder text = new StringBuilder("**Idempotent** ");
		BusinessKeySource businessKey = policy.businessKey();
		String sameKey;
		if (businessKey == null) {
			sameKey = policy.tokenRequired() ? "the same token" : "the same key";
			text.append("by the `").append(this.headerName).append("` header");
			if (policy.tokenRequired()) {
				text.append(", which must carry a one-time token from `POST ").append(this.tokensPath)
					.append("`; repeat it unchanged on every retry.");
			}
			else {
				text.append(": send a unique key, e.g. a UUID, and repeat it unchanged on every retry.");
			}
			if (!policy.required()) {
				text.append(" Without the header the request runs without idempotency.");
			}
		}
		else if (businessKey.headerFirst()) {
			sameKey = "the same key";
			text.append("by the `").append(this.headerName).append("` header when one is sent, else by ")
				.append(sourceName(businessKey)).append('.');
			if (!policy.required() && policy.keyCanBeAbsent()) {
				text.append(" A request with neither runs without idempotency.");
			}
		}
		else {
			sameKey = "the same " + ((businessKey.kind() == BusinessKeySource.Kind.JSON_POINTER) ? "value" : "`" + businessKey.name() + "`");
			text.append("by ").append(sourceName(businessKey)).append(", not by an `").append(this.headerName)
				.append("` header.");
			if (!policy.required() && policy.keyCanBeAbsent()) {
				text.append(" A request without it runs without idempotency.");
			}
		}
		text.append(" A retry with ").append(sameKey).append(" gets the first answer replayed, marked `")
			.append(REPLAYED_HEADER)
			.append(": true`, without the operation running again; ")
			.append(sameKey)
			.append(" with a different request gets 422.");
		text.append(" **Retention:** answers are kept for replay for ").append(readable(policy.retention()))
			.append(" (`").append(policy.retention()).append("`); after that the key is free again and a request with it runs as a new one.");
		if (this.serverErrorsReleased) {
			text.append(" Answers with a status of 500 or above are not kept: a retry runs the operation again.");
		}
		return text.toString();
	}

	private Map<String, Object> facts(Policy policy) {
		Map<String, Object> facts = new LinkedHashMap<>();
		BusinessKeySource businessKey = policy.businessKey();
		if (businessKey == null) {
			facts.put("keySource", policy.tokenRequired() ? "token" : "header");
			facts.put("header", this.headerName);
			if (policy.tokenRequired()) {
				facts.put("tokenEndpoint", "POST " + this.tokensPath);
			}
		}
		else {
			facts.put("keySource", "business-key");
			Map<String, Object> source = new LinkedHashMap<>();
			source.put("in", switch (businessKey.kind()) {
				case PATH_VARIABLE -> "path";
				case QUERY_PARAMETER -> "query";
				case HEADER -> "header";
				case JSON_POINTER -> "body";
			});
			source.put("name", businessKey.name());
			facts.put("businessKey", source);
			if (businessKey.headerFirst()) {
				facts.put("header", this.headerName);
				facts.put("headerFirst", true);
			}
		}
		facts.put("required", policy.required());
		facts.put("retention", policy.retention().toString());
		return facts;
	}

	private static String sourceName(BusinessKeySource businessKey) {
		return "the " + businessKey.kind().label() + " `" + businessKey.name() + "`";
	}

	private static String type(IdempotencyProblem problem) {
		return "`" + problem.type() + "`";
	}

	private static boolean hasExtension(Operation operation) {
		return operation.getExtensions() != null && operation.getExtensions().containsKey(EXTENSION);
	}

	private static boolean hasIdempotentOperation(OpenAPI openApi) {
		if (openApi.getPaths() == null) {
			return false;
		}
		for (PathItem path : openApi.getPaths().values()) {
			for (Operation operation : path.readOperations()) {
				if (hasExtension(operation)) {
					return true;
				}
			}
		}
		return false;
	}

	private static Schema<?> problemSchema() {
		return schema("object")
			.description("An RFC 9457 problem detail answered by the idempotency filter. Types are under "
					+ IdempotencyProblem.TYPE_BASE + ".")
			.addProperty("type", schema("string").format("uri").description("The problem type URI."))
			.addProperty("title", schema("string").description("A short summary of the problem type."))
			.addProperty("status", schema("integer").format("int32").description("The HTTP status."))
			.addProperty("detail", schema("string").description("What went wrong with this request."))
			.addProperty("instance", schema("string").description("The request path."));
	}

	/** A schema of one type, written as {@code type} by OpenAPI 3.0 and 3.1 alike. */
	private static Schema<Object> schema(String type) {
		Schema<Object> schema = new Schema<>();
		schema.type(type);
		schema.addType(type);
		return schema;
	}

	/** {@code 24 hours}, {@code 7 days}, {@code 1 hour 30 minutes}. */
	static String readable(Duration duration) {
		long millis = duration.toMillis();
		if (millis % Duration.ofDays(1).toMillis() == 0 && duration.toDays() >= 2) {
			return duration.toDays() + " days";
		}
		List<String> parts = new ArrayList<>();
		part(parts, duration.toHours(), "hour");
		part(parts, duration.toMinutesPart(), "minute");
		part(parts, duration.toSecondsPart(), "second");
		part(parts, duration.toMillisPart(), "millisecond");
		return parts.isEmpty() ? "0 seconds" : String.join(" ", parts);
	}

	/** {@code 1 MB}, {@code 512 KB}, {@code 1000 bytes}. */
	static String readableSize(long bytes) {
		if (bytes > 0 && bytes % (1024 * 1024) == 0) {
			return (bytes / (1024 * 1024)) + " MB";
		}
		if (bytes > 0 && bytes % 1024 == 0) {
			return (bytes / 1024) + " KB";
		}
		return bytes + " bytes";
	}

	private static void part(List<String> parts, long amount, String unit) {
		if (amount > 0) {
			parts.add(amount + " " + unit + ((amount == 1) ? "" : "s"));
		}
	}

	/** What the filter does for one handler, read from its annotation. */
	private record Policy(boolean required, Duration retention, boolean tokenRequired,
			@Nullable BusinessKeySource businessKey) {

		static Policy of(IdempotentPolicy policy, Duration defaultRetention) {
			return new Policy(policy.required(), (policy.retention() != null) ? policy.retention() : defaultRetention,
					policy.tokenRequired(), policy.businessKey());
		}

		/** Whether the filter reads the key header for this handler. */
		boolean readsHeader() {
			return this.businessKey == null || this.businessKey.headerFirst();
		}

		/** Whether the documented header is required: never when a business key stands in for it. */
		boolean headerRequired() {
			return this.required && this.businessKey == null;
		}

		/** Whether the filter can refuse a request for lacking the key. */
		boolean missingKeyPossible() {
			return this.required && keyCanBeAbsent();
		}

		/** Whether a request can lack the key: a path variable is there whenever the route matches. */
		boolean keyCanBeAbsent() {
			return this.businessKey == null || this.businessKey.kind() != BusinessKeySource.Kind.PATH_VARIABLE;
		}

	}

}
