package dev.idempotency.autoconfigure.openapi;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.Paths;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.HeaderParameter;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.parameters.PathParameter;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import org.junit.jupiter.api.Test;

import dev.idempotency.StoreFailureMode;
import dev.idempotency.autoconfigure.IdempotencyProperties;
import dev.idempotency.web.IdempotencyProblem;

import static org.assertj.core.api.Assertions.assertThat;

/** What the customizer adds to the operations of {@link OpenApiTestController}'s handlers, and what it leaves. */
class IdempotencyOperationCustomizerTests {

	private static final String PROBLEM_REF = "#/components/schemas/IdempotencyProblem";

	private final IdempotencyProperties properties = new IdempotencyProperties();

	private Operation customize(String handler) {
		return customize(new Operation(), handler);
	}

	private Operation customize(Operation operation, String handler) {
		return new IdempotencyOperationCustomizer(this.properties).customize(operation, OpenApiTestController.handler(handler));
	}

	private static List<Parameter> keyHeaders(Operation operation) {
		return (operation.getParameters() != null) ? operation.getParameters()
			.stream()
			.filter((parameter) -> "header".equals(parameter.getIn()) && "Idempotency-Key".equalsIgnoreCase(parameter.getName()))
			.toList() : List.of();
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> facts(Operation operation) {
		return (Map<String, Object>) operation.getExtensions().get(IdempotencyOperationCustomizer.EXTENSION);
	}

	private static String type(IdempotencyProblem problem) {
		return problem.type().toString();
	}

	@Test
	void headerModeAddsTheRequiredKeyHeaderLimitedToTheMaximumKeyLength() {
		Operation operation = customize("pay");
		assertThat(keyHeaders(operation)).singleElement().satisfies((header) -> {
			assertThat(header).isInstanceOf(HeaderParameter.class);
			assertThat(header.getRequired()).isTrue();
			assertThat(header.getSchema().getTypes()).containsExactly("string");
			assertThat(header.getSchema().getMaxLength()).isEqualTo(255);
			assertThat(header.getSchema().getMinLength()).isEqualTo(1);
			assertThat(header.getDescription()).contains("unique to this request").contains("bare or as an RFC 8941 string");
		});
		assertThat(facts(operation)).containsExactly(Map.entry("keySource", "header"),
				Map.entry("header", "Idempotency-Key"), Map.entry("required", true), Map.entry("retention", "PT24H"));
	}

	@Test
	void headerModeAddsTheProblemAnswersOfTheFilter() {
		Operation operation = customize("pay");
		ApiResponses responses = operation.getResponses();
		assertThat(responses).containsOnlyKeys("400", "409", "413", "422", "503");
		responses.values().forEach((response) -> {
			MediaType problem = response.getContent().get("application/problem+json");
			assertThat(problem.getSchema().get$ref()).isEqualTo(PROBLEM_REF);
			assertThat(response.getContent()).hasSize(1);
		});
		assertThat(responses.get("400").getDescription()).contains(type(IdempotencyProblem.MISSING_KEY))
			.contains(type(IdempotencyProblem.INVALID_KEY))
			.doesNotContain(type(IdempotencyProblem.INVALID_TOKEN));
		assertThat(responses.get("409").getDescription()).contains(type(IdempotencyProblem.IN_PROGRESS))
			.contains(type(IdempotencyProblem.NOT_REPLAYABLE));
		assertThat(responses.get("413").getDescription()).contains(type(IdempotencyProblem.REQUEST_TOO_LARGE))
			.contains("1 MB");
		assertThat(responses.get("422").getDescription()).contains(type(IdempotencyProblem.KEY_REUSED));
		assertThat(responses.get("503").getDescription()).contains(type(IdempotencyProblem.STORE_UNAVAILABLE));
		assertThat(responses.get("409").getHeaders()).containsOnlyKeys("Retry-After");
		assertThat(responses.get("503").getHeaders()).containsOnlyKeys("Retry-After");
		assertThat(responses.get("503").getHeaders().get("Retry-After").getSchema().getTypes()).containsExactly("integer");
		assertThat(responses.get("400").getHeaders()).isNull();
		assertThat(responses.get("422").getHeaders()).isNull();
	}

	@Test
	void headerModeDescribesKeyReplayAndRetention() {
		assertThat(customize("pay").getDescription()).startsWith("**Idempotent** by the `Idempotency-Key` header")
			.contains("`Idempotent-Replayed: true`")
			.contains("kept for replay for 24 hours (`PT24H`)")
			.contains("status of 500 or above are not kept");
	}

	@Test
	void optionalKeyIsNotRequiredAndCannotBeMissing() {
		Operation operation = customize("optional");
		assertThat(keyHeaders(operation)).singleElement()
			.satisfies((header) -> assertThat(header.getRequired()).isFalse());
		assertThat(operation.getResponses().get("400").getDescription())
			.doesNotContain(type(IdempotencyProblem.MISSING_KEY))
			.contains(type(IdempotencyProblem.INVALID_KEY));
		assertThat(operation.getDescription()).contains("Without the header the request runs without idempotency.");
		assertThat(facts(operation)).containsEntry("required", false);
	}

	@Test
	void tokenModeAsksForAOneTimeTokenFromTheTokenEndpoint() {
		Operation operation = customize("transfer");
		assertThat(keyHeaders(operation)).singleElement().satisfies((header) -> {
			assertThat(header.getRequired()).isTrue();
			assertThat(header.getDescription()).startsWith("One-time token from `POST /idempotency-tokens`");
		});
		assertThat(operation.getResponses().get("400").getDescription())
			.contains(type(IdempotencyProblem.INVALID_TOKEN))
			.contains(type(IdempotencyProblem.MISSING_KEY));
		assertThat(operation.getDescription()).contains("one-time token from `POST /idempotency-tokens`");
		assertThat(facts(operation)).containsEntry("keySource", "token")
			.containsEntry("header", "Idempotency-Key")
			.containsEntry("tokenEndpoint", "POST /idempotency-tokens");
	}

	@Test
	void tokenModeNamesTheConfiguredTokenPath() {
		this.properties.getTokens().setPath("/api/tokens");
		Operation operation = customize("transfer");
		assertThat(keyHeaders(operation).get(0).getDescription()).startsWith("One-time token from `POST /api/tokens`");
		assertThat(facts(operation)).containsEntry("tokenEndpoint", "POST /api/tokens");
	}

	@Test
	void pathVariableBusinessKeyAddsNoHeaderButNamesTheBusinessKey() {
		Operation operation = customize("payOrder");
		assertThat(operation.getParameters()).isNull();
		assertThat(operation.getDescription()).startsWith("**Idempotent** by the path variable `orderId`")
			.contains("not by an `Idempotency-Key` header");
		assertThat(operation.getResponses()).containsOnlyKeys("400", "409", "413", "422", "503");
		assertThat(operation.getResponses().get("400").getDescription())
			.doesNotContain(type(IdempotencyProblem.MISSING_KEY))
			.contains(type(IdempotencyProblem.INVALID_KEY));
		assertThat(facts(operation)).containsEntry("keySource", "business-key")
			.containsEntry("businessKey", Map.of("in", "path", "name", "orderId"))
			.doesNotContainKey("header");
	}

	@Test
	void headerFirstBusinessKeyAddsTheHeaderAsOptional() {
		Operation operation = customize("order");
		assertThat(keyHeaders(operation)).singleElement().satisfies((header) -> {
			assertThat(header.getRequired()).isFalse();
			assertThat(header.getDescription()).contains("without it the request is keyed by the JSON body member `/orderId`");
		});
		assertThat(operation.getDescription())
			.contains("by the `Idempotency-Key` header when one is sent, else by the JSON body member `/orderId`");
		assertThat(operation.getResponses().get("400").getDescription()).contains(type(IdempotencyProblem.MISSING_KEY));
		assertThat(facts(operation)).containsEntry("keySource", "business-key")
			.containsEntry("businessKey", Map.of("in", "body", "name", "/orderId"))
			.containsEntry("header", "Idempotency-Key")
			.containsEntry("headerFirst", true)
			.containsEntry("required", true);
	}

	@Test
	void optionalBusinessKeySaysThatARequestWithoutItRunsWithoutIdempotency() {
		Operation byQuery = customize("optionalReference");
		assertThat(byQuery.getDescription()).contains("by the query parameter `ref`")
			.contains("A request without it runs without idempotency.");
		assertThat(facts(byQuery)).containsEntry("businessKey", Map.of("in", "query", "name", "ref"))
			.containsEntry("required", false);
		Operation orKey = customize("optionalReferenceOrKey");
		assertThat(orKey.getDescription()).contains("A request with neither runs without idempotency.");
		assertThat(keyHeaders(orKey).get(0).getRequired()).isFalse();
		Operation byPath = customize("optionalPathVariable");
		assertThat(byPath.getDescription()).doesNotContain("without idempotency");
	}

	@Test
	void handlerRetentionOverridesTheConfiguredOne() {
		this.properties.setRetention(Duration.ofHours(36));
		Operation override = customize("longRetention");
		assertThat(override.getDescription()).contains("kept for replay for 2 days (`PT48H`)");
		assertThat(facts(override)).containsEntry("retention", "PT48H");
		Operation configured = customize("pay");
		assertThat(configured.getDescription()).contains("kept for replay for 36 hours (`PT36H`)");
		assertThat(facts(configured)).containsEntry("retention", "PT36H");
	}

	@Test
	void typeLevelAnnotationAppliesAndMethodLevelWins() {
		Operation inherited = customize("TypeLevel.inherited");
		assertThat(inherited.getDescription()).contains("kept for replay for 7 days (`PT168H`)");
		assertThat(facts(inherited)).containsEntry("required", true).containsEntry("retention", "PT168H");
		Operation methodLevel = customize("TypeLevel.methodWins");
		assertThat(facts(methodLevel)).containsEntry("required", false).containsEntry("retention", "PT24H");
		assertThat(keyHeaders(methodLevel).get(0).getRequired()).isFalse();
	}

	@Test
	void unannotatedOperationIsLeftExactlyAsGenerated() {
		Operation operation = generated();
		Operation customized = customize(operation, "payment");
		assertThat(customized).isSameAs(operation).isEqualTo(generated());
	}

	@Test
	void responsesTheOperationDeclaresAreKept() {
		Operation operation = generated();
		ApiResponse declared = new ApiResponse().description("Insufficient funds");
		operation.getResponses().addApiResponse("422", declared);
		customize(operation, "pay");
		assertThat(operation.getResponses().get("422")).isSameAs(declared).isEqualTo(new ApiResponse().description("Insufficient funds"));
		assertThat(operation.getResponses().get("200")).isEqualTo(generated().getResponses().get("200"));
		assertThat(operation.getResponses()).containsOnlyKeys("200", "400", "409", "413", "422", "503");
	}

	@Test
	void aDeclaredKeyHeaderIsNotAddedTwice() {
		Operation operation = generated();
		Parameter declared = new HeaderParameter().name("idempotency-key").required(false).schema(new StringSchema());
		operation.addParametersItem(declared);
		customize(operation, "pay");
		assertThat(keyHeaders(operation)).singleElement().isSameAs(declared);
		assertThat(declared.getRequired()).isFalse();
		assertThat(declared.getDescription()).isNull();
	}

	@Test
	void theGeneratedDescriptionIsKeptAndTheIdempotencyOneAppended() {
		Operation operation = generated().description("Debits an account.");
		customize(operation, "pay");
		assertThat(operation.getDescription()).startsWith("Debits an account.\n\n**Idempotent** by the");
	}

	@Test
	void customizingTwiceChangesNothingMore() {
		Operation once = customize("pay");
		Operation twice = customize(customize("pay"), "pay");
		assertThat(twice).isEqualTo(once);
	}

	@Test
	void configuredHeaderNameAndStrictKeysAreDescribed() {
		this.properties.setHeaderName("X-Request-Key");
		this.properties.setMaxKeyLength(64);
		this.properties.setLenientKeys(false);
		Operation operation = customize("pay");
		assertThat(keyHeaders(operation)).isEmpty();
		assertThat(operation.getParameters()).singleElement().satisfies((header) -> {
			assertThat(header.getName()).isEqualTo("X-Request-Key");
			assertThat(header.getSchema().getMaxLength()).isEqualTo(64);
			assertThat(header.getDescription()).contains("1 to 64 printable ASCII characters")
				.contains("as an RFC 8941 string")
				.doesNotContain("bare");
		});
		assertThat(operation.getDescription()).startsWith("**Idempotent** by the `X-Request-Key` header");
		assertThat(facts(operation)).containsEntry("header", "X-Request-Key");
	}

	@Test
	void withOnStoreFailureProceedThereIsNo503() {
		this.properties.setOnStoreFailure(StoreFailureMode.PROCEED);
		assertThat(customize("pay").getResponses()).containsOnlyKeys("400", "409", "413", "422");
	}

	@Test
	void problemSchemaIsAddedWhenAnOperationIsIdempotent() {
		OpenAPI openApi = new OpenAPI().paths(new Paths()
			.addPathItem("/payments", new PathItem().post(customize("pay")))
			.addPathItem("/payments/{id}", new PathItem().get(customize(generated(), "payment"))));
		new IdempotencyOperationCustomizer(this.properties).customise(openApi);
		Schema<?> problem = openApi.getComponents().getSchemas().get("IdempotencyProblem");
		assertThat(problem.getTypes()).containsExactly("object");
		assertThat(problem.getProperties()).containsOnlyKeys("type", "title", "status", "detail", "instance");
		assertThat(problem.getProperties().get("status").getTypes()).containsExactly("integer");
		assertThat(problem.getProperties().get("type").getFormat()).isEqualTo("uri");
	}

	@Test
	void problemSchemaIsNotAddedWithoutIdempotentOperations() {
		OpenAPI openApi = new OpenAPI()
			.paths(new Paths().addPathItem("/payments/{id}", new PathItem().get(customize(generated(), "payment"))));
		new IdempotencyOperationCustomizer(this.properties).customise(openApi);
		assertThat(openApi.getComponents()).isNull();
	}

	@Test
	void anExistingProblemSchemaIsKept() {
		Schema<?> own = new Schema<>().description("mine");
		OpenAPI openApi = new OpenAPI().components(new Components().addSchemas("IdempotencyProblem", own))
			.paths(new Paths().addPathItem("/payments", new PathItem().post(customize("pay"))));
		new IdempotencyOperationCustomizer(this.properties).customise(openApi);
		assertThat(openApi.getComponents().getSchemas().get("IdempotencyProblem")).isSameAs(own);
	}

	@Test
	void durationsAreWrittenReadably() {
		assertThat(IdempotencyOperationCustomizer.readable(Duration.ofHours(24))).isEqualTo("24 hours");
		assertThat(IdempotencyOperationCustomizer.readable(Duration.ofDays(7))).isEqualTo("7 days");
		assertThat(IdempotencyOperationCustomizer.readable(Duration.ofMinutes(90))).isEqualTo("1 hour 30 minutes");
		assertThat(IdempotencyOperationCustomizer.readable(Duration.ofSeconds(1))).isEqualTo("1 second");
		assertThat(IdempotencyOperationCustomizer.readable(Duration.ofMillis(1500))).isEqualTo("1 second 500 milliseconds");
		assertThat(IdempotencyOperationCustomizer.readableSize(1024 * 1024)).isEqualTo("1 MB");
		assertThat(IdempotencyOperationCustomizer.readableSize(512 * 1024)).isEqualTo("512 KB");
		assertThat(IdempotencyOperationCustomizer.readableSize(1000)).isEqualTo("1000 bytes");
	}

	/** An operation as springdoc might generate it: a path parameter and a 200 answer. */
	private static Operation generated() {
		return new Operation().operationId("payment")
			.addTagsItem("payments")
			.addParametersItem(new PathParameter().name("id").required(true).schema(new StringSchema()))
			.responses(new ApiResponses().addApiResponse("200", new ApiResponse().description("OK")
				.content(new Content().addMediaType("application/json",
						new MediaType().schema(new Schema<>().$ref("#/components/schemas/PaymentResponse"))))));
	}

}
