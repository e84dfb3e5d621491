package dev.idempotency.web;

import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

import jakarta.servlet.http.Part;
import org.jspecify.annotations.Nullable;

/**
 * A part of a buffered multipart body, served from memory as Tomcat's {@code ApplicationPart} serves it:
 * header names lowercased, {@link #write} relative to the multipart location.
 */
final class BufferedPart implements Part {

	private final String name;

	private final MultipartBody.RawPart part;

	private final Supplier<@Nullable File> location;

	BufferedPart(String name, MultipartBody.RawPart part, Supplier<@Nullable File> location) {
		this.name = name;
		this.part = part;
		this.location = location;
	}

	@Override
	public InputStream getInputStream() {
		return new ByteArrayInputStream(this.part.content());
	}

	@Override
	public @Nullable String getContentType() {
		return this.part.header("Content-Type");
	}

	@Override
	public String getName() {
		return this.name;
	}

	@Override
	public @Nullable String getSubmittedFileName() {
		return this.part.fileName();
	}

	@Override
	public long getSize() {
		return this.part.content().length;
	}

	@Override
	public void write(String fileName) throws IOException {
		File file = new File(fileName);
		if (!file.isAbsolute()) {
			file = new File(this.location.get(), fileName);
		}
		Files.write(file.toPath(), this.part.content());
	}

	@Override
	public void delete() {
	}

	@Override
	public @Nullable String getHeader(String name) {
		return this.part.header(name);
	}

	@Override
	public Collection<String> getHeaders(String name) {
		List<String> values = new ArrayList<>();
		for (Map.Entry<String, String> header : this.part.headers()) {
			if (header.getKey().equalsIgnoreCase(name)) {
				values.add(header.getValue());
			}
		}
		return values;
	}

	@Override
	public Collection<String> getHeaderNames() {
		LinkedHashSet<String> names = new LinkedHashSet<>();
		for (Map.Entry<String, String> header : this.part.headers()) {
			names.add(header.getKey().toLowerCase(Locale.ROOT));
		}
		return names;
	}

	/** The content decoded with {@code charset}, for the request parameter of a field. */
	String getString(java.nio.charset.Charset charset) {
		return new String(this.part.content(), charset);
	}

}
