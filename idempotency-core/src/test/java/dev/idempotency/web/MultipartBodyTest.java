package dev.idempotency.web;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class MultipartBodyTest {

	static final String TYPE = "multipart/form-data; boundary=";

	static MultipartBody.Parsed parse(String boundary, String body) {
		return MultipartBody.parse(body.getBytes(StandardCharsets.UTF_8), TYPE + boundary, StandardCharsets.UTF_8);
	}

	@Test
	void splitsPartsAndLeavesOutPreambleAndEpilogue() {
		MultipartBody.Parsed parsed = parse("xyz", "preamble\r\n--xyz\r\nContent-Disposition: form-data; name=\"a\"\r\n"
				+ "\r\none\r\n--xyz\r\nContent-Disposition: form-data; name=\"f\"; filename=\"f.txt\"\r\n"
				+ "Content-Type: text/plain\r\n\r\ntwo\r\nlines\r\n--xyz\r\n\r\nno headers\r\n--xyz--\r\nepilogue");
		assertThat(parsed.malformed()).isNull();
		List<MultipartBody.RawPart> parts = parsed.parts();
		assertThat(parts).hasSize(3);
		assertThat(parts.get(0).name()).isEqualTo("a");
		assertThat(parts.get(0).fileName()).isNull();
		assertThat(new String(parts.get(0).content(), StandardCharsets.UTF_8)).isEqualTo("one");
		assertThat(parts.get(1).fileName()).isEqualTo("f.txt");
		assertThat(parts.get(1).header("content-type")).isEqualTo("text/plain");
		assertThat(new String(parts.get(1).content(), StandardCharsets.UTF_8)).isEqualTo("two\r\nlines");
		assertThat(parts.get(2).headers()).isEmpty();
		assertThat(parts.get(2).name()).isNull();
		assertThat(new String(parts.get(2).content(), StandardCharsets.UTF_8)).isEqualTo("no headers");
	}

	@Test
	void readsQuotedParametersAndFoldedHeaders() {
		MultipartBody.Parsed parsed = parse("\"q b\"".replace("\"", ""), "--q b\r\nContent-Disposition: form-data;\r\n"
				+ " name=\"a;b\"; filename=\"c:\\\\d\\\"e\"\r\n\r\nx\r\n--q b--");
		MultipartBody.RawPart part = parsed.parts().get(0);
		assertThat(part.name()).isEqualTo("a;b");
		assertThat(part.fileName()).isEqualTo("c:\\d\"e");
		assertThat(MultipartBody.boundary("multipart/mixed; boundary=\"a b\"; charset=x")).isEqualTo("a b");
		assertThat(MultipartBody.parameters("form-data; NAME=x")).isEqualTo(Map.of("name", "x"));
	}

	@Test
	void malformedBodiesHaveAReason() {
		assertThat(parse("b", "no boundary here").malformed()).isNotNull();
		assertThat(parse("b", "--b\r\n\r\nnever closed").malformed()).isNotNull();
		assertThat(parse("b", "--bjunk\r\n\r\nx\r\n--b--").malformed()).isNotNull();
		assertThat(MultipartBody.parse(new byte[0], "multipart/form-data", StandardCharsets.UTF_8).malformed())
			.isNotNull();
	}

	@Test
	void spec4_fingerprintIgnoresTheBoundaryButCoversEveryPart() {
		String part = "\r\nContent-Type: text/plain\r\n\r\nsigned\r\n";
		byte[] one = fingerprint("one", "--one" + part + "--one--");
		assertThat(fingerprint("two", "other preamble\r\n--two" + part + "--two--\r\nepilogue")).isEqualTo(one);
		assertThat(fingerprint("one", "--one\r\nContent-Type: text/plain\r\n\r\nchanged\r\n--one--"))
			.isNotEqualTo(one);
		assertThat(fingerprint("one", "--one" + part + "--one" + part + "--one--")).isNotEqualTo(one);
		assertThat(MultipartBody.fingerprint("multipart/related; boundary=one", parse("one", "--one" + part + "--one--")
			.parts())).isNotEqualTo(one);
	}

	static byte[] fingerprint(String boundary, String body) {
		return MultipartBody.fingerprint(TYPE + boundary, parse(boundary, body).parts());
	}

}
