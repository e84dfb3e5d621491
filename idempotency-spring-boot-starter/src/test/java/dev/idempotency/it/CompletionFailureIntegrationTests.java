package dev.idempotency.it;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

import dev.idempotency.store.ClaimResult;
import dev.idempotency.store.CompletedRecord;
import dev.idempotency.store.CompletionResult;
import dev.idempotency.store.IdempotencyRecord;
import dev.idempotency.store.IdempotencyStore;
import dev.idempotency.store.IdempotencyStoreException;
import dev.idempotency.store.InMemoryIdempotencyStore;
import dev.idempotency.store.InProgressRecord;
import dev.idempotency.testsupport.HttpTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When the completion write fails after the handler ran, the outcome is unknown: the client still gets
 * the handler's answer, and the lease is kept so duplicates get 409 instead of a second execution.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "idempotency.lease=30s")
@Import(CompletionFailureIntegrationTests.FailingCompletionStore.class)
class CompletionFailureIntegrationTests {

	@LocalServerPort
	int port;

	@Autowired
	TestApplication.Executions executions;

	@Test
	void spec7_failedCompletionWriteKeepsTheLeaseAndTheClientStillGetsTheAnswer() {
		String key = UUID.randomUUID().toString();
		HttpTestClient http = new HttpTestClient(this.port);
		HttpResponse<byte[]> first = http.postWithKey("/it/payments", key, "{}");
		HttpResponse<byte[]> retry = http.postWithKey("/it/payments", key, "{}");
		assertThat(first.statusCode()).isEqualTo(201);
		assertThat(retry.statusCode()).isEqualTo(409);
		assertThat(this.executions.count("payments", key)).isEqualTo(1);
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class FailingCompletionStore {

		@Bean
		IdempotencyStore idempotencyStore() {
			InMemoryIdempotencyStore memory = new InMemoryIdempotencyStore();
			return new IdempotencyStore() {

				@Override
				public ClaimResult claim(String recordId, InProgressRecord record, String ownerToken, Duration lease) {
					return memory.claim(recordId, record, ownerToken, lease);
				}

				@Override
				public boolean supportsTokens() {
					return memory.supportsTokens();
				}

				@Override
				public void issueToken(String recordId, Duration ttl) {
					memory.issueToken(recordId, ttl);
				}

				@Override
				public ClaimResult claimToken(String recordId, InProgressRecord record, String ownerToken, Duration lease) {
					return memory.claimToken(recordId, record, ownerToken, lease);
				}

				@Override
				public CompletionResult complete(String recordId, String ownerToken, CompletedRecord record,
						Duration retention) {
					throw new IdempotencyStoreException("completion write lost", new IllegalStateException());
				}

				@Override
				public boolean release(String recordId, String ownerToken) {
					return memory.release(recordId, ownerToken);
				}

				@Override
				public boolean extendLease(String recordId, String ownerToken, Duration lease) {
					return memory.extendLease(recordId, ownerToken, lease);
				}

				@Override
				public boolean delete(String recordId) {
					return memory.delete(recordId);
				}

				@Override
				public IdempotencyRecord find(String recordId) {
					return memory.find(recordId);
				}

			};
		}

	}

}
