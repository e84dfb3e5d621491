package dev.idempotency.autoconfigure.actuate;

import java.time.Instant;
import java.util.Locale;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

import dev.idempotency.key.BusinessKeySource;
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

	private static final Map<String, BusinessKeySource.Kind> SOURCE_KINDS = Map.of("path-variable",
			BusinessKeySource.Kind.PATH_VARIABLE, "json-pointer", BusinessKeySource.Kind.JSON_POINTER,
			"query-parameter", BusinessKeySource.Kind.QUERY_PARAMETER, "header", BusinessKeySource.Kind.HEADER);

	private final IdempotencyStore store;

	public IdempotencyEndpoint(IdempotencyStore store) {
		this.store = store;
	}

	/**
	 * {@code GET /actuator/idempotency?scope=principal:alice&method=POST&route=/payments&key=k-1}, with
	 * {@code source} for a key that is not an {@code Idempotency-Key} header value: {@code token} for a
	 * one-time token (method and route then do not enter the record id), or a business key's source,
	 * {@code path-variable:<name>}, {@code json-pointer:<pointer>}, {@code query-parameter:<name>} or
	 * {@code header:<name>}.
	 */
	@ReadOperation
	public RecordDescriptor record(String scope, @Nullable String method, @Nullable String route, String key,
			@Nullable String source) {
		return recordById(recordId(scope, method, route, key, source));
	}

	/** {@code GET /actuator/idempotency/{recordId}} */
	@ReadOperation
	public RecordDescriptor recordById(@Selector String recordId) {
		return describe(recordId);
	}

	/** {@code DELETE /actuator/idempotency?scope=…&method=…&route=…&key=…[&source=…]} */
	@DeleteOperation
	public RecordDescriptor delete(String scope, @Nullable String method, @Nullable String route, String key,
			@Nullable String source) {
		return deleteById(recordId(scope, method, route, key, source));
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

	private static String recordId(String scope, @Nullable String method, @Nullable String route, String key,
			@Nullable String source) {
		if ("token".equals(source)) {
			return RecordIds.tokenRecordId(scope, key);
		}
		if (method == null || route == null) {
			throw new InvalidEndpointRequestException("Missing method or route",
					"method and route are required unless source=token");
		}
		String httpMethod = method.toUpperCase(Locale.ROOT);
		if (source == null || source.isEmpty() || source.equals("idempotency-key")) {
			return RecordIds.recordId(scope, httpMethod, route, key);
		}
		int colon = source.indexOf(':');
		BusinessKeySource.Kind kind = (colon > 0) ? SOURCE_KINDS.get(source.substring(0, colon)) : null;
		if (kind == null || colon == source.length() - 1) {
			throw new InvalidEndpointRequestException("Unknown source '" + source + "'",
					"source must be idempotency-key, token, or a business key's path-variable:<name>,"
							+ " json-pointer:<pointer>, query-parameter:<name> or header:<name>");
		}
		BusinessKeySource businessKey = new BusinessKeySource(kind, source.substring(colon + 1), false);
		return RecordIds.businessKeyRecordId(scope, httpMethod, route, businessKey.id(), key);
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
