package dev.idempotency.web;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class FormBodyTest {

	static List<Map.Entry<String, String>> parse(String body) throws FormBody.MalformedException {
		return FormBody.parse(body.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
	}

	@Test
	void parsesPairsInOrderAndDecodesPlusAndEscapes() throws Exception {
		assertThat(parse("b=2&a=x+y&a=%C3%A9&&c")).containsExactly(Map.entry("b", "2"), Map.entry("a", "x y"),
				Map.entry("a", "é"), Map.entry("c", ""));
	}

	@Test
	void decodesInTheGivenCharset() throws Exception {
		assertThat(FormBody.parse("a=%E9".getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.ISO_8859_1))
			.containsExactly(Map.entry("a", "é"));
	}

	@Test
	void malformedFormsAreRejectedAsTomcat11RejectsThem() {
		for (String body : new String[] { "=x", "a=%G1", "a=%4", "a=%C3" }) {
			assertThatExceptionOfType(FormBody.MalformedException.class).as(body).isThrownBy(() -> parse(body));
		}
	}

	@Test
	void spec4_canonicalFormIgnoresParameterOrderButNotValueOrder() throws Exception {
		byte[] canonical = FormBody.canonical(parse("a=1&b=2&a=3"));
		assertThat(FormBody.canonical(parse("b=2&a=1&a=3"))).isEqualTo(canonical);
		assertThat(FormBody.canonical(parse("a=3&b=2&a=1"))).isNotEqualTo(canonical);
		assertThat(FormBody.canonical(parse("a=1&b=2"))).isNotEqualTo(canonical);
	}

}
