package dev.idempotency.web;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UnsupportedEncodingException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.util.FastByteArrayOutputStream;
import org.springframework.util.InvalidMimeTypeException;
import org.springframework.web.filter.ShallowEtagHeaderFilter;

/**
 * Holds back the handler's body, up to a limit, so it can be stored before the client sees it — the way
 * {@code ContentCachingResponseWrapper} does for {@code ShallowEtagHeaderFilter}. Headers and status go
 * to the real response at once. The wrapper switches to passing the body straight through — and the
 * answer becomes not replayable — when the body outgrows the limit or when the handler streams
 * (Spring MVC marks SSE, {@code ResponseBodyEmitter} and {@code StreamingResponseBody} answers with
 * {@link ShallowEtagHeaderFilter#disableContentCaching}). The client always gets the full answer.
 * <p>{@link #getWriter()} fixes the response's character encoding the way the container's own does
 * (Servlet spec; Tomcat's {@code Response.getWriter}), so the {@code Content-Type} carries the charset
 * the text was encoded with, and later charset changes are ignored. The wrapper also remembers what the
 * container keeps outside its header list — the {@code Content-Language} from {@link #setLocale} — and
 * the {@code Content-Encoding} the application gave the body it wrote, as opposed to the one the
 * container adds when it compresses the answer below the filter.
 */
public final class CapturingResponseWrapper extends HttpServletResponseWrapper {

	/** The attribute {@link ShallowEtagHeaderFilter#disableContentCaching} sets. */
	private static final String STREAMING_ATTRIBUTE = ShallowEtagHeaderFilter.class.getName() + ".STREAMING";

	private final HttpServletRequest request;

	private final int limit;

	private final FastByteArrayOutputStream buffer = new FastByteArrayOutputStream(1024);

	private boolean passThrough;

	private boolean errorSent;

	private int errorStatus;

	private @Nullable String errorMessage;

	private @Nullable Long contentLength;

	private @Nullable ServletOutputStream outputStream;

	private @Nullable PrintWriter writer;

	private @Nullable Locale locale;

	private final List<String> contentEncodings = new ArrayList<>(1);

	public CapturingResponseWrapper(HttpServletResponse response, HttpServletRequest request, int limit) {
		super(response);
		this.request = request;
		this.limit = limit;
	}

	/** Whether the whole body was held back and can be stored for replay. */
	public boolean isReplayable() {
		return !this.passThrough;
	}

	/** Whether the handler called {@code sendError}: the body comes from the container's error dispatch. */
	public boolean isErrorSent() {
		return this.errorSent;
	}

	/** The status given to {@code sendError}, or 0. */
	public int getErrorStatus() {
		return this.errorStatus;
	}

	/** The message given to {@code sendError}, if any. */
	public @Nullable String getErrorMessage() {
		return this.errorMessage;
	}

	/** The body held back so far. The array may be the buffer itself: do not change it. */
	public byte[] body() throws IOException {
		flushWriter();
		return this.buffer.toByteArrayUnsafe();
	}

	/**
	 * The {@code Content-Language} values the client receives: the language of the locale set through
	 * {@link #setLocale}, which Tomcat sends in place of any such header, else the header's own values.
	 */
	public Collection<String> contentLanguages() {
		return (this.locale != null) ? List.of(this.locale.toLanguageTag())
				: getHeaders(HttpHeaders.CONTENT_LANGUAGE);
	}

	/**
	 * The {@code Content-Encoding} values the application set, describing the bytes it wrote: never the
	 * one the container adds when it compresses the answer itself.
	 */
	public List<String> contentEncodings() {
		return List.copyOf(this.contentEncodings);
	}

	/** Sends the held-back body, with its {@code Content-Length}, to the real response. */
	public void copyBodyToResponse() throws IOException {
		flushWriter();
		if (this.passThrough || this.errorSent) {
			return;
		}
		HttpServletResponse response = (HttpServletResponse) getResponse();
		if (!response.isCommitted() && response.getHeader(HttpHeaders.TRANSFER_ENCODING) == null) {
			response.setContentLengthLong(this.buffer.size());
		}
		if (this.buffer.size() > 0) {
			this.buffer.writeTo(response.getOutputStream());
			this.buffer.reset();
		}
	}

	@Override
	public ServletOutputStream getOutputStream() throws IOException {
		if (this.outputStream == null) {
			this.outputStream = new CapturingOutputStream();
		}
		return this.outputStream;
	}

	@Override
	public PrintWriter getWriter() throws IOException {
		if (this.writer == null) {
			String encoding = getCharacterEncoding();
			super.setCharacterEncoding(encoding);
			try {
				this.writer = new PrintWriter(new OutputStreamWriter(getOutputStream(), encoding));
			}
			catch (UnsupportedEncodingException ex) {
				throw new IOException(ex);
			}
		}
		return this.writer;
	}

	@Override
	public void flushBuffer() throws IOException {
		flushWriter();
		if (!this.passThrough && isStreaming()) {
			switchToPassThrough();
		}
		if (this.passThrough) {
			super.flushBuffer();
		}
	}

	@Override
	public void setCharacterEncoding(@Nullable String charset) {
		if (this.writer == null) {
			super.setCharacterEncoding(charset);
		}
	}

	@Override
	public void setContentType(@Nullable String type) {
		super.setContentType((this.writer != null && type != null) ? withoutCharset(type) : type);
	}

	@Override
	public void setLocale(@Nullable Locale locale) {
		if (!isCommitted()) {
			this.locale = locale;
		}
		super.setLocale(locale);
	}

	@Override
	public void setContentLength(int length) {
		setContentLengthLong(length);
	}

	@Override
	public void setContentLengthLong(long length) {
		if (this.passThrough) {
			super.setContentLengthLong(length);
		}
		else {
			this.contentLength = length;
		}
	}

	@Override
	public void setHeader(String name, @Nullable String value) {
		if (HttpHeaders.CONTENT_ENCODING.equalsIgnoreCase(name) && !isCommitted()) {
			this.contentEncodings.clear();
		}
		addContentEncoding(name, value);
		if (!holdBackContentLength(name, value)) {
			super.setHeader(name, value);
		}
	}

	@Override
	public void addHeader(String name, @Nullable String value) {
		addContentEncoding(name, value);
		if (!holdBackContentLength(name, value)) {
			super.addHeader(name, value);
		}
	}

	private void addContentEncoding(String name, @Nullable String value) {
		if (value != null && HttpHeaders.CONTENT_ENCODING.equalsIgnoreCase(name) && !isCommitted()) {
			this.contentEncodings.add(value);
		}
	}

	/** A content type set after {@link #getWriter()}: its charset is ignored, as the container does. */
	private static String withoutCharset(String type) {
		try {
			MediaType mediaType = MediaType.parseMediaType(type);
			if (mediaType.getCharset() == null) {
				return type;
			}
			Map<String, String> parameters = new LinkedHashMap<>(mediaType.getParameters());
			parameters.keySet().removeIf("charset"::equalsIgnoreCase);
			return new MediaType(mediaType.getType(), mediaType.getSubtype(), parameters).toString();
		}
		catch (InvalidMimeTypeException ex) {
			return type;
		}
	}

	/** Keeps a {@code Content-Length} set while the body is held back; it is set when the body is sent. */
	private boolean holdBackContentLength(String name, @Nullable String value) {
		if (this.passThrough || !HttpHeaders.CONTENT_LENGTH.equalsIgnoreCase(name)) {
			return false;
		}
		this.contentLength = (value != null) ? Long.valueOf(value) : null;
		return true;
	}

	@Override
	public void setIntHeader(String name, int value) {
		setHeader(name, Integer.toString(value));
	}

	@Override
	public void addIntHeader(String name, int value) {
		addHeader(name, Integer.toString(value));
	}

	@Override
	public void sendError(int status) throws IOException {
		this.errorSent = true;
		this.errorStatus = status;
		this.errorMessage = null;
		this.buffer.reset();
		super.sendError(status);
	}

	@Override
	public void sendError(int status, String message) throws IOException {
		this.errorSent = true;
		this.errorStatus = status;
		this.errorMessage = message;
		this.buffer.reset();
		super.sendError(status, message);
	}

	@Override
	public void sendRedirect(String location) throws IOException {
		this.buffer.reset();
		super.sendRedirect(location);
	}

	@Override
	public void reset() {
		super.reset();
		this.buffer.reset();
		this.contentLength = null;
		this.writer = null;
		this.locale = null;
		this.contentEncodings.clear();
	}

	@Override
	public void resetBuffer() {
		super.resetBuffer();
		this.buffer.reset();
	}

	/** Whether Spring MVC marked the answer as streamed (SSE, emitters, {@code StreamingResponseBody}). */
	private boolean isStreaming() {
		return this.request.getAttribute(STREAMING_ATTRIBUTE) != null;
	}

	private void flushWriter() {
		if (this.writer != null) {
			this.writer.flush();
		}
	}

	private void switchToPassThrough() throws IOException {
		this.passThrough = true;
		HttpServletResponse response = (HttpServletResponse) getResponse();
		if (this.contentLength != null) {
			response.setContentLengthLong(this.contentLength);
		}
		if (this.buffer.size() > 0) {
			this.buffer.writeTo(response.getOutputStream());
		}
		this.buffer.reset();
	}

	private @Nullable ServletOutputStream target(int length) throws IOException {
		if (!this.passThrough && (this.buffer.size() + (long) length > this.limit
				|| isStreaming())) {
			switchToPassThrough();
		}
		return this.passThrough ? getResponse().getOutputStream() : null;
	}

	private final class CapturingOutputStream extends ServletOutputStream {

		@Override
		public void write(int b) throws IOException {
			ServletOutputStream target = target(1);
			if (target != null) {
				target.write(b);
			}
			else {
				CapturingResponseWrapper.this.buffer.write(b);
			}
		}

		@Override
		public void write(byte[] bytes, int offset, int length) throws IOException {
			ServletOutputStream target = target(length);
			if (target != null) {
				target.write(bytes, offset, length);
			}
			else {
				CapturingResponseWrapper.this.buffer.write(bytes, offset, length);
			}
		}

		@Override
		public void flush() throws IOException {
			if (!CapturingResponseWrapper.this.passThrough
					&& isStreaming()) {
				switchToPassThrough();
			}
			if (CapturingResponseWrapper.this.passThrough) {
				getResponse().getOutputStream().flush();
			}
		}

		@Override
		public boolean isReady() {
			return true;
		}

		@Override
		public void setWriteListener(WriteListener listener) {
			throw new UnsupportedOperationException("Non-blocking writes are not supported by the idempotency filter");
		}

	}

}
