package dev.idempotency.web;

import java.io.File;
import java.io.IOException;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import jakarta.servlet.MultipartConfigElement;
import jakarta.servlet.http.Part;
import org.jspecify.annotations.Nullable;

/**
 * The parts Tomcat makes of a multipart body under a servlet's {@link MultipartConfigElement}: only parts with a
 * {@code form-data} name (others are skipped), each field without a file name also a request parameter, and the
 * same failures: {@code max-request-size} and {@code max-file-size} exceeded (HTTP 413, which Spring turns into
 * {@code MaxUploadSizeExceededException}), a malformed body an {@link IOException}.
 */
final class MultipartParts {

	private final List<Part> parts;

	private final List<Map.Entry<String, String>> fields;

	private final @Nullable Exception failure;

	private MultipartParts(List<Part> parts, List<Map.Entry<String, String>> fields, @Nullable Exception failure) {
		this.parts = parts;
		this.fields = fields;
		this.failure = failure;
	}

	static MultipartParts none() {
		return new MultipartParts(Collections.emptyList(), List.of(), null);
	}

	static MultipartParts failed(Exception failure) {
		return new MultipartParts(Collections.emptyList(), List.of(), failure);
	}

	/**
	 * @param parsed the body's parts, or {@code null} when it is malformed
	 * @param malformed why it is malformed
	 * @param requestSize the declared {@code Content-Length}, or the body's length when none was declared
	 */
	static MultipartParts of(@Nullable List<MultipartBody.RawPart> parsed, @Nullable String malformed,
			MultipartConfigElement config, long requestSize, Charset charset, Supplier<@Nullable File> location) {
		if (config.getMaxRequestSize() >= 0 && requestSize > config.getMaxRequestSize()) {
			return failed(ContainerFailures.invalidParameter("the request was rejected because its size (" + requestSize
					+ ") exceeds the configured maximum (" + config.getMaxRequestSize() + ")", 413));
		}
		if (parsed == null) {
			return failed(new IOException(malformed));
		}
		List<Part> parts = new ArrayList<>();
		List<Map.Entry<String, String>> fields = new ArrayList<>();
		for (MultipartBody.RawPart raw : parsed) {
			String name = raw.name();
			if (name == null) {
				continue;
			}
			if (config.getMaxFileSize() >= 0 && raw.content().length > config.getMaxFileSize()) {
				return failed(ContainerFailures.invalidParameter("The field " + name
						+ " exceeds its maximum permitted size of " + config.getMaxFileSize() + " bytes.", 413));
			}
			BufferedPart part = new BufferedPart(name, raw, location);
			parts.add(part);
			if (part.getSubmittedFileName() == null) {
				fields.add(Map.entry(name, part.getString(charset)));
			}
		}
		return new MultipartParts(Collections.unmodifiableList(parts), fields, null);
	}

	/** As {@code getParts()}: the parts, or Tomcat's exception. */
	List<Part> parts() throws IOException {
		if (this.failure instanceof IOException ex) {
			throw ex;
		}
		if (this.failure instanceof IllegalStateException ex) {
			throw ex;
		}
		return this.parts;
	}

	/** As the parameters of a {@code multipart/form-data} request: the fields, or Tomcat's exception. */
	List<Map.Entry<String, String>> fields() {
		if (this.failure instanceof IllegalStateException ex) {
			throw ex;
		}
		if (this.failure != null) {
			throw ContainerFailures.invalidParameter(this.failure.toString(), 400);
		}
		return this.fields;
	}

}
