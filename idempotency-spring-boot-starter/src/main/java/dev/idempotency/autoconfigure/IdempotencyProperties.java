package dev.idempotency.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

import dev.idempotency.IdempotencySettings;
import dev.idempotency.ServerErrorMode;
import dev.idempotency.StoreFailureMode;

/**
 * Configuration of the idempotency filter ({@code idempotency.*}).
 */
@ConfigurationProperties("idempotency")
public class IdempotencyProperties {

	/**
	 * Whether the idempotency filter is enabled.
	 */
	private boolean enabled = true;

	/**
	 * Name of the request header carrying the idempotency key.
	 */
	private String headerName = "Idempotency-Key";

	/**
	 * Whether a bare token is accepted as key besides an RFC 8941 quoted string.
	 */
	private boolean lenientKeys = true;

	/**
	 * Maximum length of a key, in characters, after unquoting.
	 */
	private int maxKeyLength = 255;

	/**
	 * Which records a request can see: 'principal' (the authenticated user, else one anonymous scope),
	 * 'global', or 'header:<name>' (e.g. a tenant header). A bean of type IdempotencyScopeResolver
	 * replaces it.
	 */
	private String scope = "principal";

	/**
	 * Prefix of every Redis key the store writes.
	 */
	private String keyPrefix = "idempotency:";

	/**
	 * How long a claimed key stays reserved for a running handler before another request may run it.
	 */
	private Duration lease = Duration.ofSeconds(30);

	/**
	 * How long a completed answer is kept for replay.
	 */
	private Duration retention = Duration.ofHours(24);

	/**
	 * Whether the lease of a running handler is extended every third of the lease.
	 */
	private boolean leaseHeartbeat = true;

	/**
	 * Retry-After sent with 409 (in progress) and 503 (store unavailable), rounded up to whole seconds.
	 */
	private Duration retryAfter = Duration.ofSeconds(1);

	/**
	 * What to do when the store fails before the handler runs: 'fail-closed' answers 503, 'proceed' runs
	 * the handler without idempotency.
	 */
	private StoreFailureMode onStoreFailure = StoreFailureMode.FAIL_CLOSED;

	/**
	 * What to do with 5xx answers and exceptions: 'release' lets the next retry run again, 'store' keeps
	 * and replays them.
	 */
	private ServerErrorMode onServerError = ServerErrorMode.RELEASE;

	/**
	 * Largest request body buffered for the fingerprint; larger requests get 413.
	 */
	private DataSize maxRequestBody = DataSize.ofMegabytes(1);

	/**
	 * Largest response body kept for replay; larger answers are sent live and are not replayable.
	 */
	private DataSize maxResponseBody = DataSize.ofMegabytes(1);

	/**
	 * Response headers replayed in addition to Content-Type, Content-Encoding, Content-Language,
	 * Content-Disposition, Location, ETag, Last-Modified, Cache-Control and Link. Set-Cookie,
	 * authentication, hop-by-hop, CORS (Access-Control-*) and Vary headers are never replayed.
	 */
	private List<String> replayedHeaders = new ArrayList<>();

	/**
	 * Request headers that are part of the fingerprint, besides method, route, request path and query, and body.
	 */
	private List<String> fingerprintedHeaders = new ArrayList<>();

	/**
	 * Order of the filter registration. Defaults to right after Spring Security's filter chain
	 * (spring.security.filter.order + 1).
	 */
	private @Nullable Integer filterOrder;

	private final Store store = new Store();

	private final Tokens tokens = new Tokens();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public String getHeaderName() {
		return this.headerName;
	}

	public void setHeaderName(String headerName) {
		this.headerName = headerName;
	}

	public boolean isLenientKeys() {
		return this.lenientKeys;
	}

	public void setLenientKeys(boolean lenientKeys) {
		this.lenientKeys = lenientKeys;
	}

	public int getMaxKeyLength() {
		return this.maxKeyLength;
	}

	public void setMaxKeyLength(int maxKeyLength) {
		this.maxKeyLength = maxKeyLength;
	}

	public String getScope() {
		return this.scope;
	}

	public void setScope(String scope) {
		this.scope = scope;
	}

	public String getKeyPrefix() {
		return this.keyPrefix;
	}

	public void setKeyPrefix(String keyPrefix) {
		this.keyPrefix = keyPrefix;
	}

	public Duration getLease() {
		return this.lease;
	}

	public void setLease(Duration lease) {
		this.lease = lease;
	}

	public Duration getRetention() {
		return this.retention;
	}

	public void setRetention(Duration retention) {
		this.retention = retention;
	}

	public boolean isLeaseHeartbeat() {
		return this.leaseHeartbeat;
	}

	public void setLeaseHeartbeat(boolean leaseHeartbeat) {
		this.leaseHeartbeat = leaseHeartbeat;
	}

	public Duration getRetryAfter() {
		return this.retryAfter;
	}

	public void setRetryAfter(Duration retryAfter) {
		this.retryAfter = retryAfter;
	}

	public StoreFailureMode getOnStoreFailure() {
		return this.onStoreFailure;
	}

	public void setOnStoreFailure(StoreFailureMode onStoreFailure) {
		this.onStoreFailure = onStoreFailure;
	}

	public ServerErrorMode getOnServerError() {
		return this.onServerError;
	}

	public void setOnServerError(ServerErrorMode onServerError) {
		this.onServerError = onServerError;
	}

	public DataSize getMaxRequestBody() {
		return this.maxRequestBody;
	}

	public void setMaxRequestBody(DataSize maxRequestBody) {
		this.maxRequestBody = maxRequestBody;
	}

	public DataSize getMaxResponseBody() {
		return this.maxResponseBody;
	}

	public void setMaxResponseBody(DataSize maxResponseBody) {
		this.maxResponseBody = maxResponseBody;
	}

	public List<String> getReplayedHeaders() {
		return this.replayedHeaders;
	}

	public void setReplayedHeaders(List<String> replayedHeaders) {
		this.replayedHeaders = replayedHeaders;
	}

	public List<String> getFingerprintedHeaders() {
		return this.fingerprintedHeaders;
	}

	public void setFingerprintedHeaders(List<String> fingerprintedHeaders) {
		this.fingerprintedHeaders = fingerprintedHeaders;
	}

	public @Nullable Integer getFilterOrder() {
		return this.filterOrder;
	}

	public void setFilterOrder(@Nullable Integer filterOrder) {
		this.filterOrder = filterOrder;
	}

	public Store getStore() {
		return this.store;
	}

	public Tokens getTokens() {
		return this.tokens;
	}

	/** The core filter's settings, taken from these properties. */
	public IdempotencySettings toSettings() {
		return new IdempotencySettings().setHeaderName(this.headerName)
			.setLenientKeys(this.lenientKeys)
			.setMaxKeyLength(this.maxKeyLength)
			.setLease(this.lease)
			.setRetention(this.retention)
			.setLeaseHeartbeat(this.leaseHeartbeat)
			.setRetryAfter(this.retryAfter)
			.setOnStoreFailure(this.onStoreFailure)
			.setOnServerError(this.onServerError)
			.setMaxRequestBody(this.maxRequestBody)
			.setMaxResponseBody(this.maxResponseBody)
			.setReplayedHeaders(this.replayedHeaders)
			.setFingerprintedHeaders(this.fingerprintedHeaders)
			.setStoreRetryBudget(this.store.getRetryBudget());
	}

	/** Where records are kept. */
	public static class Store {

		/**
		 * Store to use: 'auto' (Redis when a Redis connection is configured, in-memory otherwise),
		 * 'redis', 'jdbc' (a table in the application's DataSource), or 'in-memory' (single instance
		 * only).
		 */
		private StoreType type = StoreType.AUTO;

		/**
		 * Longest time a single store call may wait for an answer.
		 */
		private Duration timeout = Duration.ofSeconds(2);

		/**
		 * Durable completion (Redis store): after storing an answer, wait (Redis WAIT) until this many
		 * replicas have it before sending it. 0 turns it off. Standalone or Sentinel only, not Cluster.
		 */
		private int durableReplicas;

		/**
		 * How long durable completion waits for the replicas. When it passes, the answer is sent anyway,
		 * and a warning is logged and counted.
		 */
		private Duration durableTimeout = Duration.ofSeconds(1);

		/**
		 * How long a completion or release that failed on a store error is tried again in the
		 * background, with the lease kept alive meanwhile. 0 never tries again.
		 */
		private Duration retryBudget = Duration.ofMinutes(1);

		private final InMemory inMemory = new InMemory();

		public StoreType getType() {
			return this.type;
		}

		public void setType(StoreType type) {
			this.type = type;
		}

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
		}

		public int getDurableReplicas() {
			return this.durableReplicas;
		}

		public void setDurableReplicas(int durableReplicas) {
			this.durableReplicas = durableReplicas;
		}

		public Duration getDurableTimeout() {
			return this.durableTimeout;
		}

		public void setDurableTimeout(Duration durableTimeout) {
			this.durableTimeout = durableTimeout;
		}

		public Duration getRetryBudget() {
			return this.retryBudget;
		}

		public void setRetryBudget(Duration retryBudget) {
			this.retryBudget = retryBudget;
		}

		public InMemory getInMemory() {
			return this.inMemory;
		}

	}

	/** Bounds of the in-memory store. */
	public static class InMemory {

		/**
		 * Most records the in-memory store holds (in progress, completed, and waiting one-time tokens). At
		 * the bound the oldest completed record is evicted; when none is left, new claims fail as a store
		 * failure (503 unless on-store-failure=proceed).
		 */
		private int maxRecords = 10_000;

		/**
		 * Most bytes of completed answers (bodies and stored headers) the in-memory store holds. At the
		 * bound the oldest completed records are evicted; an answer larger than this on its own is kept
		 * without its body, as not replayable.
		 */
		private DataSize maxBytes = DataSize.ofMegabytes(32);

		public int getMaxRecords() {
			return this.maxRecords;
		}

		public void setMaxRecords(int maxRecords) {
			this.maxRecords = maxRecords;
		}

		public DataSize getMaxBytes() {
			return this.maxBytes;
		}

		public void setMaxBytes(DataSize maxBytes) {
			this.maxBytes = maxBytes;
		}

	}

	/** Server-issued one-time tokens, for {@code @Idempotent(tokenRequired = true)} handlers. */
	public static class Tokens {

		/**
		 * Whether to expose the token endpoint, which issues one-time tokens bound to the caller's scope.
		 */
		private boolean enabled;

		/**
		 * Path of the token endpoint (POST answers 201 with the token and its expiry).
		 */
		private String path = "/idempotency-tokens";

		/**
		 * How long an issued token stays valid unless it is used.
		 */
		private Duration ttl = Duration.ofHours(1);

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public String getPath() {
			return this.path;
		}

		public void setPath(String path) {
			this.path = path;
		}

		public Duration getTtl() {
			return this.ttl;
		}

		public void setTtl(Duration ttl) {
			this.ttl = ttl;
		}

	}

	/** The kinds of store the auto-configuration can create. */
	public enum StoreType {

		/** Redis when a Redis connection factory exists, in-memory otherwise. */
		AUTO,

		/** Redis; start-up fails without a Redis connection factory. */
		REDIS,

		/** This JVM's memory: single instance only, lost on restart. */
		IN_MEMORY,

		/** A table in the application's database ({@code DataSource}); start-up fails without one. */
		JDBC

	}

}
