package dev.idempotency.web;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import dev.idempotency.IdempotencySettings;
import dev.idempotency.store.CompletedRecord;

import static org.assertj.core.api.Assertions.assertThat;

class ResponseReplayerTest {

	private final ResponseReplayer replayer = new ResponseReplayer(
			concat(IdempotencySettings.DEFAULT_REPLAYED_HEADERS, List.of("X-Request-Id", "Set-Cookie", "Date")),
			IdempotencySettings.NEVER_REPLAYED_HEADERS);

	@Test
	void spec8_neverReplayedHeadersAreDroppedEvenWhenConfigured() {
		assertThat(this.replayer.replayedHeaders()).contains("X-Request-Id", "Location", "ETag")
			.doesNotContain("Set-Cookie", "Date", "Content-Length", "WWW-Authenticate", "Authorization",
					"Transfer-Encoding", "Connection");
	}

	@Test
	void spec8_onlyAllowlistedHeadersAreCaptured() {
		CapturingResponseWrapper response = new CapturingResponseWrapper(new MockHttpServletResponse(),
				new MockHttpServletRequest(), 1024);
		response.setContentType("application/json");
		response.addHeader("Set-Cookie", "a=b");
		response.addHeader("Link", "</a>; rel=next");
		response.addHeader("Link", "</b>; rel=prev");
		response.addHeader("X-Other", "no");
		response.addHeader("X-Request-Id", "r-1");
		assertThat(this.replayer.captureHeaders(response)).containsExactly(
				new CompletedRecord.Header("Content-Type", "application/json"),
				new CompletedRecord.Header("Link", "</a>; rel=next"), new CompletedRecord.Header("Link", "</b>; rel=prev"),
				new CompletedRecord.Header("X-Request-Id", "r-1"));
	}

	@Test
	void spec8_replayWritesStatusHeadersBodyAndTheReplayedMarker() throws Exception {
		byte[] body = { 0, 1, 2, (byte) 0xff, '\n' };
		CompletedRecord record = new CompletedRecord("v1:x", Instant.EPOCH, Instant.EPOCH, 201,
				List.of(new CompletedRecord.Header("Content-Type", "application/octet-stream"),
						new CompletedRecord.Header("Location", "/p/1"), new CompletedRecord.Header("Set-Cookie", "x=y")),
				body, true);
		MockHttpServletResponse response = new MockHttpServletResponse();
		this.replayer.replay(record, response);
		assertThat(response.getStatus()).isEqualTo(201);
		assertThat(response.getContentType()).isEqualTo("application/octet-stream");
		assertThat(response.getHeader("Location")).isEqualTo("/p/1");
		assertThat(response.getHeader("Set-Cookie")).isNull();
		assertThat(response.getHeader(ResponseReplayer.REPLAYED_HEADER)).isEqualTo("true");
		assertThat(response.getContentAsByteArray()).isEqualTo(body);
	}

	private static List<String> concat(List<String> a, List<String> b) {
		return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
	}

}
