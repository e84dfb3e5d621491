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
		return hash(scope, method, route, key);
	}

	/**
	 * Return the record id of a business key: like {@link #recordId(String, String, String, String)}, with
	 * the key's source as a fifth field, so a business key never shares a record with a header key or with
	 * a business key of another source.
	 * @param source where the key was found, e.g. {@code path variable:orderId}
	 */
	public static String businessKeyRecordId(String scope, String method, String route, String source, String key) {
		return hash(scope, method, route, source, key);
	}

	/**
	 * Return the record id of a one-time token: scope and token only, since the token is issued before the
	 * operation it will key is known. The token and the record it becomes share this id, hence one Redis
	 * key and one Cluster slot.
	 */
	public static String tokenRecordId(String scope, String token) {
		return hash(scope, "one-time-token", token);
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

	private static String hash(String... fields) {
		MessageDigest digest = SHA_256.get();
		digest.reset();
		for (String field : fields) {
			update(digest, field);
		}
		return ENCODER.encodeToString(digest.digest());
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
