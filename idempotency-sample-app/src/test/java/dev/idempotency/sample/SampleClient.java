package dev.idempotency.sample;

import java.math.BigDecimal;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.jspecify.annotations.Nullable;

import dev.idempotency.testsupport.HttpTestClient;

import static dev.idempotency.testsupport.HttpTestClient.basic;
import static dev.idempotency.testsupport.HttpTestClient.text;
import static org.assertj.core.api.Assertions.assertThat;

/** The sample's API as a client calls it, over real HTTP. */
final class SampleClient {

	private final HttpTestClient http;

	SampleClient(int port) {
		this.http = new HttpTestClient(port);
	}

	HttpResponse<byte[]> putAccount(String user, String id, String balance) {
		return this.http.send(this.http
			.request("/accounts/" + id, "Authorization", basic(user), "Content-Type", "application/json")
			.PUT(HttpRequest.BodyPublishers.ofString("{\"balance\":\"" + balance + "\"}"))
			.build());
	}

	HttpResponse<byte[]> getAccount(String user, String id) {
		return this.http.send(this.http.request("/accounts/" + id, "Authorization", basic(user)).GET().build());
	}

	BigDecimal balance(String id) {
		HttpResponse<byte[]> response = getAccount("alice", id);
		assertThat(response.statusCode()).isEqualTo(200);
		return new BigDecimal(text(response).replaceAll(".*\"balance\":\"([0-9.]+)\".*", "$1"));
	}

	HttpResponse<byte[]> pay(String user, String key, String accountId, String amount) {
		return move("/payments", user, key, accountId, amount);
	}

	HttpResponse<byte[]> refund(String user, String key, String accountId, String amount) {
		return move("/refunds", user, key, accountId, amount);
	}

	HttpResponse<byte[]> move(String path, String user, @Nullable String key, String accountId, String amount) {
		String body = "{\"accountId\":\"" + accountId + "\",\"amount\":\"" + amount + "\"}";
		return (key != null) ? this.http.postWithKey(path, key, body, "Authorization", basic(user))
				: this.http.post(path, body, "Authorization", basic(user));
	}

	HttpResponse<byte[]> payOrder(String user, String orderId, String accountId, String amount) {
		return move("/orders/" + orderId + "/payment", user, null, accountId, amount);
	}

	HttpResponse<byte[]> transfer(String user, String token, String accountId, String amount) {
		return move("/transfers", user, token, accountId, amount);
	}

	HttpResponse<byte[]> issueToken(String user) {
		return this.http.send(this.http.request("/idempotency-tokens", "Authorization", basic(user))
			.POST(HttpRequest.BodyPublishers.noBody())
			.build());
	}

	/** A token from {@code POST /idempotency-tokens}, asserting the endpoint's contract on the way. */
	String token(String user) {
		HttpResponse<byte[]> issued = issueToken(user);
		assertThat(issued.statusCode()).as(text(issued)).isEqualTo(201);
		assertThat(text(issued)).matches("\\{\"token\":\"[A-Za-z0-9_-]+\",\"expiresAt\":\"[0-9T:.Z-]+\"\\}");
		return text(issued).replaceAll(".*\"token\":\"([A-Za-z0-9_-]+)\".*", "$1");
	}

	HttpTestClient http() {
		return this.http;
	}

	static boolean replayed(HttpResponse<?> response) {
		return "true".equals(response.headers().firstValue("Idempotent-Replayed").orElse(null));
	}

}
