package dev.idempotency.web;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.servlet.MultipartConfigElement;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.Part;
import org.jspecify.annotations.Nullable;

/**
 * A request whose body was read once, for the fingerprint, and is served to the handler as Tomcat would serve
 * the original: the same bytes through {@link #getInputStream()} or {@link #getReader()} (one of them, default
 * charset ISO-8859-1); for a {@code POST} form, the body's parameters after the query string's; for a multipart
 * body, {@link #getParts()} under the servlet's multipart configuration, its fields also parameters of a
 * {@code multipart/form-data} request. As in Tomcat, parameters read after the body was taken as a stream leave
 * the body out, and a body taken as parameters or parts is no longer there to read as a stream.
 */
public final class BufferedBodyRequest extends HttpServletRequestWrapper {

	private static final String NO_MULTIPART_CONFIG = "Unable to process parts as no multi-part configuration has been provided";

	private final byte[] body;

	private final String mediaType;

	private final MultipartBody.@Nullable Parsed multipart;

	private final @Nullable MultipartConfigElement multipartConfig;

	private @Nullable BodyInputStream stream;

	private @Nullable BufferedReader reader;

	private boolean consumed;

	private @Nullable Map<String, String[]> parameters;

	private @Nullable IllegalStateException parametersFailure;

	private @Nullable MultipartParts parts;

	BufferedBodyRequest(HttpServletRequest request, byte[] body, MultipartBody.@Nullable Parsed multipart,
			@Nullable MultipartConfigElement multipartConfig) {
		super(request);
		this.body = body;
		this.mediaType = RequestBodies.mediaType(request.getContentType());
		this.multipart = multipart;
		this.multipartConfig = multipartConfig;
	}

	@Override
	public ServletInputStream getInputStream() {
		if (this.reader != null) {
			throw new IllegalStateException("getReader() has already been called for this request");
		}
		if (this.stream == null) {
			this.stream = new BodyInputStream(new ByteArrayInputStream(this.consumed ? new byte[0] : this.body));
		}
		return this.stream;
	}

	@Override
	public BufferedReader getReader() {
		if (this.stream != null) {
			throw new IllegalStateException("getInputStream() has already been called for this request");
		}
		if (this.reader == null) {
			this.reader = new BufferedReader(new InputStreamReader(
					new ByteArrayInputStream(this.consumed ? new byte[0] : this.body), charset()));
		}
		return this.reader;
	}

	@Override
	public @Nullable String getParameter(String name) {
		String[] values = parameters().get(name);
		return (values != null) ? values[0] : null;
	}

	@Override
	public Map<String, String[]> getParameterMap() {
		return parameters();
	}

	@Override
	public Enumeration<String> getParameterNames() {
		return Collections.enumeration(parameters().keySet());
	}

	@Override
	public String @Nullable [] getParameterValues(String name) {
		return parameters().get(name);
	}

	@Override
	public Collection<Part> getParts() throws IOException, ServletException {
		if (this.multipart == null) {
			return super.getParts();
		}
		return new ArrayList<>(parts(true).parts());
	}

	@Override
	public @Nullable Part getPart(String name) throws IOException, ServletException {
		for (Part part : getParts()) {
			if (part.getName().equals(name)) {
				return part;
			}
		}
		return null;
	}

	private Map<String, String[]> parameters() {
		if (this.parameters == null && this.parametersFailure == null) {
			Map<String, List<String>> merged = new LinkedHashMap<>();
			super.getParameterMap().forEach((name, values) -> merged.put(name, new ArrayList<>(Arrays.asList(values))));
			try {
				for (Map.Entry<String, String> parameter : bodyParameters()) {
					merged.computeIfAbsent(parameter.getKey(), (key) -> new ArrayList<>()).add(parameter.getValue());
				}
				Map<String, String[]> parameters = new LinkedHashMap<>();
				merged.forEach((name, values) -> parameters.put(name, values.toArray(new String[0])));
				this.parameters = Collections.unmodifiableMap(parameters);
			}
			catch (IllegalStateException ex) {
				this.parametersFailure = ex;
			}
		}
		if (this.parametersFailure != null) {
			throw this.parametersFailure;
		}
		return this.parameters;
	}

	private List<Map.Entry<String, String>> bodyParameters() {
		if (this.stream != null || this.reader != null) {
			return List.of();
		}
		if (this.mediaType.equals("multipart/form-data") && this.multipart != null) {
			return parts(false).fields();
		}
		if (this.mediaType.equals(RequestBodies.FORM) && "POST".equals(getMethod())) {
			this.consumed = true;
			try {
				return FormBody.parse(this.body, charset());
			}
			catch (FormBody.MalformedException ex) {
				throw ContainerFailures.invalidParameter(ex.getMessage(), 400);
			}
		}
		return List.of();
	}

	private MultipartParts parts(boolean explicit) {
		if (this.parts == null) {
			if (this.multipartConfig == null) {
				this.parts = explicit ? MultipartParts.failed(new IllegalStateException(NO_MULTIPART_CONFIG))
						: MultipartParts.none();
			}
			else if (this.stream != null || this.reader != null || this.multipart == null) {
				this.parts = MultipartParts.none();
			}
			else {
				this.consumed = true;
				long declared = getContentLengthLong();
				this.parts = MultipartParts.of(this.multipart.parts(), this.multipart.malformed(), this.multipartConfig,
						(declared >= 0) ? declared : this.body.length, charset(), this::location);
			}
		}
		return this.parts;
	}

	private @Nullable File location() {
		String location = (this.multipartConfig != null) ? this.multipartConfig.getLocation() : "";
		if (location != null && !location.isEmpty()) {
			File file = new File(location);
			if (file.isAbsolute()) {
				return file;
			}
			Object tempDir = getServletContext().getAttribute("jakarta.servlet.context.tempdir");
			return (tempDir instanceof File dir) ? new File(dir, location) : file;
		}
		Object tempDir = getServletContext().getAttribute("jakarta.servlet.context.tempdir");
		return (tempDir instanceof File dir) ? dir : null;
	}

	private Charset charset() {
		return RequestBodies.bodyCharset(this);
	}

	private static final class BodyInputStream extends ServletInputStream {

		private final ByteArrayInputStream in;

		BodyInputStream(ByteArrayInputStream in) {
			this.in = in;
		}

		@Override
		public int read() {
			return this.in.read();
		}

		@Override
		public int read(byte[] buffer, int offset, int length) {
			return this.in.read(buffer, offset, length);
		}

		@Override
		public int available() {
			return this.in.available();
		}

		@Override
		public boolean isFinished() {
			return this.in.available() == 0;
		}

		@Override
		public boolean isReady() {
			return true;
		}

		@Override
		public void setReadListener(ReadListener listener) {
			try {
				listener.onDataAvailable();
				listener.onAllDataRead();
			}
			catch (IOException ex) {
				listener.onError(ex);
			}
		}

	}

}
