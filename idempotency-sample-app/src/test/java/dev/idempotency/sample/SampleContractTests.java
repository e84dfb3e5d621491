package dev.idempotency.sample;

import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

import dev.idempotency.sample.payments.PaymentGateway;

import static dev.idempotency.sample.SampleClient.replayed;
import static dev.idempotency.testsupport.HttpTestClient.text;
import static org.assertj.core.api.Assertions.assertThat;

/** The sample's contract end to end over real HTTP, for each idempotency store. */
@SpringBootTest(classes = SampleApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
abstract class SampleContractTests {

	@LocalServerPort
	int port;

	@Autowired
	PaymentGateway gateway;

	@Autowired
	SampleProperties properties;

	@Autowired
	JdbcClient jdbc;

	SampleClient client;

	String account;

	@BeforeEach
	void openAccount() {
		this.client = new SampleClient(this.port);
		this.account = "acc-" + UUID.randomUUID();
		assertThat(this.client.putAccount("alice", this.account, "1000.00").statusCode()).isEqualTo(201);
	}

	@AfterEach
	void fastGateway() {
		this.properties.setGatewayDelay(Duration.ZERO);
		this.properties.setAfterDebitDelay(Duration.ZERO);
	}

	/** The committed payment rows of this test's account, read from the sample's database. */
	long paymentRows() {
		return this.jdbc.sql("SELECT COUNT(*) FROM payment WHERE account_id = ?").param(this.account).query(Long.class).single();
	}

	/** The committed balance of this test's account, read from the sample's database. */
	BigDecimal storedBalance(String account) {
		return this.jdbc.sql("SELECT balance FROM account WHERE id = ?").param(account).query(BigDecimal.class).single();
	}

	static String newKey() {
		return UUID.randomUUID().toString();
	}

	@Test
	void paymentIsDebitedOnceAndReplayedToTheRetry() {
		String key = newKey();
		long debits = this.gateway.debits();
		HttpResponse<byte[]> first = this.client.pay("alice", key, this.account, "10.00");
		HttpResponse<byte[]> retry = this.client.pay("alice", key, this.account, "10.00");
		assertThat(first.statusCode()).isEqualTo(201);
		assertThat(first.headers().firstValue("Location")).hasValueSatisfying((l) -> assertThat(l).startsWith("/payments/"));
		assertThat(text(first)).contains("\"accountId\":\"" + this.account + "\"")
			.contains("\"amount\":\"10.00\"")
			.contains("\"status\":\"COMPLETED\"")
			.contains("\"id\":");
		assertThat(replayed(first)).isFalse();
		assertThat(retry.statusCode()).isEqualTo(201);
		assertThat(replayed(retry)).isTrue();
		assertThat(retry.body()).isEqualTo(first.body());
		assertThat(retry.headers().firstValue("Location")).isEqualTo(first.headers().firstValue("Location"));
		assertThat(this.gateway.debits() - debits).isEqualTo(1);
		assertThat(this.client.balance(this.account)).isEqualByComparingTo("990.00");
		String location = first.headers().firstValue("Location").orElseThrow();
		HttpResponse<byte[]> payment = this.client.http()
			.send(this.client.http().request(location, "Authorization", dev.idempotency.testsupport.HttpTestClient.basic("alice")).GET().build());
		assertThat(payment.statusCode()).isEqualTo(200);
		assertThat(payment.body()).isEqualTo(first.body());
	}

	@Test
	void sameKeyWithAnotherAmountIs422AndNothingMoves() {
		String key = newKey();
		this.client.pay("alice", key, this.account, "10.00");
		HttpResponse<byte[]> other = this.client.pay("alice", key, this.account, "20.00");
		assertThat(other.statusCode()).isEqualTo(422);
		assertThat(text(other)).contains("https://idempotency.dev/problems/key-reused");
		assertThat(this.client.balance(this.account)).isEqualByComparingTo("990.00");
	}

	@Test
	void missingOrMalformedKeyIs400AndNothingMoves() {
		HttpResponse<byte[]> missing = this.client.pay("alice", null, this.account, "10.00");
		HttpResponse<byte[]> malformed = this.client.pay("alice", "a,b", this.account, "10.00");
		assertThat(missing.statusCode()).isEqualTo(400);
		assertThat(text(missing)).contains("https://idempotency.dev/problems/missing-key");
		assertThat(malformed.statusCode()).isEqualTo(400);
		assertThat(text(malformed)).contains("https://idempotency.dev/problems/invalid-key");
		assertThat(this.client.balance(this.account)).isEqualByComparingTo("1000.00");
	}

	@Test
	void duplicateDuringASlowFirstPaymentGets409() throws Exception {
		this.properties.setGatewayDelay(Duration.ofSeconds(2));
		String key = newKey();
		ExecutorService executor = Executors.newSingleThreadExecutor();
		try {
			Future<HttpResponse<byte[]>> first = executor.submit(() -> this.client.pay("alice", key, this.account, "10.00"));
			Thread.sleep(500);
			HttpResponse<byte[]> duplicate = this.client.pay("alice", key, this.account, "10.00");
			assertThat(duplicate.statusCode()).isEqualTo(409);
			assertThat(duplicate.headers().firstValue("Retry-After")).isPresent();
			assertThat(text(duplicate)).contains("https://idempotency.dev/problems/in-progress");
			assertThat(first.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(201);
		}
		finally {
			executor.shutdownNow();
		}
		assertThat(this.client.balance(this.account)).isEqualByComparingTo("990.00");
	}

	@Test
	void insufficientFundsIsA422ProblemThatIsReplayedEvenAfterATopUp() {
		String key = newKey();
		HttpResponse<byte[]> refused = this.client.pay("alice", key, this.account, "5000.00");
		assertThat(refused.statusCode()).isEqualTo(422);
		assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
		assertThat(text(refused)).contains("https://idempotency.dev/sample/problems/insufficient-funds");
		this.client.putAccount("alice", this.account, "10000.00");
		HttpResponse<byte[]> retry = this.client.pay("alice", key, this.account, "5000.00");
		assertThat(retry.statusCode()).isEqualTo(422);
		assertThat(replayed(retry)).isTrue();
		assertThat(retry.body()).isEqualTo(refused.body());
		assertThat(this.client.balance(this.account)).isEqualByComparingTo("10000.00");
	}

	@Test
	void unknownAccountIs404Problem() {
		HttpResponse<byte[]> payment = this.client.pay("alice", newKey(), "no-such-account", "1.00");
		HttpResponse<byte[]> account = this.client.getAccount("alice", "no-such-account");
		assertThat(payment.statusCode()).isEqualTo(404);
		assertThat(text(payment)).contains("https://idempotency.dev/sample/problems/account-not-found");
		assertThat(account.statusCode()).isEqualTo(404);
		assertThat(account.headers().firstValue("Content-Type")).hasValue("application/problem+json");
	}

	@Test
	void malformedMoneyRequestsAre400ProblemsAndNothingMoves() {
		HttpResponse<byte[]> noAccount = this.client.http().postWithKey("/payments", newKey(), "{\"amount\":\"1.00\"}",
				"Authorization", dev.idempotency.testsupport.HttpTestClient.basic("alice"));
		HttpResponse<byte[]> numberAmount = this.client.http().postWithKey("/payments", newKey(),
				"{\"accountId\":\"" + this.account + "\",\"amount\":10.5}", "Authorization",
				dev.idempotency.testsupport.HttpTestClient.basic("alice"));
		HttpResponse<byte[]> threeDecimals = this.client.pay("alice", newKey(), this.account, "1.001");
		HttpResponse<byte[]> notJson = this.client.http().postWithKey("/refunds", newKey(), "not json", "Authorization",
				dev.idempotency.testsupport.HttpTestClient.basic("alice"));
		assertThat(noAccount.statusCode()).isEqualTo(400);
		assertThat(text(noAccount)).contains("https://idempotency.dev/sample/problems/invalid-request");
		assertThat(numberAmount.statusCode()).isEqualTo(400);
		assertThat(text(numberAmount)).contains("https://idempotency.dev/sample/problems/invalid-amount");
		assertThat(threeDecimals.statusCode()).isEqualTo(400);
		assertThat(notJson.statusCode()).isEqualTo(400);
		assertThat(this.client.balance(this.account)).isEqualByComparingTo("1000.00");
	}

	@Test
	void paymentsAndRefundsAreLookedUpSeparately() {
		String payment = this.client.pay("alice", newKey(), this.account, "1.00").headers().firstValue("Location").orElseThrow();
		String refund = this.client.refund("alice", newKey(), this.account, "1.00").headers().firstValue("Location").orElseThrow();
		String paymentId = payment.substring(payment.lastIndexOf('/') + 1);
		String refundId = refund.substring(refund.lastIndexOf('/') + 1);
		HttpResponse<byte[]> refundAsPayment = get("/payments/" + refundId);
		HttpResponse<byte[]> paymentAsRefund = get("/refunds/" + paymentId);
		assertThat(get(refund).statusCode()).isEqualTo(200);
		assertThat(refundAsPayment.statusCode()).isEqualTo(404);
		assertThat(text(refundAsPayment)).contains("https://idempotency.dev/sample/problems/payment-not-found");
		assertThat(paymentAsRefund.statusCode()).isEqualTo(404);
		assertThat(text(paymentAsRefund)).contains("https://idempotency.dev/sample/problems/refund-not-found");
	}

	private HttpResponse<byte[]> get(String path) {
		return this.client.http()
			.send(this.client.http().request(path, "Authorization", dev.idempotency.testsupport.HttpTestClient.basic("alice")).GET().build());
	}

	@Test
	void asyncRefundIsCreditedOnceAndReplayed() {
		String key = newKey();
		long credits = this.gateway.credits();
		HttpResponse<byte[]> first = this.client.refund("alice", key, this.account, "5.00");
		HttpResponse<byte[]> retry = this.client.refund("alice", key, this.account, "5.00");
		assertThat(first.statusCode()).isEqualTo(201);
		assertThat(first.headers().firstValue("Location")).hasValueSatisfying((l) -> assertThat(l).startsWith("/refunds/"));
		assertThat(replayed(retry)).isTrue();
		assertThat(retry.body()).isEqualTo(first.body());
		assertThat(this.gateway.credits() - credits).isEqualTo(1);
		assertThat(this.client.balance(this.account)).isEqualByComparingTo("1005.00");
	}

	@Test
	void twoUsersWithOneKeyGetSeparatePayments() {
		String key = newKey();
		HttpResponse<byte[]> alice = this.client.pay("alice", key, this.account, "10.00");
		HttpResponse<byte[]> bob = this.client.pay("bob", key, this.account, "10.00");
		assertThat(alice.statusCode()).isEqualTo(201);
		assertThat(bob.statusCode()).isEqualTo(201);
		assertThat(replayed(bob)).isFalse();
		assertThat(bob.headers().firstValue("Location")).isNotEqualTo(alice.headers().firstValue("Location"));
		assertThat(this.client.balance(this.account)).isEqualByComparingTo("980.00");
	}

	@Test
	void unauthenticatedRequestIs401AndLeavesTheKeyUnclaimed() {
		String key = newKey();
		HttpResponse<byte[]> anonymous = this.client.http().postWithKey("/payments", key,
				"{\"accountId\":\"" + this.account + "\",\"amount\":\"10.00\"}");
		assertThat(anonymous.statusCode()).isEqualTo(401);
		HttpResponse<byte[]> alice = this.client.pay("alice", key, this.account, "10.00");
		assertThat(alice.statusCode()).isEqualTo(201);
		assertThat(replayed(alice)).isFalse();
		assertThat(this.client.balance(this.account)).isEqualByComparingTo("990.00");
		assertThat(this.client.http().send(this.client.http().request("/accounts/" + this.account).GET().build())
			.statusCode()).isEqualTo(401);
	}

	@Test
	void thirtyTwoConcurrentRequestsWithOneKeyDebitOnce() throws Exception {
		String key = newKey();
		long debits = this.gateway.debits();
		int requests = 32;
		List<HttpResponse<byte[]>> responses = concurrently(requests, (i) -> this.client.pay("alice", key, this.account, "10.00"));
		Tally tally = Tally.of(responses);
		long executed = tally.executed();
		long replays = tally.replays();
		long conflicts = tally.conflicts();
		System.out.printf("[exactly-once] one key: %d requests sent, %d executed, %d replayed, %d got 409, %d debits%n",
				requests, executed, replays, conflicts, this.gateway.debits() - debits);
		assertThat(executed).isEqualTo(1);
		assertThat(executed + replays + conflicts).isEqualTo(requests);
		assertThat(this.gateway.debits() - debits).isEqualTo(1);
		assertThat(this.client.balance(this.account)).isEqualByComparingTo("990.00");
	}

	@Test
	void issue12_thirtyTwoRacingPaymentsWithOneKeyCommitOnePaymentRowAndOneDebit() throws Exception {
		String key = newKey();
		List<HttpResponse<byte[]>> responses = concurrently(32, (i) -> this.client.pay("alice", key, this.account, "10.00"));
		assertThat(responses).allSatisfy((r) -> assertThat(r.statusCode()).isIn(201, 409));
		assertThat(paymentRows()).isEqualTo(1);
		assertThat(storedBalance(this.account)).isEqualByComparingTo("990.00");
	}

	/**
	 * Whether a payment's debit commits before its answer: {@code true} where the debit commits on its own
	 * (in-memory and Redis stores), {@code false} with transactional completion, where the debit, the
	 * receipt step and the stored answer are one transaction.
	 */
	protected boolean debitCommitsBeforeTheAnswer() {
		return true;
	}

	@Test
	void issue12_afterDebitDelayWaitsAfterTheDebitHasCommitted() throws Exception {
		Duration delay = Duration.ofSeconds(2);
		this.properties.setAfterDebitDelay(delay);
		String order = "acc-" + UUID.randomUUID();
		String transfer = "acc-" + UUID.randomUUID();
		this.client.putAccount("alice", order, "1000.00");
		this.client.putAccount("alice", transfer, "1000.00");
		String token = this.client.token("alice");
		List<String> accounts = List.of(this.account, order, transfer);
		ExecutorService executor = Executors.newFixedThreadPool(3);
		try {
			long start = System.nanoTime();
			List<Future<HttpResponse<byte[]>>> sent = List.of(
					executor.submit(() -> this.client.pay("alice", newKey(), this.account, "10.00")),
					executor.submit(() -> this.client.payOrder("alice", "order-" + UUID.randomUUID(), order, "10.00")),
					executor.submit(() -> this.client.transfer("alice", token, transfer, "10.00")));
			if (debitCommitsBeforeTheAnswer()) {
				// The debits commit first; the answers come only after the receipt step.
				while (!accounts.stream().map(this::storedBalance).allMatch((b) -> b.compareTo(new BigDecimal("990.00")) == 0)) {
					assertThat(System.nanoTime() - start).as("the debits committed before the receipt step ended")
						.isLessThan(delay.toNanos());
					Thread.sleep(20);
				}
				assertThat(sent).as("answers while the handlers wait after their committed debits")
					.noneMatch(Future::isDone);
			}
			else {
				assertDebitsUncommittedDuringTheReceiptStep(accounts, start, delay);
			}
			for (Future<HttpResponse<byte[]>> response : sent) {
				assertThat(response.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(201);
			}
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(delay);
		}
		finally {
			executor.shutdownNow();
		}
		assertThat(accounts).allSatisfy((a) -> assertThat(storedBalance(a)).isEqualByComparingTo("990.00"));
		assertThat(paymentRows()).isEqualTo(1);
	}

	/**
	 * Until {@code delay} after {@code start} no transaction can have committed (each commits after its
	 * receipt step): in that window the debits must be underway, their account rows locked by the open
	 * transactions ({@code FOR UPDATE SKIP LOCKED} skips them), while the committed balances and payment
	 * rows are still untouched. Only reads that ended inside the window count.
	 */
	private void assertDebitsUncommittedDuringTheReceiptStep(List<String> accounts, long start, Duration delay)
			throws InterruptedException {
		boolean seenLocked = false;
		while (!seenLocked) {
			List<String> unlocked = this.jdbc.sql("SELECT id FROM account WHERE id IN (?, ?, ?) FOR UPDATE SKIP LOCKED")
				.params(accounts.get(0), accounts.get(1), accounts.get(2))
				.query(String.class)
				.list();
			List<BigDecimal> balances = accounts.stream().map(this::storedBalance).toList();
			long rows = paymentRows();
			long elapsed = System.nanoTime() - start;
			assertThat(elapsed).as("the three debits were underway (rows locked) before the receipt step ended")
				.isLessThan(delay.toNanos());
			assertThat(balances).as("committed balances while the handlers wait after their debits")
				.allSatisfy((b) -> assertThat(b).isEqualByComparingTo("1000.00"));
			assertThat(rows).as("committed payment rows while the handler waits after its debit").isZero();
			seenLocked = unlocked.isEmpty();
			Thread.sleep(20);
		}
	}

	@Test
	void issue12_amountsAndAccountIdsBeyondTheDatabaseColumnsAre400AndNothingMoves() {
		String longId = "a".repeat(256);
		HttpResponse<byte[]> longAccount = this.client.putAccount("alice", longId, "1.00");
		HttpResponse<byte[]> hugeBalance = this.client.putAccount("alice", this.account, "100000000000000000.00");
		HttpResponse<byte[]> hugeAmount = this.client.pay("alice", newKey(), this.account, "100000000000000000.00");
		assertThat(longAccount.statusCode()).isEqualTo(400);
		assertThat(text(longAccount)).contains("https://idempotency.dev/sample/problems/invalid-request");
		assertThat(this.client.getAccount("alice", longId).statusCode()).isEqualTo(404);
		assertThat(hugeBalance.statusCode()).isEqualTo(400);
		assertThat(text(hugeBalance)).contains("https://idempotency.dev/sample/problems/invalid-amount");
		assertThat(hugeAmount.statusCode()).isEqualTo(400);
		assertThat(text(hugeAmount)).contains("https://idempotency.dev/sample/problems/invalid-amount");
		assertThat(this.client.balance(this.account)).isEqualByComparingTo("1000.00");
		assertThat(this.client.putAccount("alice", this.account, "99999999999999999.99").statusCode()).isEqualTo(200);
		assertThat(this.client.balance(this.account)).isEqualByComparingTo("99999999999999999.99");
	}

	@Test
	void fiveHundredKeysSentThreeTimesConcurrentlyDebitOncePerKey() throws Exception {
		int keys = 500;
		int copies = 3;
		List<String> sends = new ArrayList<>();
		for (int k = 0; k < keys; k++) {
			String key = newKey();
			for (int c = 0; c < copies; c++) {
				sends.add(key);
			}
		}
		java.util.Collections.shuffle(sends);
		long debits = this.gateway.debits();
		List<HttpResponse<byte[]>> responses = concurrently(sends.size(),
				(i) -> this.client.pay("alice", sends.get(i), this.account, "1.00"));
		Tally tally = Tally.of(responses);
		long executed = tally.executed();
		long replays = tally.replays();
		long conflicts = tally.conflicts();
		long committed = this.gateway.debits() - debits;
		System.out.printf("[exactly-once] %d keys x %d: %d requests sent, %d executed, %d replayed, %d got 409, %d debits%n",
				keys, copies, sends.size(), executed, replays, conflicts, committed);
		assertThat(executed).isEqualTo(keys);
		assertThat(executed + replays + conflicts).isEqualTo(sends.size());
		assertThat(committed).isEqualTo(keys);
		assertThat(this.client.balance(this.account)).isEqualByComparingTo(new BigDecimal("1000.00").subtract(new BigDecimal(keys)));
	}

	@Test
	void orderPaymentIsIdempotentByTheOrderIdWithoutAnyHeader() {
		String order = "order-" + UUID.randomUUID();
		long debits = this.gateway.debits();
		HttpResponse<byte[]> first = this.client.payOrder("alice", order, this.account, "10.00");
		HttpResponse<byte[]> retry = this.client.payOrder("alice", order, this.account, "10.00");
		assertThat(first.statusCode()).isEqualTo(201);
		assertThat(replayed(first)).isFalse();
		assertThat(first.headers().firstValue("Location")).hasValueSatisfying((l) -> assertThat(l).startsWith("/payments/"));
		assertThat(text(first)).contains("\"orderId\":\"" + order + "\"").contains("\"amount\":\"10.00\"");
		assertThat(retry.statusCode()).isEqualTo(201);
		assertThat(replayed(retry)).isTrue();
		assertThat(retry.body()).isEqualTo(first.body());
		assertThat(this.gateway.debits() - debits).isEqualTo(1);
		assertThat(this.client.balance(this.account)).isEqualByComparingTo("990.00");
	}

	@Test
	void orderPaymentWithAnotherAmountIs422AndMovesNoMoney() {
		String order = "order-" + UUID.randomUUID();
		this.client.payOrder("alice", order, this.account, "10.00");
		HttpResponse<byte[]> other = this.client.payOrder("alice", order, this.account, "25.00");
		assertThat(other.statusCode()).isEqualTo(422);
		assertThat(text(other)).contains("https://idempotency.dev/problems/key-reused");
		assertThat(this.client.balance(this.account)).isEqualByComparingTo("990.00");
	}

	@Test
	void racingPaymentsOfOneOrderDebitOnce() throws Exception {
		String order = "order-" + UUID.randomUUID();
		long debits = this.gateway.debits();
		List<HttpResponse<byte[]>> responses = concurrently(16,
				(i) -> this.client.payOrder("alice", order, this.account, "10.00"));
		Tally tally = Tally.of(responses);
		long executed = tally.executed();
		long replays = tally.replays();
		long conflicts = tally.conflicts();
		assertThat(executed).isEqualTo(1);
		assertThat(executed + replays + conflicts).isEqualTo(16);
		assertThat(this.gateway.debits() - debits).isEqualTo(1);
		assertThat(this.client.balance(this.account)).isEqualByComparingTo("990.00");
	}

	@Test
	void transferWithATokenDebitsOnceAndItsRetryReplays() {
		String token = this.client.token("alice");
		long debits = this.gateway.debits();
		HttpResponse<byte[]> first = this.client.transfer("alice", token, this.account, "7.00");
		HttpResponse<byte[]> retry = this.client.transfer("alice", token, this.account, "7.00");
		assertThat(first.statusCode()).isEqualTo(201);
		assertThat(replayed(first)).isFalse();
		assertThat(retry.statusCode()).isEqualTo(201);
		assertThat(replayed(retry)).isTrue();
		assertThat(retry.body()).isEqualTo(first.body());
		assertThat(this.gateway.debits() - debits).isEqualTo(1);
		assertThat(this.client.balance(this.account)).isEqualByComparingTo("993.00");
	}

	@Test
	void transferWithAForgedMissingOrForeignTokenIsRefusedAndMovesNoMoney() {
		String bobsToken = this.client.token("bob");
		HttpResponse<byte[]> forged = this.client.transfer("alice", newKey(), this.account, "7.00");
		HttpResponse<byte[]> foreign = this.client.transfer("alice", bobsToken, this.account, "7.00");
		HttpResponse<byte[]> missing = this.client.move("/transfers", "alice", null, this.account, "7.00");
		assertThat(forged.statusCode()).isEqualTo(400);
		assertThat(text(forged)).contains("https://idempotency.dev/problems/invalid-token");
		assertThat(foreign.statusCode()).isEqualTo(400);
		assertThat(text(foreign)).contains("https://idempotency.dev/problems/invalid-token");
		assertThat(missing.statusCode()).isEqualTo(400);
		assertThat(text(missing)).contains("https://idempotency.dev/problems/missing-key");
		assertThat(this.client.balance(this.account)).isEqualByComparingTo("1000.00");
	}

	@Test
	void racingFirstUsesOfOneTokenDebitOnce() throws Exception {
		String token = this.client.token("alice");
		long debits = this.gateway.debits();
		List<HttpResponse<byte[]>> responses = concurrently(16,
				(i) -> this.client.transfer("alice", token, this.account, "10.00"));
		Tally tally = Tally.of(responses);
		long executed = tally.executed();
		long replays = tally.replays();
		long conflicts = tally.conflicts();
		System.out.printf("[exactly-once] one token: 16 requests sent, %d executed, %d replayed, %d got 409%n", executed,
				replays, conflicts);
		assertThat(executed).isEqualTo(1);
		assertThat(executed + replays + conflicts).isEqualTo(16);
		assertThat(this.gateway.debits() - debits).isEqualTo(1);
		assertThat(this.client.balance(this.account)).isEqualByComparingTo("990.00");
	}

	@Test
	void tokenEndpointRequiresAuthentication() {
		HttpResponse<byte[]> anonymous = this.client.http()
			.send(this.client.http().request("/idempotency-tokens").POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build());
		assertThat(anonymous.statusCode()).isEqualTo(401);
	}

	/** How many answers ran the handler (201, not replayed), were replays, or were 409. */
	record Tally(long executed, long replays, long conflicts) {

		static Tally of(List<HttpResponse<byte[]>> responses) {
			return new Tally(responses.stream().filter((r) -> r.statusCode() == 201 && !replayed(r)).count(),
					responses.stream().filter(SampleClient::replayed).count(),
					responses.stream().filter((r) -> r.statusCode() == 409).count());
		}

	}

	interface Send {

		HttpResponse<byte[]> send(int index) throws Exception;

	}

	static List<HttpResponse<byte[]>> concurrently(int requests, Send send) throws Exception {
		int threads = Math.min(requests, 64);
		CyclicBarrier start = new CyclicBarrier(threads);
		ExecutorService executor = Executors.newFixedThreadPool(threads);
		try {
			List<Future<HttpResponse<byte[]>>> futures = new ArrayList<>();
			for (int i = 0; i < requests; i++) {
				int index = i;
				futures.add(executor.submit(() -> {
					if (index < threads) {
						start.await(30, TimeUnit.SECONDS);
					}
					return send.send(index);
				}));
			}
			List<HttpResponse<byte[]>> responses = new ArrayList<>();
			for (Future<HttpResponse<byte[]>> future : futures) {
				responses.add(future.get(120, TimeUnit.SECONDS));
			}
			return responses;
		}
		finally {
			executor.shutdownNow();
		}
	}

}
