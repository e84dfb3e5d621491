package dev.idempotency.key;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class RecordIdsTest {

	@Test
	void spec3_recordIdIsDeterministic() {
		assertThat(RecordIds.recordId("tenant-1", "POST", "/orders", "abc"))
			.isEqualTo(RecordIds.recordId("tenant-1", "POST", "/orders", "abc"));
	}

	@Test
	void spec3_recordIdIsUnpaddedBase64UrlOf43Characters() {
		assertThat(RecordIds.recordId("", "", "", "")).hasSize(43).matches("[A-Za-z0-9_-]{43}");
		assertThat(RecordIds.recordId("t\u00e9nant", "PATCH", "/orders/{id}", "k\"\\"))
			.hasSize(43)
			.matches("[A-Za-z0-9_-]{43}");
	}

	@Test
	void spec3_recordIdIsSha256OfLengthPrefixedFields() {
		// SHA-256 of 00000001 'a' 00000001 'b' 00000001 'c' 00000001 'd'
		assertThat(RecordIds.recordId("a", "b", "c", "d")).isEqualTo("lL-edY9EstDT2dKybp4PVXe4ifths8xqHpm2ZuiH1Yk");
	}

	@ParameterizedTest
	@CsvSource({ "tenant-2, POST, /orders, abc", "tenant-1, PUT, /orders, abc", "tenant-1, POST, /payments, abc",
			"tenant-1, POST, /orders, abd" })
	void spec3_recordIdDiffersWhenAnyFieldDiffers(String scope, String method, String route, String key) {
		assertThat(RecordIds.recordId(scope, method, route, key))
			.isNotEqualTo(RecordIds.recordId("tenant-1", "POST", "/orders", "abc"));
	}

	@Test
	void spec3_fieldBoundariesAreUnambiguous() {
		assertThat(RecordIds.recordId("ab", "c", "/r", "k")).isNotEqualTo(RecordIds.recordId("a", "bc", "/r", "k"));
		assertThat(RecordIds.recordId("s", "POST", "/r", "k1"))
			.isNotEqualTo(RecordIds.recordId("s", "POST", "/rk", "1"));
		assertThat(RecordIds.recordId("", "POST", "/r", "k")).isNotEqualTo(RecordIds.recordId("POST", "", "/r", "k"));
	}

	@Test
	void spec3_recordIdNeverContainsTheRawKey() {
		String key = "abcdefgh";
		String id = RecordIds.recordId("scope", "POST", "/orders", key);
		assertThat(id).doesNotContain(key);
		assertThat(RecordIds.logId(id)).isNotEqualTo(key);
	}

	@Test
	void spec3_logIdIsTheFirst8CharactersOfTheRecordId() {
		String id = RecordIds.recordId("scope", "POST", "/orders", "abc");
		assertThat(RecordIds.logId(id)).hasSize(8).isEqualTo(id.substring(0, 8));
	}

	@Test
	void spec3_businessKeyAndTokenRecordIdsNeverEqualAHeaderKeyRecordId() {
		String header = RecordIds.recordId("alice", "POST", "/orders/{orderId}/payment", "42");
		String business = RecordIds.businessKeyRecordId("alice", "POST", "/orders/{orderId}/payment",
				"path variable:orderId", "42");
		String otherSource = RecordIds.businessKeyRecordId("alice", "POST", "/orders/{orderId}/payment",
				"query parameter:orderId", "42");
		String token = RecordIds.tokenRecordId("alice", "42");

		assertThat(business).hasSize(43).isNotEqualTo(header).isNotEqualTo(otherSource).isNotEqualTo(token);
		assertThat(token).hasSize(43).isNotEqualTo(header).isNotEqualTo(RecordIds.tokenRecordId("bob", "42"));
	}

}
