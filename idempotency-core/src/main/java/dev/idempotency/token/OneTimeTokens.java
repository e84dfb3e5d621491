package dev.idempotency.token;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;

import org.springframework.util.Assert;

import dev.idempotency.key.RecordIds;
import dev.idempotency.store.IdempotencyStore;

/**
 * Issues one-time tokens: 192 random bits from {@link SecureRandom}, base64url-encoded (32 characters),
 * stored under the record id they will key, {@linkplain RecordIds#tokenRecordId derived from the scope and
 * the token}, so that only a request in the same scope finds it, and its first use turns it into the record
 * in one atomic store step. The store keeps the token until it is used or its TTL passes; nothing else.
 */
public class OneTimeTokens {

	private static final int TOKEN_BYTES = 24;

	private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

	private final IdempotencyStore store;

	private final Duration ttl;

	private final Clock clock;

	private final SecureRandom random = new SecureRandom();

	public OneTimeTokens(IdempotencyStore store, Duration ttl) {
		this(store, ttl, Clock.systemUTC());
	}

	public OneTimeTokens(IdempotencyStore store, Duration ttl, Clock clock) {
		Assert.isTrue(ttl.toMillis() > 0, "The token TTL must be positive");
		this.store = store;
		this.ttl = ttl;
		this.clock = clock;
	}

	/**
	 * Issues a token to {@code scope}.
	 * @throws dev.idempotency.store.IdempotencyStoreException when the store fails
	 */
	public IssuedToken issue(String scope) {
		byte[] bytes = new byte[TOKEN_BYTES];
		this.random.nextBytes(bytes);
		String token = ENCODER.encodeToString(bytes);
		Instant issuedAt = this.clock.instant();
		this.store.issueToken(RecordIds.tokenRecordId(scope, token), this.ttl);
		return new IssuedToken(token, issuedAt.plus(this.ttl).truncatedTo(ChronoUnit.SECONDS));
	}

	/** How long an unused token stays valid. */
	public Duration ttl() {
		return this.ttl;
	}

	/**
	 * A token and when it expires, to the second, rounded down (by this application's clock; the store
	 * expires it by its own).
	 * @param token the value to send in the {@code Idempotency-Key} header
	 * @param expiresAt when the token stops being accepted, unless used before
	 */
	public record IssuedToken(String token, Instant expiresAt) {
	}

}
