package dev.idempotency.web;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.mock.web.MockHttpServletResponse;

import static org.assertj.core.api.Assertions.assertThat;

class ProblemResponsesTest {

	@ParameterizedTest
	@EnumSource(IdempotencyProblem.class)
	void spec9_everyProblemIsRfc9457JsonWithAStableType(IdempotencyProblem problem) throws Exception {
		MockHttpServletResponse response = new MockHttpServletResponse();
		ProblemResponses.write(response, problem, "detail with \"quotes\"", null, "/payments");
		assertThat(response.getStatus()).isEqualTo(problem.status());
		assertThat(response.getContentType()).isEqualTo("application/problem+json");
		assertThat(response.getContentAsString()).isEqualTo("{\"type\":\"" + problem.type() + "\",\"title\":\""
				+ problem.title() + "\",\"status\":" + problem.status()
				+ ",\"detail\":\"detail with \\\"quotes\\\"\",\"instance\":\"/payments\"}");
		assertThat(problem.type().toString()).startsWith(IdempotencyProblem.TYPE_BASE);
	}

	@Test
	void spec9_statusesAreTheContractOnes() {
		assertThat(IdempotencyProblem.MISSING_KEY.status()).isEqualTo(400);
		assertThat(IdempotencyProblem.INVALID_KEY.status()).isEqualTo(400);
		assertThat(IdempotencyProblem.IN_PROGRESS.status()).isEqualTo(409);
		assertThat(IdempotencyProblem.REQUEST_TOO_LARGE.status()).isEqualTo(413);
		assertThat(IdempotencyProblem.KEY_REUSED.status()).isEqualTo(422);
		assertThat(IdempotencyProblem.STORE_UNAVAILABLE.status()).isEqualTo(503);
		Set<String> types = new java.util.HashSet<>();
		EnumSet.allOf(IdempotencyProblem.class).forEach((p) -> types.add(p.type().toString()));
		assertThat(types).hasSize(IdempotencyProblem.values().length);
	}

	@Test
	void spec9_retryAfterIsWholeSecondsRoundedUp() throws Exception {
		MockHttpServletResponse response = new MockHttpServletResponse();
		ProblemResponses.write(response, IdempotencyProblem.IN_PROGRESS, "d", Duration.ofMillis(1500), "/x");
		assertThat(response.getHeader("Retry-After")).isEqualTo("2");
		response = new MockHttpServletResponse();
		ProblemResponses.write(response, IdempotencyProblem.STORE_UNAVAILABLE, "d", Duration.ZERO, "/x");
		assertThat(response.getHeader("Retry-After")).isEqualTo("1");
	}

}
