package dev.idempotency.fingerprint;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

/**
 * Computes the request fingerprint that is stored with an idempotency record and
 * compared on every retry with the same key.
 * <p>
 * A fingerprint is {@code "v1:"} ({@code "v2:"} for form and multipart bodies) followed by the unpadded
 * base64url SHA-256 digest
 * of, each length-prefixed: the HTTP method, the route, the request target (path
 * and query as sent, so two requests that differ only in a path variable or a
 * query parameter are different requests), the body, and the name and
 * values of every configured header in name order. A JSON body
 * ({@code application/json} or any {@code +json} media type) is digested in its
 * {@link CanonicalJson canonical form}, so member order, whitespace and number
 * spelling do not matter; any other body, or a JSON body that does not parse, is
 * digested byte for byte. Instances are immutable and thread-safe.
 */
public final class RequestFingerprinter {

	/** Version prefix of the fingerprints of JSON and raw bodies, unchanged since the first release. */
	public static final String VERSION = "v1";

	/**
	 * Version prefix of the fingerprints of form and multipart bodies, whose digest changed when the filter
	 * began to read them from the raw bytes: a record of the earlier form is never compared with them.
	 */
	public static final String FORM_AND_MULTIPART_VERSION = "v2";

	private static final byte RAW_BODY = 0;

	private static final byte CANONICAL_JSON_BODY = 1;

	private final List<String> fingerprintedHeaders;

	/**
	 * Create a fingerprinter that includes the given request headers.
	 * @param fingerprintedHeaders header names, matched case-insensitively
	 */
	public RequestFingerprinter(List<String> fingerprintedHeaders) {
		TreeSet<String> names = new TreeSet<>();
		for (String name : fingerprintedHeaders) {
			names.add(name.toLowerCase(Locale.ROOT));
		}
		this.fingerprintedHeaders = List.copyOf(names);
	}

	/**
	 * Return the lowercased, sorted names of the headers included in fingerprints.
	 * @return the fingerprinted header names
	 */
	public List<String> getFingerprintedHeaders() {
		return this.fingerprintedHeaders;
	}

	/**
	 * Compute the fingerprint of a request.
	 * @param method the HTTP method, used as given
	 * @param route the route or path identifying the endpoint
	 * @param target the request target as sent: path and, if any, {@code ?query}
	 * @param contentType the request {@code Content-Type}, or {@code null}
	 * @param body the request body, empty if there is none
	 * @param headerValues returns the values of a request header, in order, for a
	 * lowercased header name; an empty list when the header is absent
	 * @return the fingerprint, {@code "v1:"} followed by an unpadded base64url
	 * SHA-256 digest
	 */
	public String fingerprint(String method, String route, String target, @Nullable String contentType, byte[] body,
			Function<String, List<String>> headerValues) {
		MessageDigest digest = sha256();
		update(digest, method);
		update(digest, route);
		update(digest, target);
		byte @Nullable [] canonical = isJson(contentType) ? canonicalOrNull(body) : null;
		if (canonical != null) {
			digest.update(CANONICAL_JSON_BODY);
			update(digest, canonical);
		}
		else {
			digest.update(RAW_BODY);
			update(digest, body);
		}
		for (String name : this.fingerprintedHeaders) {
			update(digest, name);
			List<String> values = headerValues.apply(name);
			if (values == null) {
				values = List.of();
			}
			updateLength(digest, values.size());
			for (String value : values) {
				update(digest, value);
			}
		}
		String version = isFormOrMultipart(contentType) ? FORM_AND_MULTIPART_VERSION : VERSION;
		return version + ":" + Base64.getUrlEncoder().withoutPadding().encodeToString(digest.digest());
	}

	/**
	 * Decide whether a stored fingerprint matches the fingerprint of the current
	 * request.
	 * <p>
	 * Fingerprints of the same version (the text before the first {@code ':'})
	 * match only when they are equal. A stored fingerprint with a different or
	 * missing version always matches: it was written by another fingerprint
	 * format and cannot be compared, and an honest retry must not be rejected as
	 * a key reused with a different request (422) just because the format changed.
	 * @param storedFingerprint the fingerprint stored with the idempotency record
	 * @param currentFingerprint the fingerprint of the current request
	 * @return whether the current request counts as the same request
	 */
	public static boolean matches(String storedFingerprint, String currentFingerprint) {
		String storedVersion = version(storedFingerprint);
		if (storedVersion == null || !storedVersion.equals(version(currentFingerprint))) {
			return true;
		}
		return storedFingerprint.equals(currentFingerprint);
	}

	private static @Nullable String version(String fingerprint) {
		int colon = fingerprint.indexOf(':');
		return (colon > 0) ? fingerprint.substring(0, colon) : null;
	}

	static boolean isFormOrMultipart(@Nullable String contentType) {
		return contentType != null
				&& (contentType.regionMatches(true, 0, "application/x-www-form-urlencoded", 0, 33)
						|| contentType.regionMatches(true, 0, "multipart/", 0, 10));
	}

	static boolean isJson(@Nullable String contentType) {
		if (contentType == null) {
			return false;
		}
		int semicolon = contentType.indexOf(';');
		String mediaType = ((semicolon >= 0) ? contentType.substring(0, semicolon) : contentType).trim()
			.toLowerCase(Locale.ROOT);
		int slash = mediaType.indexOf('/');
		if (slash <= 0 || slash == mediaType.length() - 1) {
			return false;
		}
		String subtype = mediaType.substring(slash + 1);
		return mediaType.equals("application/json") || (subtype.endsWith("+json") && subtype.length() > 5);
	}

	private static byte @Nullable [] canonicalOrNull(byte[] body) {
		try {
			return CanonicalJson.canonicalize(body);
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

	private static void update(MessageDigest digest, String value) {
		update(digest, value.getBytes(StandardCharsets.UTF_8));
	}

	private static void update(MessageDigest digest, byte[] bytes) {
		updateLength(digest, bytes.length);
		digest.update(bytes);
	}

	private static void updateLength(MessageDigest digest, int length) {
		digest.update(ByteBuffer.allocate(Integer.BYTES).putInt(length).array());
	}

	private static MessageDigest sha256() {
		try {
			return MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is not available", ex);
		}
	}

}
