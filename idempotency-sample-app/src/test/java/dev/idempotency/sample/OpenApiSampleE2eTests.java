package dev.idempotency.sample;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.idempotency.testsupport.HttpTestClient;

import static dev.idempotency.testsupport.HttpTestClient.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample's API description ({@code /v3/api-docs}) and Swagger UI over real HTTP, without credentials: the
 * idempotent operations carry what the starter's customizer adds, every other operation is as springdoc
 * generates it.
 */
@SpringBootTest(classes = SampleApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class OpenApiSampleE2eTests {

	/** The operations whose handlers are {@code @Idempotent}. */
	private static final Set<String> IDEMPOTENT = Set.of("POST /payments", "POST /refunds", "POST /transfers",
			"POST /orders/{orderId}/payment");

	/** The sample's other operations, all of them. */
	private static final Set<String> NOT_IDEMPOTENT = Set.of("GET /accounts/{id}", "PUT /accounts/{id}",
			"GET /payments/{id}", "GET /refunds/{id}", "POST /idempotency-tokens");

	private static final List<String> PROBLEM_STATUSES = List.of("400", "409", "422", "503");

	@LocalServerPort
	int port;

	HttpTestClient http;

	@BeforeEach
	void client() {
		this.http = new HttpTestClient(this.port);
	}

	private JsonNode apiDocs() {
		HttpResponse<byte[]> response = this.http.send(this.http.request("/v3/api-docs").GET().build());
		assertThat(response.statusCode()).isEqualTo(200);
		return JsonMapper.builder().build().readTree(text(response));
	}

	/** Every operation of the description, by {@code METHOD /path}. */
	private static Map<String, JsonNode> operations(JsonNode apiDocs) {
		Map<String, JsonNode> operations = new TreeMap<>();
		for (Map.Entry<String, JsonNode> path : apiDocs.get("paths").properties()) {
			for (Map.Entry<String, JsonNode> operation : path.getValue().properties()) {
				operations.put(operation.getKey().toUpperCase() + " " + path.getKey(), operation.getValue());
			}
		}
		return operations;
	}

	private static List<JsonNode> keyHeaders(JsonNode operation) {
		List<JsonNode> headers = new ArrayList<>();
		if (operation.has("parameters")) {
			for (JsonNode parameter : operation.get("parameters")) {
				if ("header".equals(parameter.get("in").asString())
						&& "Idempotency-Key".equalsIgnoreCase(parameter.get("name").asString())) {
					headers.add(parameter);
				}
			}
		}
		return headers;
	}

	@Test
	void apiDocsListEveryOperationOfTheSample() {
		Set<String> all = new java.util.HashSet<>(IDEMPOTENT);
		all.addAll(NOT_IDEMPOTENT);
		assertThat(operations(apiDocs()).keySet()).containsExactlyInAnyOrderElementsOf(all);
	}

	@Test
	void headerKeyedOperationsHaveTheRequiredKeyHeaderAndTheProblemAnswers() {
		Map<String, JsonNode> operations = operations(apiDocs());
		for (String name : List.of("POST /payments", "POST /refunds", "POST /transfers")) {
			JsonNode operation = operations.get(name);
			assertThat(keyHeaders(operation)).as(name).singleElement().satisfies((header) -> {
				assertThat(header.get("required").asBoolean()).isTrue();
				assertThat(header.get("schema").get("type").asString()).isEqualTo("string");
				assertThat(header.get("schema").get("maxLength").asInt()).isEqualTo(255);
			});
			assertProblemAnswers(name, operation);
			assertThat(operation.get("x-idempotency").get("required").asBoolean()).isTrue();
			assertThat(operation.get("description").asString()).contains("kept for replay for 24 hours (`PT24H`)")
				.contains("`Idempotent-Replayed: true`");
		}
		assertThat(operations.get("POST /payments").get("x-idempotency").get("keySource").asString()).isEqualTo("header");
		assertThat(operations.get("POST /transfers").get("x-idempotency").get("keySource").asString()).isEqualTo("token");
		assertThat(keyHeaders(operations.get("POST /transfers")).get(0).get("description").asString())
			.contains("POST /idempotency-tokens");
		assertThat(operations.get("POST /transfers").get("responses").get("400").get("description").asString())
			.contains("https://idempotency.dev/problems/invalid-token");
	}

	@Test
	void orderPaymentIsDescribedByItsBusinessKeyWithoutAKeyHeader() {
		JsonNode operation = operations(apiDocs()).get("POST /orders/{orderId}/payment");
		assertThat(keyHeaders(operation)).isEmpty();
		assertThat(operation.get("description").asString()).contains("by the path variable `orderId`");
		assertProblemAnswers("POST /orders/{orderId}/payment", operation);
		JsonNode facts = operation.get("x-idempotency");
		assertThat(facts.get("keySource").asString()).isEqualTo("business-key");
		assertThat(facts.get("businessKey").get("in").asString()).isEqualTo("path");
		assertThat(facts.get("businessKey").get("name").asString()).isEqualTo("orderId");
	}

	@Test
	void operationsWithoutIdempotentAreLeftAsSpringdocGeneratesThem() {
		Map<String, JsonNode> operations = operations(apiDocs());
		for (String name : NOT_IDEMPOTENT) {
			JsonNode operation = operations.get(name);
			assertThat(operation).as(name).isNotNull();
			assertThat(keyHeaders(operation)).as(name).isEmpty();
			assertThat(operation.has("x-idempotency")).as(name).isFalse();
			assertThat(operation.has("description")).as(name).isFalse();
			assertThat(operation.get("responses").propertyNames()).as(name).doesNotContainAnyElementsOf(PROBLEM_STATUSES)
				.doesNotContain("413");
			assertThat(operation.toString()).as(name).doesNotContain("IdempotencyProblem").doesNotContain("idempotency.dev");
		}
	}

	@Test
	void problemSchemaIsAComponent() {
		JsonNode schema = apiDocs().get("components").get("schemas").get("IdempotencyProblem");
		assertThat(schema.get("type").asString()).isEqualTo("object");
		assertThat(schema.get("properties").propertyNames()).containsExactlyInAnyOrder("type", "title", "status",
				"detail", "instance");
	}

	@Test
	void swaggerUiIsServedWithoutCredentials() {
		HttpResponse<byte[]> index = this.http.send(this.http.request("/swagger-ui/index.html").GET().build());
		assertThat(index.statusCode()).isEqualTo(200);
		assertThat(text(index)).contains("swagger-ui");
		HttpResponse<byte[]> entry = this.http.send(this.http.request("/swagger-ui.html").GET().build());
		assertThat(entry.statusCode()).isEqualTo(302);
		assertThat(entry.headers().firstValue("Location")).hasValueSatisfying(
				(location) -> assertThat(location).endsWith("/swagger-ui/index.html"));
	}

	@Test
	void theApiItselfStillNeedsCredentials() {
		HttpResponse<byte[]> account = this.http.send(this.http.request("/accounts/acc-1").GET().build());
		assertThat(account.statusCode()).isEqualTo(401);
		HttpResponse<byte[]> payment = this.http.post("/payments", "{\"accountId\":\"acc-1\",\"amount\":\"1.00\"}");
		assertThat(payment.statusCode()).isEqualTo(401);
	}

	private static void assertProblemAnswers(String name, JsonNode operation) {
		JsonNode responses = operation.get("responses");
		for (String status : PROBLEM_STATUSES) {
			JsonNode response = responses.get(status);
			assertThat(response).as(name + " " + status).isNotNull();
			assertThat(response.get("content").get("application/problem+json").get("schema").get("$ref").asString())
				.isEqualTo("#/components/schemas/IdempotencyProblem");
		}
		assertThat(responses.get("400").get("description").asString()).contains("https://idempotency.dev/problems/invalid-key");
		assertThat(responses.get("409").get("description").asString()).contains("https://idempotency.dev/problems/in-progress");
		assertThat(responses.get("409").get("headers").has("Retry-After")).isTrue();
		assertThat(responses.get("422").get("description").asString()).contains("https://idempotency.dev/problems/key-reused");
		assertThat(responses.get("503").get("description").asString())
			.contains("https://idempotency.dev/problems/store-unavailable");
		assertThat(responses.get("503").get("headers").has("Retry-After")).isTrue();
	}

}
