package dev.idempotency.key;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * Derives the opaque id under which an idempotency record is stored.
 * <p>
 * A record id is the unpadded base64url encoding (43 characters) of the SHA-256 hash
 * of scope, method, route and key, each field encoded as UTF-8 and preceded by its
 * byte length as a 4-byte big-endian integer, so that distinct field tuples never
 * collide by concatenation. The id does not reveal the key; {@link #logId(String)}
 * gives a shorter form of it for log messages.
 */
public final class RecordIds {

	private static final int LOG_ID_LENGTH = 8;

	private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(RecordIds::newSha256);

	private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

	private RecordIds() {
	}

	/**
	 * Return the record id for the given request identity.
	 * @param scope the scope the key belongs to, such as a tenant or client
	 * @param method the HTTP method
	 * @param route the route the request was matched to
	 * @param key the idempotency key
	 * @return a 43-character base64url string without padding
	 */
	public static String recordId(String scope, String method, String route, String key) {
		MessageDigest digest = SHA_256.get();
		digest.reset();
		update(digest, scope);
		update(digest, method);
		update(digest, route);
		update(digest, key);
		return ENCODER.encodeToString(digest.digest());
	}

	/**
	 * Return a short prefix of a record id that is safe to include in log messages.
	 * @param recordId a record id as returned by
	 * {@link #recordId(String, String, String, String)}
	 * @return the first 8 characters of the record id
	 * @throws IllegalArgumentException if {@code recordId} is shorter than 8 characters
	 */
	public static String logId(String recordId) {
		if (recordId.length() < LOG_ID_LENGTH) {
			throw new IllegalArgumentException("Not a record id: too short");
		}
		return recordId.substring(0, LOG_ID_LENGTH);
	}

	private static void update(MessageDigest digest, String field) {
		byte[] bytes = field.getBytes(StandardCharsets.UTF_8);
		int length = bytes.length;
		digest.update((byte) (length >>> 24));
		digest.update((byte) (length >>> 16));
		digest.update((byte) (length >>> 8));
		digest.update((byte) length);
		digest.update(bytes);
	}

	private static MessageDigest newSha256() {
		try {
			return MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is not available", ex);
		}
	}

}
