package dev.idempotency.fingerprint;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class CanonicalJsonTest {

	@Test
	void spec4_memberOrderDoesNotChangeTheCanonicalForm() {
		assertThat(canonical("{\"b\":2,\"a\":1,\"c\":{\"z\":true,\"y\":false}}"))
			.isEqualTo(canonical("{\"c\":{\"y\":false,\"z\":true},\"a\":1,\"b\":2}"))
			.isEqualTo("{\"a\":1,\"b\":2,\"c\":{\"y\":false,\"z\":true}}");
	}

	@Test
	void spec4_membersAreSortedByUtf16CodeUnits() {
		assertThat(canonical("{\"\\uD83D\\uDE00\":1,\"\\uFFFF\":2,\"b\":3,\"B\":4,\"aa\":5,\"a\":6,\"\":7}"))
			.isEqualTo("{\"\":7,\"B\":4,\"a\":6,\"aa\":5,\"b\":3,\"\uD83D\uDE00\":1,\"\uFFFF\":2}");
	}

	@Test
	void spec4_insignificantWhitespaceIsRemoved() {
		assertThat(canonical(" {\n\t\"a\" :\r\n [ 1 ,\t2 ] ,\n  \"b\" : \"x y\" }\n\t "))
			.isEqualTo("{\"a\":[1,2],\"b\":\"x y\"}");
	}

	@Test
	void spec4_arrayOrderIsSignificant() {
		assertThat(canonical("[1,2,3]")).isNotEqualTo(canonical("[3,2,1]"));
		assertThat(canonical("{\"a\":[{\"y\":1,\"x\":2},[]]}")).isEqualTo("{\"a\":[{\"x\":2,\"y\":1},[]]}");
	}

	@ParameterizedTest
	@ValueSource(strings = { "1", "1.0", "1.00", "1e0", "1E0", "10E-1", "0.1e1", "1.000e+0" })
	void spec4_equalNumbersHaveOneCanonicalForm(String number) {
		assertThat(canonical("{\"amount\":" + number + "}")).isEqualTo("{\"amount\":1}");
	}

	@ParameterizedTest
	@CsvSource({ "10.00, 10.01", "12345678901234567.89, 12345678901234567.88", "0.1, 0.10000000000000001",
			"9007199254740993, 9007199254740992", "1, -1" })
	void spec4_differentNumbersStayDifferent(String left, String right) {
		assertThat(canonical("[" + left + "]")).isNotEqualTo(canonical("[" + right + "]"));
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', value = { "12345678901234567.890 | 12345678901234567.89", "-0.50 | -0.5",
			"100 | 1E+2", "1e400 | 1E+400", "1.5e-7 | 1.5E-7" })
	void spec4_numbersAreWrittenAsStrippedBigDecimals(String input, String expected) {
		assertThat(canonical(input)).isEqualTo(expected);
	}

	@ParameterizedTest
	@ValueSource(strings = { "0", "-0", "0.0", "-0.0", "0e10", "-0E-5" })
	void spec4_everyZeroIsWrittenAsZero(String zero) {
		assertThat(canonical(zero)).isEqualTo("0");
	}

	@Test
	void spec4_hugeExponentIsNotExpanded() {
		assertThat(canonical("1e999999999")).isEqualTo("1E+999999999");
	}

	@Test
	void spec4_unicodeEscapeEqualsTheLiteralCharacter() {
		assertThat(canonical("\"caf\\u00e9\"")).isEqualTo(canonical("\"café\"")).isEqualTo("\"café\"");
		assertThat(bytes("\"\\u00E9\"")).containsExactly('"', 0xC3, 0xA9, '"');
	}

	@Test
	void spec4_escapedSurrogatePairEqualsTheLiteralEmoji() {
		assertThat(canonical("\"\\uD83D\\uDE00\"")).isEqualTo(canonical("\"\uD83D\uDE00\""))
			.isEqualTo("\"\uD83D\uDE00\"");
		assertThat(bytes("\"\\uD83D\\uDE00\"")).containsExactly('"', 0xF0, 0x9F, 0x98, 0x80, '"');
	}

	@Test
	void spec4_controlCharactersUseShortOrLowercaseHexEscapes() {
		assertThat(canonical("\"\\u0008\\u000C\\u000A\\u000D\\u0009\\u0000\\u001F\\u001b\""))
			.isEqualTo("\"\\b\\f\\n\\r\\t\\u0000\\u001f\\u001b\"");
	}

	@Test
	void spec4_quoteAndBackslashAreTheOnlyOtherEscapes() {
		assertThat(canonical("\"\\\"\\\\\\/\\u007f\\u2028<>&'\""))
			.isEqualTo("\"\\\"\\\\/\u007f\u2028<>&'\"");
	}

	@Test
	void spec4_escapedSolidusIsWrittenUnescaped() {
		assertThat(canonical("{\"url\":\"http:\\/\\/example.com\\/a\"}"))
			.isEqualTo(canonical("{\"url\":\"http://example.com/a\"}"))
			.isEqualTo("{\"url\":\"http://example.com/a\"}");
	}

	@Test
	void spec4_literalsAreKeptAsIs() {
		assertThat(canonical("[ true , false , null ]")).isEqualTo("[true,false,null]");
		assertThat(canonical("null")).isEqualTo("null");
	}

	@Test
	void spec4_exampleDocumentHasExactCanonicalForm() {
		String input = """
				{
					"order": { "total": 10.50, "currency": "EUR", "lines": [ { "sku": "A-1", "qty": 2 } ] },
					"customer": "Zoë",
					"note": "line1\\nline2",
					"gift": false,
					"coupon": null
				}
				""";
		assertThat(canonical(input)).isEqualTo("{\"coupon\":null,\"customer\":\"Zoë\",\"gift\":false,"
				+ "\"note\":\"line1\\nline2\",\"order\":{\"currency\":\"EUR\",\"lines\":[{\"qty\":2,\"sku\":\"A-1\"}],"
				+ "\"total\":10.5}}");
	}

	@Test
	void spec4_duplicateMemberNameIsRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> canonical("{\"a\":1,\"b\":2,\"a\":1}"));
		assertThatIllegalArgumentException().isThrownBy(() -> canonical("{\"x\":{\"a\":1,\"a\":2}}"));
		assertThatIllegalArgumentException().isThrownBy(() -> canonical("{\"\\u0061\":1,\"a\":2}"));
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "   ", "{", "{\"a\":1", "[1,]", "{\"a\":1,}", "{a:1}", "{'a':1}", "01", "+1", ".5",
			"1.", "NaN", "\"\\x\"", "\"abc", "{\"a\" 1}", "[1 2]", "{} {}", "1 2", "{}x", "[] ]", "// c\n1", "tru",
			"\"\\uD83D\"", "\"\\uDE00x\"" })
	void spec4_invalidJsonIsRejected(String json) {
		assertThatIllegalArgumentException().isThrownBy(() -> canonical(json));
	}

	@Test
	void spec4_nestingBeyondTheParserLimitIsRejected() {
		String deep = "[".repeat(10_000) + "]".repeat(10_000);
		assertThatIllegalArgumentException().isThrownBy(() -> canonical(deep));
	}

	@Test
	void spec4_canonicalFormIsAFixedPoint() {
		String once = canonical("{ \"b\": [1.0, \"\\u00e9\\t\"], \"a\": {\"d\": 2e3, \"c\": -0} }");
		assertThat(canonical(once)).isEqualTo(once);
	}

	private static String canonical(String json) {
		return new String(bytes(json), StandardCharsets.UTF_8);
	}

	private static byte[] bytes(String json) {
		return CanonicalJson.canonicalize(json.getBytes(StandardCharsets.UTF_8));
	}

}
