package dev.idempotency.it;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import dev.idempotency.testsupport.HttpTestClient;

import static dev.idempotency.testsupport.HttpTestClient.basic;
import static dev.idempotency.testsupport.HttpTestClient.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Business keys and one-time tokens over real HTTP, for every store: the same scope, fingerprint, replay
 * and in-progress rules as the header, plus each mechanism's own refusals.
 */
interface KeyMechanismsContract {

	int RACERS = 8;

	String TOKENS = "/it/secure/idempotency-tokens";

	Pattern TOKEN = Pattern.compile("\"token\":\"([A-Za-z0-9_-]+)\"");

	HttpTestClient http();

	TestApplication.Executions executions();

	CountingStore countingStore();

	private static String newId() {
		return UUID.randomUUID().toString();
	}

	private static boolean replayed(HttpResponse<byte[]> response) {
		return response.headers().firstValue("Idempotent-Replayed").filter("true"::equals).isPresent();
	}

	private static String problemType(HttpResponse<byte[]> response) {
		Matcher type = Pattern.compile("\"type\":\"https://idempotency.dev/problems/([a-z-]+)\"").matcher(text(response));
		return type.find() ? type.group(1) : "(no problem type in " + text(response) + ")";
	}

	private String issueToken(String user) {
		HttpResponse<byte[]> issued = http().post(TOKENS, "", "Authorization", basic(user));
		assertThat(issued.statusCode()).as(text(issued)).isEqualTo(201);
		Matcher token = TOKEN.matcher(text(issued));
		assertThat(token.find()).as(text(issued)).isTrue();
		return token.group(1);
	}

	/** Sends {@code request} from many threads at once; returns the answers. */
	private List<HttpResponse<byte[]>> race(java.util.function.Supplier<HttpResponse<byte[]>> request) throws Exception {
		ExecutorService threads = Executors.newFixedThreadPool(RACERS);
		try {
			CyclicBarrier start = new CyclicBarrier(RACERS);
			List<Future<HttpResponse<byte[]>>> futures = new ArrayList<>();
			for (int i = 0; i < RACERS; i++) {
				futures.add(threads.submit(() -> {
					start.await(30, TimeUnit.SECONDS);
					return request.get();
				}));
			}
			List<HttpResponse<byte[]>> answers = new ArrayList<>();
			for (Future<HttpResponse<byte[]>> future : futures) {
				answers.add(future.get(60, TimeUnit.SECONDS));
			}
			return answers;
		}
		finally {
			threads.shutdownNow();
		}
	}

	private static void assertOneExecutionAnsweredAndTheRestReplayedOr409(List<HttpResponse<byte[]>> answers) {
		assertThat(answers).filteredOn((answer) -> answer.statusCode() == 201 && !replayed(answer)).hasSize(1);
		assertThat(answers).allSatisfy((answer) -> assertThat(answer.statusCode() == 201 && replayed(answer)
				|| answer.statusCode() == 201 || answer.statusCode() == 409).as(text(answer)).isTrue());
	}

	// Business keys

	@Test
	default void businessKey_sameOrderIdReplaysTheFirstAnswerWithoutAnyHeader() {
		String order = newId();
		HttpResponse<byte[]> first = http().post("/it/orders/" + order + "/payment", "{\"amount\":\"10.00\"}");
		HttpResponse<byte[]> retry = http().post("/it/orders/" + order + "/payment", "{\"amount\":\"10.00\"}");

		assertThat(first.statusCode()).isEqualTo(201);
		assertThat(replayed(first)).isFalse();
		assertThat(retry.statusCode()).isEqualTo(201);
		assertThat(replayed(retry)).isTrue();
		assertThat(retry.body()).isEqualTo(first.body());
		assertThat(executions().count("order-path", order)).isEqualTo(1);
	}

	@Test
	default void businessKey_sameOrderIdWithAnotherAmountIs422AndDoesNotRun() {
		String order = newId();
		http().post("/it/orders/" + order + "/payment", "{\"amount\":\"10.00\"}");

		HttpResponse<byte[]> other = http().post("/it/orders/" + order + "/payment", "{\"amount\":\"99.00\"}");

		assertThat(other.statusCode()).isEqualTo(422);
		assertThat(problemType(other)).isEqualTo("key-reused");
		assertThat(executions().count("order-path", order)).isEqualTo(1);
	}

	@Test
	default void businessKey_anIdempotencyKeyHeaderDoesNotChangeTheKey() {
		String order = newId();
		http().postWithKey("/it/orders/" + order + "/payment", newId(), "{\"amount\":\"1\"}");

		HttpResponse<byte[]> retry = http().postWithKey("/it/orders/" + order + "/payment", newId(), "{\"amount\":\"1\"}");

		assertThat(replayed(retry)).isTrue();
		assertThat(executions().count("order-path", order)).isEqualTo(1);
	}

	@Test
	default void businessKey_differentOrdersRunSeparately() {
		String first = newId();
		String second = newId();
		assertThat(replayed(http().post("/it/orders/" + first + "/payment", "{\"amount\":\"1\"}"))).isFalse();
		assertThat(replayed(http().post("/it/orders/" + second + "/payment", "{\"amount\":\"1\"}"))).isFalse();
		assertThat(executions().count("order-path", first)).isEqualTo(1);
		assertThat(executions().count("order-path", second)).isEqualTo(1);
	}

	@Test
	default void businessKey_racingFirstRequestsForOneOrderRunItOnce() throws Exception {
		String order = newId();

		List<HttpResponse<byte[]>> answers = race(
				() -> http().post("/it/orders/" + order + "/payment", "{\"amount\":\"5.00\"}"));

		assertThat(executions().count("order-path", order)).isEqualTo(1);
		assertOneExecutionAnsweredAndTheRestReplayedOr409(answers);
	}

	@Test
	default void businessKey_jsonPointerReadsAStringOrAnIntegerFromTheBody() {
		String order = newId();
		http().post("/it/orders-by-body", "{\"order\":{\"id\":\"" + order + "\"},\"amount\":\"1\"}");
		HttpResponse<byte[]> retry = http().post("/it/orders-by-body", "{\"amount\":\"1\",\"order\":{\"id\":\"" + order + "\"}}");
		long number = Math.abs(UUID.randomUUID().getLeastSignificantBits());
		http().post("/it/orders-by-body", "{\"order\":{\"id\":" + number + "},\"amount\":\"1\"}");
		HttpResponse<byte[]> numberRetry = http().post("/it/orders-by-body", "{\"order\":{\"id\":" + number + "},\"amount\":\"1\"}");

		assertThat(replayed(retry)).isTrue();
		assertThat(executions().count("order-body", order)).isEqualTo(1);
		assertThat(replayed(numberRetry)).isTrue();
		assertThat(executions().count("order-body", Long.toString(number))).isEqualTo(1);
	}

	@Test
	default void businessKey_missingBusinessKeyIs400MissingKeyAndNeverTouchesTheStore() {
		int before = countingStore().total();

		HttpResponse<byte[]> noMember = http().post("/it/orders-by-body", "{\"amount\":\"1\"}");
		HttpResponse<byte[]> nullMember = http().post("/it/orders-by-body", "{\"order\":{\"id\":null}}");
		HttpResponse<byte[]> noHeader = http().post("/it/orders-by-header", "{\"amount\":\"1\"}");
		HttpResponse<byte[]> noParameter = http().post("/it/orders-by-query", "{\"amount\":\"1\"}");

		for (HttpResponse<byte[]> response : List.of(noMember, nullMember, noHeader, noParameter)) {
			assertThat(response.statusCode()).as(text(response)).isEqualTo(400);
			assertThat(problemType(response)).isEqualTo("missing-key");
		}
		assertThat(text(noMember)).contains("the JSON body member '/order/id'");
		assertThat(countingStore().total()).isEqualTo(before);
	}

	@Test
	default void businessKey_unusableBusinessKeyIs400InvalidKeyAndNeverTouchesTheStore() {
		int before = countingStore().total();

		List<HttpResponse<byte[]>> refused = List.of(
				http().post("/it/orders-by-body", "{\"order\":{\"id\":{\"nested\":1}}}"),
				http().post("/it/orders-by-body", "{\"order\":{\"id\":1.5}}"),
				http().post("/it/orders-by-body", "{\"order\":{\"id\":\"\"}}"),
				http().post("/it/orders-by-body", "not json"),
				http().post("/it/orders-by-body", "{\"order\":{\"id\":\"a\"},\"order\":{\"id\":\"b\"}}"),
				http().post("/it/orders/" + "o".repeat(256) + "/payment", "{}"));

		assertThat(refused).allSatisfy((response) -> {
			assertThat(response.statusCode()).as(text(response)).isEqualTo(400);
			assertThat(problemType(response)).isEqualTo("invalid-key");
		});
		assertThat(countingStore().total()).isEqualTo(before);
	}

	@Test
	default void businessKey_queryParameterAndHeaderSourcesKeyTheRequest() {
		String byQuery = newId();
		String byHeader = newId();
		http().post("/it/orders-by-query?orderId=" + byQuery, "{\"amount\":\"1\"}");
		HttpResponse<byte[]> queryRetry = http().post("/it/orders-by-query?orderId=" + byQuery, "{\"amount\":\"1\"}");
		http().post("/it/orders-by-header", "{\"amount\":\"1\"}", "X-Order-Id", byHeader);
		HttpResponse<byte[]> headerRetry = http().post("/it/orders-by-header", "{\"amount\":\"1\"}", "X-Order-Id", byHeader);

		assertThat(replayed(queryRetry)).isTrue();
		assertThat(executions().count("order-query", byQuery)).isEqualTo(1);
		assertThat(replayed(headerRetry)).isTrue();
		assertThat(executions().count("order-header", byHeader)).isEqualTo(1);
	}

	@Test
	default void businessKey_headerFirstTakesTheHeaderWhenPresentAndTheBusinessKeyOtherwise() {
		String order = newId();
		String path = "/it/orders-header-first/" + order;
		String firstKey = newId();
		String secondKey = newId();

		HttpResponse<byte[]> withFirstKey = http().postWithKey(path, firstKey, "{\"amount\":\"1\"}");
		HttpResponse<byte[]> withSecondKey = http().postWithKey(path, secondKey, "{\"amount\":\"1\"}");
		HttpResponse<byte[]> withoutKey = http().post(path, "{\"amount\":\"1\"}");
		HttpResponse<byte[]> withoutKeyAgain = http().post(path, "{\"amount\":\"1\"}");
		HttpResponse<byte[]> firstKeyAgain = http().postWithKey(path, firstKey, "{\"amount\":\"1\"}");

		assertThat(replayed(withFirstKey)).isFalse();
		assertThat(replayed(withSecondKey)).isFalse();
		assertThat(replayed(withoutKey)).isFalse();
		assertThat(replayed(withoutKeyAgain)).isTrue();
		assertThat(replayed(firstKeyAgain)).isTrue();
		assertThat(executions().count("order-header-first", firstKey)).isEqualTo(1);
		assertThat(executions().count("order-header-first", secondKey)).isEqualTo(1);
		assertThat(executions().count("order-header-first", order)).isEqualTo(1);
	}

	@Test
	default void businessKey_optionalBusinessKeyRunsWithoutIdempotencyWhenAbsent() {
		HttpResponse<byte[]> first = http().post("/it/orders-optional", "{\"amount\":\"1\"}");
		HttpResponse<byte[]> second = http().post("/it/orders-optional", "{\"amount\":\"1\"}");

		assertThat(first.statusCode()).isEqualTo(201);
		assertThat(replayed(second)).isFalse();
		assertThat(executions().count("order-optional", "null")).isGreaterThanOrEqualTo(2);
	}

	// One-time tokens

	@Test
	default void token_endpointIssuesATokenWithItsExpiryAndNeverCachesIt() {
		Instant before = Instant.now();
		HttpResponse<byte[]> issued = http().post(TOKENS, "", "Authorization", basic("alice"));

		assertThat(issued.statusCode()).isEqualTo(201);
		assertThat(issued.headers().firstValue("Content-Type")).hasValueSatisfying(
				(type) -> assertThat(type).startsWith("application/json"));
		assertThat(issued.headers().firstValue("Cache-Control")).hasValue("no-store");
		assertThat(text(issued)).matches("\\{\"token\":\"[A-Za-z0-9_-]{32}\",\"expiresAt\":\"[^\"]+\"\\}");
		Matcher expiresAt = Pattern.compile("\"expiresAt\":\"([^\"]+)\"").matcher(text(issued));
		assertThat(expiresAt.find()).isTrue();
		assertThat(Instant.parse(expiresAt.group(1))).isBetween(before.plus(Duration.ofMinutes(59)),
				Instant.now().plus(Duration.ofMinutes(61)));
		assertThat(issueToken("alice")).isNotEqualTo(issueToken("alice"));
	}

	@Test
	default void token_endpointRequiresTheCallerToBeAuthenticatedWhenTheApplicationSaysSo() {
		assertThat(http().post(TOKENS, "").statusCode()).isEqualTo(401);
	}

	@Test
	default void token_firstUseRunsAndARetryWithTheConsumedTokenReplays() {
		String token = issueToken("alice");

		HttpResponse<byte[]> first = http().postWithKey("/it/secure/transfers", token, "{\"amount\":\"3.00\"}",
				"Authorization", basic("alice"));
		HttpResponse<byte[]> retry = http().postWithKey("/it/secure/transfers", "\"" + token + "\"",
				"{\"amount\":\"3.00\"}", "Authorization", basic("alice"));

		assertThat(first.statusCode()).isEqualTo(201);
		assertThat(replayed(first)).isFalse();
		assertThat(retry.statusCode()).isEqualTo(201);
		assertThat(replayed(retry)).isTrue();
		assertThat(retry.body()).isEqualTo(first.body());
		assertThat(executions().count("transfer", token)).isEqualTo(1);
	}

	@Test
	default void token_unknownTokenIs400InvalidTokenAndTheHandlerDoesNotRun() {
		String forged = "A".repeat(32);

		HttpResponse<byte[]> refused = http().postWithKey("/it/secure/transfers", forged, "{\"amount\":\"3.00\"}",
				"Authorization", basic("alice"));

		assertThat(refused.statusCode()).isEqualTo(400);
		assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
		assertThat(problemType(refused)).isEqualTo("invalid-token");
		assertThat(executions().count("transfer", forged)).isZero();
	}

	@Test
	default void token_anotherUsersTokenIsRefusedAndStaysUsableByItsOwner() {
		String alicesToken = issueToken("alice");

		HttpResponse<byte[]> bob = http().postWithKey("/it/secure/transfers", alicesToken, "{\"amount\":\"3.00\"}",
				"Authorization", basic("bob"));
		HttpResponse<byte[]> alice = http().postWithKey("/it/secure/transfers", alicesToken, "{\"amount\":\"3.00\"}",
				"Authorization", basic("alice"));

		assertThat(bob.statusCode()).isEqualTo(400);
		assertThat(problemType(bob)).isEqualTo("invalid-token");
		assertThat(alice.statusCode()).isEqualTo(201);
		assertThat(replayed(alice)).isFalse();
		assertThat(executions().count("transfer", alicesToken)).isEqualTo(1);
	}

	@Test
	default void token_missingTokenIs400MissingKey() {
		HttpResponse<byte[]> refused = http().post("/it/secure/transfers", "{\"amount\":\"3.00\"}", "Authorization",
				basic("alice"));

		assertThat(refused.statusCode()).isEqualTo(400);
		assertThat(problemType(refused)).isEqualTo("missing-key");
	}

	@Test
	default void token_reusedWithAnotherBodyIs422() {
		String token = issueToken("alice");
		http().postWithKey("/it/secure/transfers", token, "{\"amount\":\"3.00\"}", "Authorization", basic("alice"));

		HttpResponse<byte[]> other = http().postWithKey("/it/secure/transfers", token, "{\"amount\":\"4.00\"}",
				"Authorization", basic("alice"));

		assertThat(other.statusCode()).isEqualTo(422);
		assertThat(problemType(other)).isEqualTo("key-reused");
		assertThat(executions().count("transfer", token)).isEqualTo(1);
	}

	@Test
	default void token_racingFirstUsesOfOneTokenRunOnce() throws Exception {
		String token = issueToken("alice");

		List<HttpResponse<byte[]>> answers = race(() -> http().postWithKey("/it/secure/transfers", token,
				"{\"amount\":\"9.00\"}", "Authorization", basic("alice")));

		assertThat(executions().count("transfer", token)).isEqualTo(1);
		assertOneExecutionAnsweredAndTheRestReplayedOr409(answers);
	}

	@Test
	default void token_afterAReleased5xxTheSameTokenCanBeRetried() {
		String token = issueToken("alice");

		HttpResponse<byte[]> failed = http().postWithKey("/it/secure/transfers", token, "{\"amount\":\"fail\"}",
				"Authorization", basic("alice"));
		HttpResponse<byte[]> retried = http().postWithKey("/it/secure/transfers", token, "{\"amount\":\"fail\"}",
				"Authorization", basic("alice"));

		assertThat(failed.statusCode()).isEqualTo(502);
		assertThat(retried.statusCode()).as("the token was given back, not reported unknown").isEqualTo(502);
		assertThat(executions().count("transfer", token)).isEqualTo(2);
	}

}
