package dev.idempotency.autoconfigure.actuate;

import java.time.Instant;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

import dev.idempotency.key.RecordIds;
import dev.idempotency.store.CompletedRecord;
import dev.idempotency.store.IdempotencyRecord;
import dev.idempotency.store.IdempotencyStore;

/**
 * The operator's view of idempotency records ({@code /actuator/idempotency}): look a record up by its
 * record id, or by the scope, method, route pattern and key it was made from, and delete it — for a
 * client stuck on 409 after an instance crashed. Off by default ({@link Access#NONE}); enable it with
 * {@code management.endpoint.idempotency.access=unrestricted} and expose it like any other endpoint. It is
 * secured like every actuator endpoint. Stored bodies are never shown, only their size.
 */
@Endpoint(id = "idempotency", defaultAccess = Access.NONE)
public class IdempotencyEndpoint {

	private final IdempotencyStore store;

	public IdempotencyEndpoint(IdempotencyStore store) {
		this.store = store;
	}

	/** {@code GET /actuator/idempotency?scope=principal:alice&method=POST&route=/payments&key=k-1} */
	@ReadOperation
	public RecordDescriptor record(String scope, String method, String route, String key) {
		return recordById(recordId(scope, method, route, key));
	}

	/** {@code GET /actuator/idempotency/{recordId}} */
	@ReadOperation
	public RecordDescriptor recordById(@Selector String recordId) {
		return describe(recordId);
	}

	/** {@code DELETE /actuator/idempotency?scope=…&method=…&route=…&key=…} */
	@DeleteOperation
	public RecordDescriptor delete(String scope, String method, String route, String key) {
		return deleteById(recordId(scope, method, route, key));
	}

	/** {@code DELETE /actuator/idempotency/{recordId}} */
	@DeleteOperation
	public RecordDescriptor deleteById(@Selector String recordId) {
		RecordDescriptor deleted = describe(recordId);
		this.store.delete(recordId);
		return deleted;
	}

	/** The record, or {@code UNREADABLE} when the stored bytes are not a record this version can read. */
	private RecordDescriptor describe(String recordId) {
		try {
			return RecordDescriptor.of(recordId, this.store.find(recordId));
		}
		catch (IllegalArgumentException ex) {
			return new RecordDescriptor(recordId, "UNREADABLE", null, null, null, null, null, null);
		}
	}

	private static String recordId(String scope, String method, String route, String key) {
		return RecordIds.recordId(scope, method.toUpperCase(Locale.ROOT), route, key);
	}

	/**
	 * What an operator sees of a record; {@code state} is {@code ABSENT}, {@code IN_PROGRESS},
	 * {@code COMPLETED} or {@code UNREADABLE}. After a delete it describes the record that was deleted.
	 */
	public record RecordDescriptor(String recordId, String state, @Nullable String fingerprint,
			@Nullable Instant createdAt, @Nullable Instant completedAt, @Nullable Integer status,
			@Nullable Boolean replayable, @Nullable Integer bodyBytes) {

		static RecordDescriptor of(String recordId, @Nullable IdempotencyRecord record) {
			if (record == null) {
				return new RecordDescriptor(recordId, "ABSENT", null, null, null, null, null, null);
			}
			if (record instanceof CompletedRecord completed) {
				return new RecordDescriptor(recordId, "COMPLETED", completed.fingerprint(), completed.createdAt(),
						completed.completedAt(), completed.status(), completed.replayable(), completed.body().length);
			}
			return new RecordDescriptor(recordId, "IN_PROGRESS", record.fingerprint(), record.createdAt(), null, null,
					null, null);
		}

	}

}
