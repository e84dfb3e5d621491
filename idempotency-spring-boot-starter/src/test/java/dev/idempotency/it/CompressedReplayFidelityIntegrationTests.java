package dev.idempotency.it;

import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.idempotency.testsupport.HttpTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Spec §8 with {@code server.compression.enabled}: Tomcat compresses below the filter, so the stored body
 * is the uncompressed one and the replay is compressed again by Tomcat — never labelled {@code gzip} by
 * the store.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "idempotency.store.type=in-memory", "server.compression.enabled=true",
				"server.compression.mime-types=application/json,text/plain" })
class CompressedReplayFidelityIntegrationTests {

	@LocalServerPort
	int port;

	@Test
	void spec8_answerCompressedByTheContainerIsReplayedAndCompressedAgain() {
		HttpResponse<byte[]> first = fidelity().assertFaithful("/it/fidelity/idempotent/large-json",
				"/it/fidelity/plain/large-json", "Accept-Encoding", "gzip");
		assertThat(first.headers().firstValue("Content-Encoding")).hasValue("gzip");
	}

	@Test
	void spec8_answerCompressedByTheContainerIsReplayedUncompressedToAClientThatDoesNotAcceptGzip() {
		HttpResponse<byte[]> first = fidelity().assertFaithful("/it/fidelity/idempotent/large-json",
				"/it/fidelity/plain/large-json");
		assertThat(first.headers().firstValue("Content-Encoding")).isEmpty();
	}

	@Test
	void spec8_preCompressedBodyIsNotCompressedTwice() {
		HttpResponse<byte[]> first = fidelity().assertFaithful("/it/fidelity/idempotent/gzip", "/it/fidelity/plain/gzip",
				"Accept-Encoding", "gzip");
		assertThat(first.headers().allValues("Content-Encoding")).containsExactly("gzip");
	}

	@Test
	void spec8_textWrittenThroughGetWriterIsReplayedFaithfullyWithCompression() {
		fidelity().assertFaithful("/it/fidelity/idempotent/writer", "/it/fidelity/plain/writer", "Accept-Encoding",
				"gzip");
	}

	private ReplayFidelity fidelity() {
		return new ReplayFidelity(new HttpTestClient(this.port));
	}

}
