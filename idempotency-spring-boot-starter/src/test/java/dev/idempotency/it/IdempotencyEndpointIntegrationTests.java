package dev.idempotency.it;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.idempotency.key.RecordIds;
import dev.idempotency.store.IdempotencyStore;
import dev.idempotency.store.InProgressRecord;
import dev.idempotency.testsupport.HttpTestClient;

import static dev.idempotency.testsupport.HttpTestClient.basic;
import static dev.idempotency.testsupport.HttpTestClient.text;
import static org.assertj.core.api.Assertions.assertThat;

/** The opt-in {@code idempotency} actuator endpoint, secured like the other actuator endpoints. */
@SpringBootTest(classes = TestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "idempotency.store.type=in-memory", "management.endpoint.idempotency.access=unrestricted",
				"management.endpoints.web.exposure.include=idempotency" })
class IdempotencyEndpointIntegrationTests {

	@LocalServerPort
	int port;

	@Autowired
	IdempotencyStore store;

	@Autowired
	TestApplication.Executions executions;

	@Test
	void operatorUnblocksAKeyStuckInProgressAfterACrash() {
		HttpTestClient http = new HttpTestClient(this.port);
		String key = UUID.randomUUID().toString();
		String recordId = RecordIds.recordId("principal:alice", "POST", "/it/payments", key);
		this.store.claim(recordId, new InProgressRecord("v1:crashed", Instant.now()), "owner-of-a-dead-instance",
				Duration.ofMinutes(5));
		assertThat(http.postWithKey("/it/payments", key, "{}", "Authorization", basic("alice")).statusCode()).isEqualTo(409);

		String query = "?scope=" + encode("principal:alice") + "&method=POST&route=" + encode("/it/payments") + "&key="
				+ encode(key);
		HttpResponse<byte[]> anonymous = http.send(http.request("/actuator/idempotency" + query).GET().build());
		assertThat(anonymous.statusCode()).isEqualTo(401);
		HttpResponse<byte[]> lookup = http
			.send(http.request("/actuator/idempotency" + query, "Authorization", basic("alice")).GET().build());
		assertThat(lookup.statusCode()).isEqualTo(200);
		assertThat(text(lookup)).contains("\"recordId\":\"" + recordId + "\"")
			.contains("\"state\":\"IN_PROGRESS\"")
			.doesNotContain(key);
		HttpResponse<byte[]> deleted = http
			.send(http.request("/actuator/idempotency" + query, "Authorization", basic("alice")).DELETE().build());
		assertThat(deleted.statusCode()).isEqualTo(200);
		assertThat(text(deleted)).contains("\"state\":\"IN_PROGRESS\"");

		HttpResponse<byte[]> retry = http.postWithKey("/it/payments", key, "{}", "Authorization", basic("alice"));
		assertThat(retry.statusCode()).isEqualTo(201);
		assertThat(this.executions.count("payments", key)).isEqualTo(1);
		HttpResponse<byte[]> completed = http
			.send(http.request("/actuator/idempotency/" + recordId, "Authorization", basic("alice")).GET().build());
		assertThat(text(completed)).contains("\"state\":\"COMPLETED\"").contains("\"status\":201").contains("\"bodyBytes\":");
	}

	@Test
	void operatorFindsRecordsOfBusinessKeysAndTokensBySource() {
		HttpTestClient http = new HttpTestClient(this.port);
		String order = UUID.randomUUID().toString();
		assertThat(http.post("/it/orders/" + order + "/payment", "{\"amount\":\"1\"}").statusCode()).isEqualTo(201);
		String businessId = RecordIds.businessKeyRecordId("anonymous", "POST", "/it/orders/{orderId}/payment",
				"path variable:orderId", order);
		String token = UUID.randomUUID().toString();
		String tokenId = RecordIds.tokenRecordId("principal:alice", token);
		this.store.issueToken(tokenId, Duration.ofMinutes(5));
		this.store.claimToken(tokenId, new InProgressRecord("v1:crashed", Instant.now()), "dead-owner",
				Duration.ofMinutes(5));

		HttpResponse<byte[]> business = http.send(http.request("/actuator/idempotency?scope=anonymous&method=post&route="
				+ encode("/it/orders/{orderId}/payment") + "&key=" + encode(order) + "&source=path-variable:orderId",
				"Authorization", basic("alice")).GET().build());
		HttpResponse<byte[]> byToken = http.send(http.request("/actuator/idempotency?scope=" + encode("principal:alice")
				+ "&key=" + encode(token) + "&source=token", "Authorization", basic("alice")).DELETE().build());
		HttpResponse<byte[]> unknownSource = http.send(http.request("/actuator/idempotency?scope=anonymous&method=POST"
				+ "&route=/x&key=k&source=cookie:x", "Authorization", basic("alice")).GET().build());
		HttpResponse<byte[]> noRoute = http.send(http.request("/actuator/idempotency?scope=anonymous&method=POST&key=k",
				"Authorization", basic("alice")).GET().build());

		assertThat(text(business)).contains("\"recordId\":\"" + businessId + "\"").contains("\"state\":\"COMPLETED\"");
		assertThat(text(byToken)).contains("\"recordId\":\"" + tokenId + "\"").contains("\"state\":\"IN_PROGRESS\"");
		assertThat(this.store.find(tokenId)).isNull();
		assertThat(unknownSource.statusCode()).isEqualTo(400);
		assertThat(noRoute.statusCode()).isEqualTo(400);
	}

	@Test
	void unreadableRecordCanStillBeDeleted() {
		HttpTestClient http = new HttpTestClient(this.port);
		IdempotencyStore unreadable = new dev.idempotency.store.InMemoryIdempotencyStore() {

			@Override
			public dev.idempotency.store.IdempotencyRecord find(String recordId) {
				throw new IllegalArgumentException("Not an idempotency record: no header line");
			}

		};
		dev.idempotency.autoconfigure.actuate.IdempotencyEndpoint endpoint = new dev.idempotency.autoconfigure.actuate.IdempotencyEndpoint(
				unreadable);
		assertThat(endpoint.recordById("r").state()).isEqualTo("UNREADABLE");
		assertThat(endpoint.deleteById("r").state()).isEqualTo("UNREADABLE");
		assertThat(http.send(http.request("/actuator/idempotency/x", "Authorization", basic("alice")).DELETE().build())
			.statusCode()).isEqualTo(200);
	}

	@Test
	void unknownRecordIsAbsent() {
		HttpTestClient http = new HttpTestClient(this.port);
		HttpResponse<byte[]> lookup = http
			.send(http.request("/actuator/idempotency/no-such-record", "Authorization", basic("bob")).GET().build());
		assertThat(lookup.statusCode()).isEqualTo(200);
		assertThat(text(lookup)).contains("\"state\":\"ABSENT\"");
	}

	private static String encode(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8);
	}

}
