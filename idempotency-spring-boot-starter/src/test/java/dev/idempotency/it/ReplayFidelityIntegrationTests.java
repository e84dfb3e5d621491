package dev.idempotency.it;

import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.idempotency.testsupport.HttpTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Spec §8: a first answer is what the handler gives without the filter, and its replay carries the same
 * status, headers and bytes.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "idempotency.store.type=in-memory")
class ReplayFidelityIntegrationTests {

	@LocalServerPort
	int port;

	@Test
	void spec8_contentEncodingOfAPreCompressedBodyIsReplayed() {
		HttpResponse<byte[]> first = fidelity().assertFaithful("/it/fidelity/idempotent/gzip", "/it/fidelity/plain/gzip");
		assertThat(first.headers().firstValue("Content-Encoding")).hasValue("gzip");
	}

	@Test
	void spec8_contentLanguageSetThroughSetLocaleIsReplayed() {
		HttpResponse<byte[]> first = fidelity().assertFaithful("/it/fidelity/idempotent/locale",
				"/it/fidelity/plain/locale");
		assertThat(first.headers().firstValue("Content-Language")).isPresent();
	}

	@Test
	void spec8_charsetTheContainerAddsForGetWriterIsInTheFirstAnswerAndTheReplay() {
		HttpResponse<byte[]> first = fidelity().assertFaithful("/it/fidelity/idempotent/writer",
				"/it/fidelity/plain/writer");
		assertThat(first.headers().firstValue("Content-Type")).hasValueSatisfying((type) -> assertThat(type).contains("charset="));
	}

	@Test
	void spec8_charsetGivenAfterGetWriterIsIgnoredAsWithoutTheFilter() {
		fidelity().assertFaithful("/it/fidelity/idempotent/writer-then-charset", "/it/fidelity/plain/writer-then-charset");
	}

	@Test
	void spec8_localeSetAfterAContentLanguageHeaderWinsAsWithoutTheFilter() {
		HttpResponse<byte[]> first = fidelity().assertFaithful("/it/fidelity/idempotent/header-then-locale",
				"/it/fidelity/plain/header-then-locale");
		assertThat(first.headers().allValues("Content-Language")).hasSize(1);
	}

	@Test
	void spec8_jsonAnswerIsReplayedFaithfully() {
		fidelity().assertFaithful("/it/fidelity/idempotent/large-json", "/it/fidelity/plain/large-json");
	}

	private ReplayFidelity fidelity() {
		return new ReplayFidelity(new HttpTestClient(this.port));
	}

}
