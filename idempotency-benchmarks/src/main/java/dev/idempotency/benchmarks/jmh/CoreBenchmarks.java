package dev.idempotency.benchmarks.jmh;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.idempotency.fingerprint.CanonicalJson;
import dev.idempotency.fingerprint.RequestFingerprinter;
import dev.idempotency.key.IdempotencyKeyParser;
import dev.idempotency.key.RecordIds;
import dev.idempotency.store.ClaimResult;
import dev.idempotency.store.CompletedRecord;
import dev.idempotency.store.IdempotencyRecord;
import dev.idempotency.store.InMemoryIdempotencyStore;
import dev.idempotency.store.InProgressRecord;
import dev.idempotency.store.RecordCodec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Micro-benchmarks of the request-path building blocks of idempotency-core. Short defaults (1 fork,
 * 3 x 1 s warm-up, 5 x 1 s measurement) so the whole set runs in a few minutes on 2 cores; override on the
 * command line ({@code -f 3 -wi 5 -i 10 -w 2s -r 2s}) for steadier figures.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = { "-Xms512m", "-Xmx512m" })
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Thread)
public class CoreBenchmarks {

	static final String KEY = "7e6d5c4b-3a29-4180-9f7e-6d5c4b3a2918";

	private final IdempotencyKeyParser strictParser = new IdempotencyKeyParser(false, 255);

	private final List<String> quotedKey = List.of("\"" + KEY + "\"");

	private final RequestFingerprinter fingerprinter = new RequestFingerprinter(List.of());

	private byte[] json1k;

	private byte[] json64k;

	private CompletedRecord completed;

	private byte[] encodedCompleted;

	private InMemoryIdempotencyStore store;

	private InProgressRecord inProgress;

	private long sequence;

	@Setup
	public void setUp() {
		this.json1k = json(1024);
		this.json64k = json(64 * 1024);
		String fingerprint = this.fingerprinter.fingerprint("POST", "/payments", "/payments", "application/json",
				this.json1k, (name) -> List.of());
		Instant now = Instant.now();
		byte[] answer = "{\"id\":\"02e20188-5cda-400f-b1ce-53450f1d6d94\",\"accountId\":\"acc-1\",\"amount\":\"10.00\",\"status\":\"COMPLETED\"}"
			.getBytes(StandardCharsets.UTF_8);
		this.completed = new CompletedRecord(fingerprint, now, now, 201,
				List.of(new CompletedRecord.Header("Location", "/payments/02e20188-5cda-400f-b1ce-53450f1d6d94"),
						new CompletedRecord.Header("Content-Type", "application/json")),
				answer, true);
		this.encodedCompleted = RecordCodec.encode(this.completed);
		this.store = new InMemoryIdempotencyStore();
		this.inProgress = new InProgressRecord(fingerprint, now);
		this.store.claim("replayed", this.inProgress, "owner", Duration.ofSeconds(30));
		this.store.complete("replayed", "owner", this.completed, Duration.ofHours(24));
	}

	/** A JSON object of about {@code size} bytes, members out of order and with whitespace. */
	static byte[] json(int size) {
		StringBuilder json = new StringBuilder(size + 64).append("{ \"accountId\" : \"acc-1\", \"items\" : [");
		int i = 0;
		while (json.length() < size - 64) {
			if (i > 0) {
				json.append(", ");
			}
			json.append("{\"zeta\": ").append(i).append(", \"alpha\": \"item-").append(i)
				.append("\", \"amount\": \"10.00\"}");
			i++;
		}
		json.append("], \"amount\" : \"10.00\" }");
		return json.toString().getBytes(StandardCharsets.UTF_8);
	}

	@Benchmark
	public String keyParse() {
		return this.strictParser.parse(this.quotedKey);
	}

	@Benchmark
	public String recordId() {
		return RecordIds.recordId("alice", "POST", "/payments", KEY);
	}

	@Benchmark
	public byte[] canonicalJson1KiB() {
		return CanonicalJson.canonicalize(this.json1k);
	}

	@Benchmark
	public byte[] canonicalJson64KiB() {
		return CanonicalJson.canonicalize(this.json64k);
	}

	@Benchmark
	public String fingerprint1KiB() {
		return this.fingerprinter.fingerprint("POST", "/payments", "/payments", "application/json", this.json1k,
				(name) -> List.of());
	}

	@Benchmark
	public String fingerprint64KiB() {
		return this.fingerprinter.fingerprint("POST", "/payments", "/payments", "application/json", this.json64k,
				(name) -> List.of());
	}

	@Benchmark
	public byte[] recordEncode() {
		return RecordCodec.encode(this.completed);
	}

	@Benchmark
	public IdempotencyRecord recordDecode() {
		return RecordCodec.decode(this.encodedCompleted);
	}

	/** A first execution against the in-memory store: claim, complete, then delete to keep the map small. */
	@Benchmark
	public boolean inMemoryClaimComplete() {
		String id = "r" + (this.sequence++ & 1023);
		ClaimResult claim = this.store.claim(id, this.inProgress, "owner", Duration.ofSeconds(30));
		boolean completed = claim.isClaimed() && this.store.complete(id, "owner", this.completed, Duration.ofHours(24)).isStored();
		this.store.delete(id);
		return completed;
	}

	/** A replay against the in-memory store: the claim finds the completed record. */
	@Benchmark
	public ClaimResult inMemoryClaimExisting() {
		return this.store.claim("replayed", this.inProgress, "owner", Duration.ofSeconds(30));
	}

}
