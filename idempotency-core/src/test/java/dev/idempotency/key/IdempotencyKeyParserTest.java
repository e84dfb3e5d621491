package dev.idempotency.key;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class IdempotencyKeyParserTest {

	private static final String SECRET = "s3cr3t-k3y";

	private final IdempotencyKeyParser strict = new IdempotencyKeyParser(false, 255);

	private final IdempotencyKeyParser lenient = new IdempotencyKeyParser(true, 255);

	@Test
	void spec2_quotedKeyIsUnquoted() {
		assertThat(this.strict.parse(List.of("\"8e03978e-40d5-43e8-bc93-6894a57f9324\"")))
			.isEqualTo("8e03978e-40d5-43e8-bc93-6894a57f9324");
	}

	@Test
	void spec2_bareKeyIsAcceptedWhenLenient() {
		assertThat(this.lenient.parse(List.of("8e03978e-40d5-43e8"))).isEqualTo("8e03978e-40d5-43e8");
	}

	@Test
	void spec2_quotedKeyIsAcceptedWhenLenient() {
		assertThat(this.lenient.parse(List.of("\"abc\""))).isEqualTo("abc");
	}

	@Test
	void spec2_bareKeyIsRejectedWhenNotLenient() {
		assertThatExceptionOfType(InvalidIdempotencyKeyException.class)
			.isThrownBy(() -> this.strict.parse(List.of("abc")))
			.withMessageContaining("quoted RFC 8941 string");
	}

	@Test
	void spec2_missingHeaderYieldsNull() {
		assertThat(this.strict.parse(List.of())).isNull();
		assertThat(this.lenient.parse(List.of())).isNull();
	}

	@Test
	void spec2_twoHeaderFieldsAreRejected() {
		assertThatExceptionOfType(InvalidIdempotencyKeyException.class)
			.isThrownBy(() -> this.lenient.parse(List.of("\"a\"", "\"a\"")))
			.withMessage("Exactly one Idempotency-Key header field is allowed");
	}

	@ParameterizedTest
	@ValueSource(strings = { "a,b", "a, b", "a,", ",a" })
	void spec2_bareCommaListIsRejected(String value) {
		assertRejected(this.lenient, value);
	}

	@ParameterizedTest
	@ValueSource(strings = { "\"a\", \"b\"", "\"a\",\"b\"", "\"a\"," })
	void spec2_quotedCommaListIsRejected(String value) {
		assertRejected(this.lenient, value);
		assertRejected(this.strict, value);
	}

	@Test
	void spec2_commaInsideQuotedStringIsPartOfTheKey() {
		assertThat(this.strict.parse(List.of("\"a,b\""))).isEqualTo("a,b");
	}

	@ParameterizedTest
	@ValueSource(strings = { "", " ", "\t", " \t  " })
	void spec2_emptyOrWhitespaceOnlyValueIsRejected(String value) {
		assertRejected(this.lenient, value);
		assertRejected(this.strict, value);
	}

	@Test
	void spec2_emptyQuotedStringIsRejected() {
		assertRejected(this.strict, "\"\"");
		assertRejected(this.lenient, "  \"\"  ");
	}

	@Test
	void spec2_keyLongerThanMaxLengthIsRejected() {
		assertThatExceptionOfType(InvalidIdempotencyKeyException.class)
			.isThrownBy(() -> this.strict.parse(List.of("\"" + "a".repeat(256) + "\"")))
			.withMessageContaining("255");
		assertThatExceptionOfType(InvalidIdempotencyKeyException.class)
			.isThrownBy(() -> this.lenient.parse(List.of("a".repeat(256))))
			.withMessageContaining("255");
	}

	@Test
	void spec2_keyOfExactlyMaxLengthIsAccepted() {
		String key = "a".repeat(255);
		assertThat(this.strict.parse(List.of("\"" + key + "\""))).isEqualTo(key);
		assertThat(this.lenient.parse(List.of(key))).isEqualTo(key);
	}

	@Test
	void spec2_maxLengthAppliesAfterUnescaping() {
		IdempotencyKeyParser parser = new IdempotencyKeyParser(false, 3);
		assertThat(parser.parse(List.of("\"a\\\\b\""))).isEqualTo("a\\b");
	}

	@Test
	void spec2_maxLengthMustBePositive() {
		assertThatIllegalArgumentException().isThrownBy(() -> new IdempotencyKeyParser(true, 0));
	}

	@ParameterizedTest
	@ValueSource(strings = { "\"a\u0001b\"", "\"a\tb\"", "\"a\u007Fb\"", "a\u0001b", "a\tb" })
	void spec2_controlCharacterIsRejected(String value) {
		assertRejected(this.lenient, value);
	}

	@ParameterizedTest
	@ValueSource(strings = { "\"caf\u00e9\"", "caf\u00e9", "\"\uD83D\uDE00\"" })
	void spec2_nonAsciiCharacterIsRejected(String value) {
		assertRejected(this.lenient, value);
	}

	@ParameterizedTest
	@ValueSource(strings = { "\"abc", "\"", "\"abc\\\"", "\"abc\\" })
	void spec2_quotedStringWithoutClosingQuoteIsRejected(String value) {
		assertThatExceptionOfType(InvalidIdempotencyKeyException.class)
			.isThrownBy(() -> this.lenient.parse(List.of(value)))
			.withMessageContaining("closing double quote");
	}

	@ParameterizedTest
	@ValueSource(strings = { "\"a\\nb\"", "\"a\\tb\"", "\"a\\'b\"" })
	void spec2_escapeOtherThanQuoteOrBackslashIsRejected(String value) {
		assertRejected(this.lenient, value);
	}

	@ParameterizedTest
	@ValueSource(strings = { "\"abc\"def", "\"abc\" def", "\"abc\";x=1", "\"abc\"\"def\"" })
	void spec2_anythingAfterTheClosingQuoteIsRejected(String value) {
		assertRejected(this.lenient, value);
	}

	@ParameterizedTest
	@ValueSource(strings = { "a\"b", "a\\b", "abc\"" })
	void spec2_bareKeyWithQuoteOrBackslashIsRejected(String value) {
		assertRejected(this.lenient, value);
	}

	@Test
	void spec2_escapedQuoteAndBackslashAreUnescaped() {
		assertThat(this.strict.parse(List.of("\"a\\\"b\\\\c\""))).isEqualTo("a\"b\\c");
		assertThat(this.strict.parse(List.of("\"\\\"\""))).isEqualTo("\"");
	}

	@Test
	void spec2_surroundingWhitespaceIsStripped() {
		assertThat(this.strict.parse(List.of(" \t\"abc\"\t "))).isEqualTo("abc");
		assertThat(this.lenient.parse(List.of("  abc\t"))).isEqualTo("abc");
	}

	@Test
	void spec2_whitespaceInsideQuotedStringIsKept() {
		assertThat(this.strict.parse(List.of("\" a b \""))).isEqualTo(" a b ");
	}

	@ParameterizedTest
	@ValueSource(strings = { SECRET, "\"" + SECRET, "\"" + SECRET + "\";x=1", "\"" + SECRET + "\\n\"",
			"\"" + SECRET + "\u00e9\"", SECRET + "," + SECRET, "\"" + SECRET + "\", \"" + SECRET + "\"" })
	void spec2_exceptionMessageNeverContainsTheKey(String value) {
		assertMessageHidesSecret(this.strict, List.of(value));
	}

	@Test
	void spec2_exceptionMessageNeverContainsTheKeyWhenLenient() {
		assertMessageHidesSecret(new IdempotencyKeyParser(true, 4), List.of(SECRET));
		assertMessageHidesSecret(this.lenient, List.of(SECRET, SECRET));
		assertMessageHidesSecret(this.lenient, List.of(SECRET + "\"x"));
		assertMessageHidesSecret(this.lenient, List.of(SECRET + "\u00e9"));
	}

	private static void assertRejected(IdempotencyKeyParser parser, String value) {
		assertThatExceptionOfType(InvalidIdempotencyKeyException.class).isThrownBy(() -> parser.parse(List.of(value)));
	}

	private static void assertMessageHidesSecret(IdempotencyKeyParser parser, List<String> values) {
		InvalidIdempotencyKeyException ex = catchThrowableOfType(InvalidIdempotencyKeyException.class,
				() -> parser.parse(values));
		assertThat(ex).isNotNull();
		assertThat(ex.getMessage()).isNotBlank().doesNotContain(SECRET).doesNotContain("s3cr3t");
	}

}
