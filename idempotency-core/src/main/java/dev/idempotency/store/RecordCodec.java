package dev.idempotency.store;

import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.ObjectWriteContext;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.json.JsonFactory;

/**
 * The stored form of a record, language-neutral and versioned (spec §12): one line of UTF-8 JSON, a
 * line feed, then the body bytes as they are (binary-safe, no Base64). For example:
 *
 * <pre>
 * {"v":1,"state":"COMPLETED","fp":"v1:…","createdAt":1732384000000,"completedAt":1732384000120,
 *  "status":201,"replayable":true,"headers":[["Content-Type","application/json"]]}\n{"id":"p-1"}
 * </pre>
 *
 * Readers ignore members they do not know and never read type names, so a record written by version N
 * is read by version N+1, and by N when N+1 only adds members.
 */
public final class RecordCodec {

	/** The format version written by this release. */
	public static final int VERSION = 1;

	private static final JsonFactory JSON = new JsonFactory();

	private static final String IN_PROGRESS = "IN_PROGRESS";

	private static final String COMPLETED = "COMPLETED";

	private RecordCodec() {
	}

	public static byte[] encode(IdempotencyRecord record) {
		ByteArrayOutputStream out = new ByteArrayOutputStream(
				256 + ((record instanceof CompletedRecord completed) ? completed.body().length : 0));
		try (JsonGenerator json = JSON.createGenerator(ObjectWriteContext.empty(), out)) {
			json.writeStartObject();
			json.writeNumberProperty("v", VERSION);
			json.writeStringProperty("state", (record instanceof CompletedRecord) ? COMPLETED : IN_PROGRESS);
			json.writeStringProperty("fp", record.fingerprint());
			json.writeNumberProperty("createdAt", record.createdAt().toEpochMilli());
			if (record instanceof CompletedRecord completed) {
				json.writeNumberProperty("completedAt", completed.completedAt().toEpochMilli());
				json.writeNumberProperty("status", completed.status());
				json.writeBooleanProperty("replayable", completed.replayable());
				json.writeName("headers");
				json.writeStartArray();
				for (CompletedRecord.Header header : completed.headers()) {
					json.writeStartArray();
					json.writeString(header.name());
					json.writeString(header.value());
					json.writeEndArray();
				}
				json.writeEndArray();
				if (completed.sentError() != null) {
					json.writeName("sentError");
					json.writeStartObject();
					if (completed.sentError().message() != null) {
						json.writeStringProperty("message", completed.sentError().message());
					}
					json.writeEndObject();
				}
			}
			json.writeEndObject();
		}
		out.write('\n');
		if (record instanceof CompletedRecord completed) {
			out.writeBytes(completed.body());
		}
		return out.toByteArray();
	}

	/**
	 * Reads a stored record.
	 * @throws IllegalArgumentException when the bytes are not a record of a known layout
	 */
	public static IdempotencyRecord decode(byte[] bytes) {
		int newline = indexOf(bytes, (byte) '\n');
		if (newline < 0) {
			throw new IllegalArgumentException("Not an idempotency record: no header line");
		}
		String state = null;
		String fingerprint = null;
		long createdAt = 0;
		long completedAt = 0;
		int status = 0;
		boolean replayable = false;
		List<CompletedRecord.Header> headers = new ArrayList<>();
		CompletedRecord.SentError sentError = null;
		try (JsonParser json = JSON.createParser(ObjectReadContext.empty(), bytes, 0, newline)) {
			if (json.nextToken() != JsonToken.START_OBJECT) {
				throw new IllegalArgumentException("Not an idempotency record: header is not a JSON object");
			}
			while (json.nextToken() == JsonToken.PROPERTY_NAME) {
				String name = json.currentName();
				JsonToken value = json.nextToken();
				switch (name) {
					case "state" -> state = json.getString();
					case "fp" -> fingerprint = json.getString();
					case "createdAt" -> createdAt = json.getLongValue();
					case "completedAt" -> completedAt = json.getLongValue();
					case "status" -> status = json.getIntValue();
					case "replayable" -> replayable = (value == JsonToken.VALUE_TRUE);
					case "headers" -> readHeaders(json, headers);
					case "sentError" -> sentError = readSentError(json);
					default -> json.skipChildren();
				}
			}
		}
		catch (tools.jackson.core.JacksonException ex) {
			throw new IllegalArgumentException("Not an idempotency record: " + ex.getOriginalMessage(), ex);
		}
		if (fingerprint == null || state == null) {
			throw new IllegalArgumentException("Not an idempotency record: state or fingerprint missing");
		}
		if (IN_PROGRESS.equals(state)) {
			return new InProgressRecord(fingerprint, Instant.ofEpochMilli(createdAt));
		}
		if (COMPLETED.equals(state)) {
			byte[] body = new byte[bytes.length - newline - 1];
			System.arraycopy(bytes, newline + 1, body, 0, body.length);
			return new CompletedRecord(fingerprint, Instant.ofEpochMilli(createdAt), Instant.ofEpochMilli(completedAt),
					status, headers, body, replayable, sentError);
		}
		throw new IllegalArgumentException("Not an idempotency record: unknown state " + state);
	}

	private static CompletedRecord.@Nullable SentError readSentError(JsonParser json) {
		if (!json.hasToken(JsonToken.START_OBJECT)) {
			json.skipChildren();
			return null;
		}
		String message = null;
		while (json.nextToken() == JsonToken.PROPERTY_NAME) {
			String name = json.currentName();
			JsonToken value = json.nextToken();
			if (name.equals("message") && value == JsonToken.VALUE_STRING) {
				message = json.getString();
			}
			else {
				json.skipChildren();
			}
		}
		return new CompletedRecord.SentError(message);
	}

	private static void readHeaders(JsonParser json, List<CompletedRecord.Header> headers) {
		if (!json.hasToken(JsonToken.START_ARRAY)) {
			json.skipChildren();
			return;
		}
		while (json.nextToken() != JsonToken.END_ARRAY) {
			if (!json.hasToken(JsonToken.START_ARRAY)) {
				json.skipChildren();
				continue;
			}
			String[] pair = new String[2];
			int index = 0;
			while (json.nextToken() != JsonToken.END_ARRAY) {
				if (index < 2 && json.hasToken(JsonToken.VALUE_STRING)) {
					pair[index] = json.getString();
				}
				else {
					json.skipChildren();
				}
				index++;
			}
			if (pair[0] != null && pair[1] != null) {
				headers.add(new CompletedRecord.Header(pair[0], pair[1]));
			}
		}
	}

	private static int indexOf(byte[] bytes, byte wanted) {
		for (int i = 0; i < bytes.length; i++) {
			if (bytes[i] == wanted) {
				return i;
			}
		}
		return -1;
	}

}
