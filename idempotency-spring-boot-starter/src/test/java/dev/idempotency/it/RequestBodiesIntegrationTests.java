package dev.idempotency.it;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;

import dev.idempotency.testsupport.HttpTestClient;

import static dev.idempotency.testsupport.HttpTestClient.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Form and multipart bodies over real HTTP (spec §4 and §11): the handler behind the filter sees what it sees
 * without it, and the fingerprint covers the whole body. Each comparison runs the same request against the same
 * application started with {@code idempotency.enabled=false}.
 */
class RequestBodiesIntegrationTests {

	static final String FORM = "application/x-www-form-urlencoded";

	static final String[] MULTIPART_LIMITS = { "idempotency.store.type=in-memory", "idempotency.max-request-body=64KB",
			"spring.servlet.multipart.max-file-size=1KB", "spring.servlet.multipart.strict-servlet-compliance=true" };

	static final String[] MULTIPART_DISABLED = { "idempotency.store.type=in-memory",
			"spring.servlet.multipart.enabled=false" };

	static String newKey() {
		return UUID.randomUUID().toString();
	}

	static HttpResponse<byte[]> post(HttpTestClient http, String path, String key, String contentType, byte[] body) {
		return http.send(http.request(path, "Idempotency-Key", key, "Content-Type", contentType)
			.POST(HttpRequest.BodyPublishers.ofByteArray(body))
			.build());
	}

	static HttpResponse<byte[]> form(HttpTestClient http, String path, String key, String body) {
		return post(http, path, key, FORM, body.getBytes(StandardCharsets.UTF_8));
	}

	/** A multipart body; each part is its header lines and content, e.g. {@code "Content-ID: <a>", "text"}. */
	static byte[] multipart(String boundary, String[]... parts) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		out.writeBytes(("preamble " + UUID.randomUUID() + "\r\n").getBytes(StandardCharsets.UTF_8));
		for (String[] part : parts) {
			StringBuilder text = new StringBuilder("--").append(boundary).append("\r\n");
			for (int i = 0; i < part.length - 1; i++) {
				text.append(part[i]).append("\r\n");
			}
			text.append("\r\n").append(part[part.length - 1]).append("\r\n");
			out.writeBytes(text.toString().getBytes(StandardCharsets.UTF_8));
		}
		out.writeBytes(("--" + boundary + "--\r\nepilogue " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8));
		return out.toByteArray();
	}

	static String[] field(String name, String value) {
		return new String[] { "Content-Disposition: form-data; name=\"" + name + "\"", value };
	}

	static String[] file(String name, String fileName, String content) {
		return new String[] { "Content-Disposition: form-data; name=\"" + name + "\"; filename=\"" + fileName + "\"",
				"Content-Type: application/octet-stream", content };
	}

	static String formData(String boundary) {
		return "multipart/form-data; boundary=" + boundary;
	}

	static int port(ConfigurableApplicationContext context) {
		return context.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
	}

	static ConfigurableApplicationContext startWithoutIdempotency(String... properties) {
		String[] all = Arrays.copyOf(properties, properties.length + 2);
		all[properties.length] = "idempotency.enabled=false";
		all[properties.length + 1] = "server.port=0";
		return new SpringApplicationBuilder(TestApplication.class).properties(all).run();
	}

	@Nested
	@TestInstance(TestInstance.Lifecycle.PER_CLASS)
	@SpringBootTest(classes = TestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
			properties = { "idempotency.store.type=in-memory", "idempotency.max-request-body=64KB",
					"spring.servlet.multipart.max-file-size=1KB",
					"spring.servlet.multipart.strict-servlet-compliance=true" })
	class WithMultipartLimits {

		@LocalServerPort
		int port;

		@Autowired
		TestApplication.Executions executions;

		ConfigurableApplicationContext plainApplication;

		HttpTestClient http;

		HttpTestClient plain;

		@BeforeAll
		void startPlainApplication() {
			this.plainApplication = startWithoutIdempotency(MULTIPART_LIMITS);
		}

		@AfterAll
		void stopPlainApplication() {
			this.plainApplication.close();
		}

		@BeforeEach
		void clients() {
			this.http = new HttpTestClient(this.port);
			this.plain = new HttpTestClient(port(this.plainApplication));
		}

		@Test
		void issue11_item7_handlerReadsTheRawBodyOfAFormPost() {
			HttpResponse<byte[]> response = form(this.http, "/it/bodies/raw", newKey(), "b=2&a=1");
			assertThat(response.statusCode()).isEqualTo(200);
			assertThat(text(response)).contains("\"body\":\"b=2&a=1\"");
		}

		@Test
		void issue11_item7_requestBodyMultiValueMapOnAFormPostWithAndWithoutAQueryString() {
			for (String path : new String[] { "/it/bodies/form-map?x=1", "/it/bodies/form-map" }) {
				HttpResponse<byte[]> filtered = form(this.http, path, newKey(), "a=1&a=2&b=%C3%A9");
				HttpResponse<byte[]> unfiltered = form(this.plain, path, newKey(), "a=1&a=2&b=%C3%A9");
				assertThat(filtered.statusCode()).as(path).isEqualTo(200);
				assertThat(text(filtered)).as(path).isEqualTo(text(unfiltered));
			}
		}

		@Test
		void issue11_item7_requestParamOnAFormPostWithAndWithoutAQueryString() {
			for (String path : new String[] { "/it/bodies/form-params?a=0", "/it/bodies/form-params" }) {
				HttpResponse<byte[]> filtered = form(this.http, path, newKey(), "a=1&b=2&a=3");
				HttpResponse<byte[]> unfiltered = form(this.plain, path, newKey(), "a=1&b=2&a=3");
				assertThat(filtered.statusCode()).as(path).isEqualTo(200);
				assertThat(text(filtered)).as(path).isEqualTo(text(unfiltered));
			}
		}

		@Test
		void issue11_item7_malformedFormGetsWhatTheApplicationAnswersWithoutTheFilter() {
			HttpResponse<byte[]> filtered = form(this.http, "/it/bodies/form-params", newKey(), "a=1&=2&b=%G0");
			HttpResponse<byte[]> unfiltered = form(this.plain, "/it/bodies/form-params", newKey(), "a=1&=2&b=%G0");
			assertThat(filtered.statusCode()).isEqualTo(unfiltered.statusCode());
		}

		@Test
		void issue11_item7_sameFormInAnotherParameterOrderReplays() {
			String key = newKey();
			HttpResponse<byte[]> first = form(this.http, "/it/bodies/form-params", key, "a=1&b=2&a=3");
			HttpResponse<byte[]> retry = form(this.http, "/it/bodies/form-params", key, "b=2&a=1&a=3");
			assertThat(first.statusCode()).isEqualTo(200);
			assertThat(retry.statusCode()).isEqualTo(200);
			assertThat(retry.headers().firstValue("Idempotent-Replayed")).hasValue("true");
			assertThat(retry.body()).isEqualTo(first.body());
			assertThat(this.executions.count("form-params", key)).isEqualTo(1);
		}

		@Test
		void issue11_item7_anotherFormWithTheSameKeyIs422() {
			String key = newKey();
			form(this.http, "/it/bodies/form-params", key, "a=1&b=2");
			assertThat(form(this.http, "/it/bodies/form-params", key, "a=1&b=3").statusCode()).isEqualTo(422);
			assertThat(form(this.http, "/it/bodies/form-params", key, "a=3&b=2&a=1").statusCode()).isEqualTo(422);
			assertThat(this.executions.count("form-params", key)).isEqualTo(1);
		}

		@Test
		void issue11_item8_multipartRelatedWithAnotherBodyAndTheSameKeyIs422() {
			String key = newKey();
			String type = "multipart/related; type=\"application/json\"; boundary=rel";
			byte[] first = multipart("rel", new String[] { "Content-ID: <a>", "Content-Type: application/json", "{}" },
					new String[] { "Content-ID: <b>", "one" });
			byte[] other = multipart("rel", new String[] { "Content-ID: <a>", "Content-Type: application/json", "{}" },
					new String[] { "Content-ID: <b>", "two" });
			assertThat(post(this.http, "/it/bodies/bytes", key, type, first).statusCode()).isEqualTo(200);
			assertThat(post(this.http, "/it/bodies/bytes", key, type, other).statusCode()).isEqualTo(422);
			assertThat(this.executions.count("bytes", key)).isEqualTo(1);
		}

		@Test
		void issue11_item8_strictServletComplianceHandlerReadsTheWholeMultipartRelatedBody() {
			byte[] body = multipart("rel", new String[] { "Content-ID: <a>", "first part" },
					new String[] { "Content-ID: <b>", "second part" });
			HttpResponse<byte[]> response = post(this.http, "/it/bodies/bytes", newKey(),
					"multipart/related; boundary=rel", body);
			assertThat(response.statusCode()).isEqualTo(200);
			assertThat(text(response)).contains("\"length\":" + body.length)
				.contains(RequestBodiesController.sha256(body));
		}

		@Test
		void issue11_item8_aPartWithoutANameEntersTheFingerprint() {
			String key = newKey();
			String[] nameless = { "Content-Type: text/plain", "signature one" };
			String[] otherNameless = { "Content-Type: text/plain", "signature two" };
			byte[] first = multipart("b1", file("file", "a.txt", "content"), nameless);
			assertThat(post(this.http, "/it/bodies/upload", key, formData("b1"), first).statusCode()).isEqualTo(200);
			byte[] other = multipart("b1", file("file", "a.txt", "content"), otherNameless);
			assertThat(post(this.http, "/it/bodies/upload", key, formData("b1"), other).statusCode()).isEqualTo(422);
			byte[] without = multipart("b1", file("file", "a.txt", "content"));
			assertThat(post(this.http, "/it/bodies/upload", key, formData("b1"), without).statusCode()).isEqualTo(422);
			assertThat(this.executions.count("upload", key)).isEqualTo(1);
		}

		@Test
		void issue11_item8_uploadReplaysTheSameBytesAndARetryWithAnotherBoundaryReplays() {
			String key = newKey();
			byte[] first = multipart("first-boundary", file("file", "a.txt", "file content"), field("note", "hello"));
			byte[] retry = multipart("another-boundary", file("file", "a.txt", "file content"), field("note", "hello"));
			HttpResponse<byte[]> answer = post(this.http, "/it/bodies/upload", key, formData("first-boundary"), first);
			HttpResponse<byte[]> unfiltered = post(this.plain, "/it/bodies/upload", key, formData("first-boundary"),
					first);
			HttpResponse<byte[]> replay = post(this.http, "/it/bodies/upload", key, formData("another-boundary"),
					retry);
			assertThat(answer.statusCode()).isEqualTo(200);
			assertThat(text(answer)).isEqualTo(text(unfiltered))
				.contains(RequestBodiesController.sha256("file content".getBytes(StandardCharsets.UTF_8)))
				.contains("\"note\":\"hello\"");
			assertThat(replay.statusCode()).isEqualTo(200);
			assertThat(replay.headers().firstValue("Idempotent-Replayed")).hasValue("true");
			assertThat(replay.body()).isEqualTo(answer.body());
			assertThat(this.executions.count("upload", key)).isEqualTo(1);
		}

		@Test
		void issue11_item8_getPartsServesTheFormDataPartsAsTheContainerDoes() {
			byte[] body = multipart("b2", field("first", "one"), file("second", "b.txt", "two"),
					new String[] { "Content-Type: text/plain", "nameless" });
			HttpResponse<byte[]> filtered = post(this.http, "/it/bodies/parts", newKey(), formData("b2"), body);
			HttpResponse<byte[]> unfiltered = post(this.plain, "/it/bodies/parts", newKey(), formData("b2"), body);
			assertThat(filtered.statusCode()).isEqualTo(200);
			assertThat(text(filtered)).isEqualTo(text(unfiltered));
		}

		@Test
		void issue11_item8_fileAboveMaxFileSizeGetsWhatTheApplicationAnswersWithoutTheFilter() {
			byte[] body = multipart("b3", file("file", "big.bin", "x".repeat(2048)));
			HttpResponse<byte[]> filtered = post(this.http, "/it/bodies/upload", newKey(), formData("b3"), body);
			HttpResponse<byte[]> unfiltered = post(this.plain, "/it/bodies/upload", newKey(), formData("b3"), body);
			assertThat(unfiltered.statusCode()).isNotEqualTo(200);
			assertThat(filtered.statusCode()).isEqualTo(unfiltered.statusCode());
			assertThat(text(filtered)).doesNotContain("idempotency.dev/problems");
		}

	}

	@Nested
	@TestInstance(TestInstance.Lifecycle.PER_CLASS)
	@SpringBootTest(classes = TestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
			properties = { "idempotency.store.type=in-memory", "spring.servlet.multipart.enabled=false" })
	class WithMultipartDisabled {

		@LocalServerPort
		int port;

		ConfigurableApplicationContext plainApplication;

		HttpTestClient http;

		HttpTestClient plain;

		@BeforeAll
		void startPlainApplication() {
			this.plainApplication = startWithoutIdempotency(MULTIPART_DISABLED);
		}

		@AfterAll
		void stopPlainApplication() {
			this.plainApplication.close();
		}

		@BeforeEach
		void clients() {
			this.http = new HttpTestClient(this.port);
			this.plain = new HttpTestClient(port(this.plainApplication));
		}

		@Test
		void issue11_item8_multipartDisabledRequestParamGetsWhatTheApplicationAnswersWithoutTheFilter() {
			byte[] body = multipart("b4", field("note", "hello"));
			HttpResponse<byte[]> filtered = post(this.http, "/it/bodies/note", newKey(), formData("b4"), body);
			HttpResponse<byte[]> unfiltered = post(this.plain, "/it/bodies/note", newKey(), formData("b4"), body);
			assertThat(filtered.statusCode()).isEqualTo(unfiltered.statusCode());
			assertThat(text(filtered)).isEqualTo(text(unfiltered));
		}

		@Test
		void issue11_item8_multipartDisabledGetPartsGetsWhatTheApplicationAnswersWithoutTheFilter() {
			byte[] body = multipart("b5", file("file", "a.txt", "content"));
			for (String path : new String[] { "/it/bodies/upload", "/it/bodies/parts" }) {
				HttpResponse<byte[]> filtered = post(this.http, path, newKey(), formData("b5"), body);
				HttpResponse<byte[]> unfiltered = post(this.plain, path, newKey(), formData("b5"), body);
				assertThat(filtered.statusCode()).as(path).isEqualTo(unfiltered.statusCode());
			}
		}

	}

}
