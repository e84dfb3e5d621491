package dev.idempotency.store;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class RecordCodecTest {

	private static final Instant CREATED = Instant.ofEpochMilli(1732384000000L);

	private static final Instant COMPLETED = Instant.ofEpochMilli(1732384000120L);

	@Test
	void spec12_inProgressRecordRoundTrips() {
		InProgressRecord record = new InProgressRecord("v1:Zm9vYmFy", CREATED);

		assertThat(RecordCodec.decode(RecordCodec.encode(record))).isEqualTo(record);
	}

	@Test
	void spec12_completedRecordWithBinaryBodyAndUnicodeHeadersRoundTrips() {
		byte[] body = { 0, '\n', 1, '\r', '\n', 0, (byte) 0xFF, (byte) 0xC3, '\n', 0, '{', '}', '\n' };
		CompletedRecord record = new CompletedRecord("v1:fp", CREATED, COMPLETED, 201,
				List.of(new CompletedRecord.Header("Content-Type", "application/octet-stream"),
						new CompletedRecord.Header("Content-Disposition",
								"attachment; filename*=UTF-8''na\u00efve-\u2603-\ud83d\ude00.bin"),
						new CompletedRecord.Header("X-Odd", "line\nbreak \"quoted\" back\\slash \u0000 \u2028"),
						new CompletedRecord.Header("Link", "</a>"), new CompletedRecord.Header("Link", "</b>")),
				body, true);

		CompletedRecord decoded = (CompletedRecord) RecordCodec.decode(RecordCodec.encode(record));

		assertThat(decoded).isEqualTo(record);
		assertThat(decoded.body()).containsExactly(body);
		assertThat(decoded.headers()).containsExactlyElementsOf(record.headers());
	}

	@Test
	void spec12_everyByteValueOfTheBodyRoundTrips() {
		byte[] body = new byte[512];
		for (int i = 0; i < body.length; i++) {
			body[i] = (byte) i;
		}
		CompletedRecord record = new CompletedRecord("v1:fp", CREATED, COMPLETED, 200, List.of(), body, true);

		assertThat(((CompletedRecord) RecordCodec.decode(RecordCodec.encode(record))).body()).containsExactly(body);
	}

	@Test
	void spec7_sentErrorRecordRoundTripsWithAndWithoutItsMessage() {
		CompletedRecord withMessage = CompletedRecord.sentError("v1:fp", CREATED, COMPLETED, 422, "Refused",
				List.of(new CompletedRecord.Header("X-Request-Id", "r-1")));
		CompletedRecord withoutMessage = CompletedRecord.sentError("v1:fp", CREATED, COMPLETED, 401, null, List.of());
		assertThat(RecordCodec.decode(RecordCodec.encode(withMessage))).isEqualTo(withMessage);
		assertThat(RecordCodec.decode(RecordCodec.encode(withoutMessage))).isEqualTo(withoutMessage);
		assertThat(((CompletedRecord) RecordCodec.decode(RecordCodec.encode(withoutMessage))).sentError()).isNotNull();
		assertThat(new String(RecordCodec.encode(withMessage), java.nio.charset.StandardCharsets.UTF_8))
			.contains("\"sentError\":{\"message\":\"Refused\"}");
	}

	@Test
	void spec7_recordWithoutSentErrorMemberIsAnOrdinaryAnswer() {
		CompletedRecord record = new CompletedRecord("v1:fp", CREATED, COMPLETED, 201, List.of(), new byte[] { 'x' },
				true);
		assertThat(((CompletedRecord) RecordCodec.decode(RecordCodec.encode(record))).sentError()).isNull();
	}

	@Test
	void spec12_notReplayableRecordWithoutBodyRoundTrips() {
		CompletedRecord record = new CompletedRecord("v1:fp", CREATED, COMPLETED, 200,
				List.of(new CompletedRecord.Header("Content-Type", "text/event-stream")), new byte[0], false);

		CompletedRecord decoded = (CompletedRecord) RecordCodec.decode(RecordCodec.encode(record));

		assertThat(decoded).isEqualTo(record);
		assertThat(decoded.replayable()).isFalse();
		assertThat(decoded.body()).isEmpty();
	}

	@Test
	void spec12_encodedRecordIsOneJsonLineThenTheBody() {
		CompletedRecord record = new CompletedRecord("v1:fp", CREATED, COMPLETED, 201,
				List.of(new CompletedRecord.Header("Content-Type", "application/json")),
				"{\"id\":\"p-1\"}".getBytes(StandardCharsets.UTF_8), true);

		String encoded = new String(RecordCodec.encode(record), StandardCharsets.UTF_8);

		assertThat(encoded).isEqualTo("{\"v\":1,\"state\":\"COMPLETED\",\"fp\":\"v1:fp\",\"createdAt\":1732384000000,"
				+ "\"completedAt\":1732384000120,\"status\":201,\"replayable\":true,"
				+ "\"headers\":[[\"Content-Type\",\"application/json\"]]}\n{\"id\":\"p-1\"}");
		assertThat(new String(RecordCodec.encode(new InProgressRecord("v1:fp", CREATED)), StandardCharsets.UTF_8))
			.isEqualTo("{\"v\":1,\"state\":\"IN_PROGRESS\",\"fp\":\"v1:fp\",\"createdAt\":1732384000000}\n");
	}

	@Test
	void spec12_handWrittenV1RecordIsDecoded() {
		String v1 = "{\"v\":1,\"state\":\"COMPLETED\",\"fp\":\"v1:abc\",\"createdAt\":1732384000000,"
				+ "\"completedAt\":1732384000120,\"status\":201,\"replayable\":true,"
				+ "\"headers\":[[\"Content-Type\",\"application/json\"],[\"Location\",\"/payments/p-1\"]]}\n"
				+ "{\"id\":\"p-1\"}";

		assertThat(RecordCodec.decode(v1.getBytes(StandardCharsets.UTF_8)))
			.isEqualTo(new CompletedRecord("v1:abc", CREATED, COMPLETED, 201,
					List.of(new CompletedRecord.Header("Content-Type", "application/json"),
							new CompletedRecord.Header("Location", "/payments/p-1")),
					"{\"id\":\"p-1\"}".getBytes(StandardCharsets.UTF_8), true));
	}

	@Test
	void spec12_handWrittenV1RecordWithMembersInAnotherOrderAndWhitespaceIsDecoded() {
		String v1 = "{ \"headers\" : [ ], \"createdAt\" : 1732384000000, \"fp\" : \"v1:abc\", \"state\" : \"IN_PROGRESS\","
				+ " \"v\" : 1 }\n";

		assertThat(RecordCodec.decode(v1.getBytes(StandardCharsets.UTF_8)))
			.isEqualTo(new InProgressRecord("v1:abc", CREATED));
	}

	@Test
	void spec12_unknownMembersAreIgnored() {
		String v1 = "{\"v\":1,\"before\":{\"a\":[1,2,{\"state\":\"IN_PROGRESS\"}],\"b\":null},\"state\":\"COMPLETED\","
				+ "\"fp\":\"v1:abc\",\"createdAt\":1732384000000,\"list\":[[\"status\",500]],"
				+ "\"completedAt\":1732384000120,\"status\":201,\"replayable\":true,\"n\":1.5e3,\"t\":true,"
				+ "\"headers\":[[\"Content-Type\",\"text/plain\",\"a third element\",{\"x\":1}]],\"after\":\"x\"}\n"
				+ "body";

		assertThat(RecordCodec.decode(v1.getBytes(StandardCharsets.UTF_8)))
			.isEqualTo(new CompletedRecord("v1:abc", CREATED, COMPLETED, 201,
					List.of(new CompletedRecord.Header("Content-Type", "text/plain")),
					"body".getBytes(StandardCharsets.UTF_8), true));
	}

	@Test
	void spec12_headerEntriesOfAnotherShapeAreSkipped() {
		String v1 = "{\"v\":1,\"state\":\"COMPLETED\",\"fp\":\"v1:abc\",\"createdAt\":1732384000000,"
				+ "\"headers\":[[\"X\"],{\"n\":\"Y\"},\"Z\",[1,2],[\"Location\",\"/p/1\"]],"
				+ "\"completedAt\":1732384000120,\"status\":201,\"replayable\":true}\nbody";

		assertThat(RecordCodec.decode(v1.getBytes(StandardCharsets.UTF_8)))
			.isEqualTo(new CompletedRecord("v1:abc", CREATED, COMPLETED, 201,
					List.of(new CompletedRecord.Header("Location", "/p/1")), "body".getBytes(StandardCharsets.UTF_8),
					true));
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "no newline at all", "\n", "not json\nbody", "[1,2]\n", "\"text\"\n", "{\n",
			"{\"v\":1,\"state\":\"COMPLETED\"\n", "{\"v\":1,\"fp\":\"v1:x\",\"createdAt\":1}\n",
			"{\"v\":1,\"state\":\"IN_PROGRESS\",\"createdAt\":1}\n",
			"{\"v\":1,\"state\":\"SOMETHING_ELSE\",\"fp\":\"v1:x\",\"createdAt\":1}\n",
			"{\"v\":1,\"state\":\"IN_PROGRESS\",\"fp\":\"v1:x\",\"createdAt\":\"yesterday\"}\n" })
	void spec12_garbageIsRejected(String garbage) {
		assertThatIllegalArgumentException().isThrownBy(() -> RecordCodec.decode(garbage.getBytes(StandardCharsets.UTF_8)));
	}

	@Test
	void spec12_javaSerializedBytesAreRejected() {
		byte[] javaSerialized = { (byte) 0xAC, (byte) 0xED, 0x00, 0x05, 0x73, 0x72, '\n', 0x01 };

		assertThatIllegalArgumentException().isThrownBy(() -> RecordCodec.decode(javaSerialized));
	}

}
