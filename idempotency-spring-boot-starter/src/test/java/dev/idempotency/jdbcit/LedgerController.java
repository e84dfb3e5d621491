package dev.idempotency.jdbcit;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.idempotency.Idempotent;

/** Handlers that write a ledger row in the application's database, for the transactional completion tests. */
@RestController
@RequestMapping("/tx")
public class LedgerController {

	static final String TABLE = "CREATE TABLE IF NOT EXISTS ledger (entry VARCHAR(100) NOT NULL)";

	final Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();

	final Map<String, CountDownLatch> gates = new ConcurrentHashMap<>();

	private final JdbcTemplate jdbc;

	private final TransactionTemplate requiresNew;

	private final TransactionTemplate required;

	LedgerController(JdbcTemplate jdbc, PlatformTransactionManager transactions) {
		this.jdbc = jdbc;
		this.jdbc.execute(TABLE);
		this.requiresNew = new TransactionTemplate(transactions);
		this.requiresNew.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
		this.required = new TransactionTemplate(transactions);
	}

	int runs(String key) {
		AtomicInteger count = this.runs.get(key);
		return (count != null) ? count.get() : 0;
	}

	void gate(String key, CountDownLatch gate) {
		this.gates.put(key, gate);
	}

	private void write(String key) {
		this.runs.computeIfAbsent(key, (k) -> new AtomicInteger()).incrementAndGet();
		this.jdbc.update("INSERT INTO ledger (entry) VALUES (?)", key);
	}

	@Idempotent
	@PostMapping("/ok")
	ResponseEntity<String> ok(@RequestHeader("Idempotency-Key") String key) throws InterruptedException {
		write(key);
		CountDownLatch gate = this.gates.get(key);
		if (gate != null) {
			gate.await(30, TimeUnit.SECONDS);
		}
		return ResponseEntity.status(HttpStatus.CREATED).body("written " + key);
	}

	@Idempotent
	@PostMapping("/throws")
	String throwsAfterWriting(@RequestHeader("Idempotency-Key") String key) {
		write(key);
		throw new IllegalStateException("failed after writing " + key);
	}

	@Idempotent
	@PostMapping("/unavailable")
	ResponseEntity<String> unavailable(@RequestHeader("Idempotency-Key") String key) {
		write(key);
		return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).body("try later");
	}

	@Idempotent
	@PostMapping("/refused")
	ResponseEntity<String> refused(@RequestHeader("Idempotency-Key") String key) {
		write(key);
		return ResponseEntity.status(HttpStatus.UNPROCESSABLE_ENTITY).body("refused " + key);
	}

	/** Writes in a joined transaction that throws; an exception handler turns it into a 422. */
	@Idempotent
	@PostMapping("/refused-by-exception")
	String refusedByException(@RequestHeader("Idempotency-Key") String key) {
		this.required.executeWithoutResult((status) -> {
			write(key);
			throw new Refused(key);
		});
		return "never";
	}

	@ExceptionHandler
	ResponseEntity<String> refused(Refused ex) {
		return ResponseEntity.status(HttpStatus.UNPROCESSABLE_ENTITY).body(ex.getMessage());
	}

	static final class Refused extends RuntimeException {

		Refused(String key) {
			super("refused " + key);
		}

	}

	@Idempotent
	@PostMapping("/requires-new")
	String requiresNewThenThrows(@RequestHeader("Idempotency-Key") String key) {
		this.requiresNew.executeWithoutResult((status) -> write(key + ":own-transaction"));
		write(key);
		throw new IllegalStateException("failed after writing " + key);
	}

}
