package dev.idempotency;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import jakarta.servlet.MultipartConfigElement;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;
import org.springframework.util.unit.DataSize;

/**
 * The filter's settings, with the defaults of the behaviour contract. The Spring Boot starter fills it
 * from {@code idempotency.*} properties; plain Spring users set it by hand.
 */
public class IdempotencySettings {

	/** Header fields always replayed, before any configured extras (spec §8). */
	public static final List<String> DEFAULT_REPLAYED_HEADERS = List.of("Content-Type", "Content-Encoding",
			"Content-Language", "Content-Disposition", "Location", "ETag", "Last-Modified", "Cache-Control", "Link");

	/**
	 * Header fields never replayed, even when configured as extras (spec §8). The CORS fields and
	 * {@code Vary} are computed for each retry's {@code Origin} instead.
	 */
	public static final List<String> NEVER_REPLAYED_HEADERS = List.of("Set-Cookie", "Set-Cookie2",
			"WWW-Authenticate", "Authorization", "Proxy-Authenticate", "Date", "Content-Length",
			"Transfer-Encoding", "Connection", "Keep-Alive", "Upgrade", "Trailer", "Idempotent-Replayed", "Vary",
			"Access-Control-Allow-Origin", "Access-Control-Allow-Credentials", "Access-Control-Allow-Methods",
			"Access-Control-Allow-Headers", "Access-Control-Expose-Headers", "Access-Control-Max-Age",
			"Access-Control-Allow-Private-Network");

	private String headerName = "Idempotency-Key";

	private boolean lenientKeys = true;

	private int maxKeyLength = 255;

	private Duration lease = Duration.ofSeconds(30);

	private Duration retention = Duration.ofHours(24);

	private boolean leaseHeartbeat = true;

	private Duration retryAfter = Duration.ofSeconds(1);

	private StoreFailureMode onStoreFailure = StoreFailureMode.FAIL_CLOSED;

	private ServerErrorMode onServerError = ServerErrorMode.RELEASE;

	private DataSize maxRequestBody = DataSize.ofMegabytes(1);

	private DataSize maxResponseBody = DataSize.ofMegabytes(1);

	private Duration storeRetryBudget = Duration.ofMinutes(1);

	private List<String> replayedHeaders = new ArrayList<>();

	private List<String> fingerprintedHeaders = new ArrayList<>();

	private @Nullable MultipartConfigElement multipartConfig;

	public String getHeaderName() {
		return this.headerName;
	}

	public IdempotencySettings setHeaderName(String headerName) {
		Assert.hasText(headerName, "headerName must not be empty");
		this.headerName = headerName;
		return this;
	}

	public boolean isLenientKeys() {
		return this.lenientKeys;
	}

	public IdempotencySettings setLenientKeys(boolean lenientKeys) {
		this.lenientKeys = lenientKeys;
		return this;
	}

	public int getMaxKeyLength() {
		return this.maxKeyLength;
	}

	public IdempotencySettings setMaxKeyLength(int maxKeyLength) {
		Assert.isTrue(maxKeyLength > 0, "maxKeyLength must be positive");
		this.maxKeyLength = maxKeyLength;
		return this;
	}

	public Duration getLease() {
		return this.lease;
	}

	public IdempotencySettings setLease(Duration lease) {
		Assert.isTrue(lease.toMillis() > 0, "lease must be positive");
		this.lease = lease;
		return this;
	}

	public Duration getRetention() {
		return this.retention;
	}

	public IdempotencySettings setRetention(Duration retention) {
		Assert.isTrue(retention.toMillis() > 0, "retention must be positive");
		this.retention = retention;
		return this;
	}

	public boolean isLeaseHeartbeat() {
		return this.leaseHeartbeat;
	}

	public IdempotencySettings setLeaseHeartbeat(boolean leaseHeartbeat) {
		this.leaseHeartbeat = leaseHeartbeat;
		return this;
	}

	public Duration getRetryAfter() {
		return this.retryAfter;
	}

	public IdempotencySettings setRetryAfter(Duration retryAfter) {
		Assert.isTrue(!retryAfter.isNegative(), "retryAfter must not be negative");
		this.retryAfter = retryAfter;
		return this;
	}

	public StoreFailureMode getOnStoreFailure() {
		return this.onStoreFailure;
	}

	public IdempotencySettings setOnStoreFailure(StoreFailureMode onStoreFailure) {
		this.onStoreFailure = onStoreFailure;
		return this;
	}

	public ServerErrorMode getOnServerError() {
		return this.onServerError;
	}

	public IdempotencySettings setOnServerError(ServerErrorMode onServerError) {
		this.onServerError = onServerError;
		return this;
	}

	public DataSize getMaxRequestBody() {
		return this.maxRequestBody;
	}

	public IdempotencySettings setMaxRequestBody(DataSize maxRequestBody) {
		Assert.isTrue(!maxRequestBody.isNegative() && maxRequestBody.toBytes() < Integer.MAX_VALUE - 8,
				"maxRequestBody must be between 0 and 2 GB");
		this.maxRequestBody = maxRequestBody;
		return this;
	}

	public DataSize getMaxResponseBody() {
		return this.maxResponseBody;
	}

	public IdempotencySettings setMaxResponseBody(DataSize maxResponseBody) {
		Assert.isTrue(!maxResponseBody.isNegative() && maxResponseBody.toBytes() < Integer.MAX_VALUE - 8,
				"maxResponseBody must be between 0 and 2 GB");
		this.maxResponseBody = maxResponseBody;
		return this;
	}

	/**
	 * How long a completion or release that failed on a store error is tried again in the background,
	 * with the lease kept alive meanwhile; zero never tries again.
	 */
	public Duration getStoreRetryBudget() {
		return this.storeRetryBudget;
	}

	public IdempotencySettings setStoreRetryBudget(Duration storeRetryBudget) {
		Assert.isTrue(!storeRetryBudget.isNegative(), "storeRetryBudget must not be negative");
		this.storeRetryBudget = storeRetryBudget;
		return this;
	}

	/**
	 * The multipart configuration of the application's servlet ({@code spring.servlet.multipart.*} in Spring
	 * Boot), or {@code null} when it has none. The filter buffers multipart bodies itself and serves their parts
	 * under this configuration, failing as the container fails when there is none or a limit is exceeded.
	 */
	public @Nullable MultipartConfigElement getMultipartConfig() {
		return this.multipartConfig;
	}

	public IdempotencySettings setMultipartConfig(@Nullable MultipartConfigElement multipartConfig) {
		this.multipartConfig = multipartConfig;
		return this;
	}

	/** Extra header fields to replay on top of {@link #DEFAULT_REPLAYED_HEADERS}. */
	public List<String> getReplayedHeaders() {
		return this.replayedHeaders;
	}

	public IdempotencySettings setReplayedHeaders(List<String> replayedHeaders) {
		this.replayedHeaders = new ArrayList<>(replayedHeaders);
		return this;
	}

	/** Request header fields that are part of the fingerprint. */
	public List<String> getFingerprintedHeaders() {
		return this.fingerprintedHeaders;
	}

	public IdempotencySettings setFingerprintedHeaders(List<String> fingerprintedHeaders) {
		this.fingerprintedHeaders = new ArrayList<>(fingerprintedHeaders);
		return this;
	}

}
