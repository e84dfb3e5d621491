package dev.idempotency.settlement;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import dev.idempotency.testsupport.HttpTestClient;

/** Sends the requests of this package's tests. */
final class SettlementClient {

	private final HttpTestClient http;

	SettlementClient(int port) {
		this.http = new HttpTestClient(port);
	}

	HttpResponse<byte[]> post(String path, String key, String... headers) {
		return postBody(path, key, "application/json", "{}", headers);
	}

	HttpResponse<byte[]> postBody(String path, String key, String contentType, String body, String... headers) {
		HttpRequest.Builder request = this.http.request(path, headers)
			.header("Idempotency-Key", key)
			.header("Content-Type", contentType)
			.POST(HttpRequest.BodyPublishers.ofString(body));
		return this.http.send(request.build());
	}

	static boolean replayed(HttpResponse<?> response) {
		return response.headers().firstValue("Idempotent-Replayed").isPresent();
	}

}
