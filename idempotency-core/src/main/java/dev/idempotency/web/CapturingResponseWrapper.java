package dev.idempotency.web;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UnsupportedEncodingException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import org.jspecify.annotations.Nullable;

import org.springframework.http.MediaType;
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

	private final HeldBackBody body;

	private final ResponseBookkeeping bookkeeping = new ResponseBookkeeping(this);

	private @Nullable PrintWriter writer;

	public CapturingResponseWrapper(HttpServletResponse response, HttpServletRequest request, int limit) {
		super(response);
		this.body = new HeldBackBody(this::getResponse, request, limit);
	}

	/** Whether the whole body was held back and can be stored for replay. */
	public boolean isReplayable() {
		return !this.body.isPassThrough();
	}

	/** Whether the handler called {@code sendError}: the body comes from the container's error dispatch. */
	public boolean isErrorSent() {
		return this.bookkeeping.isErrorSent();
	}

	/** The status given to {@code sendError}, or 0. */
	public int getErrorStatus() {
		return this.bookkeeping.getErrorStatus();
	}

	/** The message given to {@code sendError}, if any. */
	public @Nullable String getErrorMessage() {
		return this.bookkeeping.getErrorMessage();
	}

	/** The body held back so far. The array may be the buffer itself: do not change it. */
	public byte[] body() throws IOException {
		flushWriter();
		return this.body.bytes();
	}

	/**
	 * The {@code Content-Language} values the client receives: the language of the locale set through
	 * {@link #setLocale}, which Tomcat sends in place of any such header, else the header's own values.
	 */
	public Collection<String> contentLanguages() {
		return this.bookkeeping.contentLanguages();
	}

	/**
	 * The {@code Content-Encoding} values the application set, describing the bytes it wrote: never the
	 * one the container adds when it compresses the answer itself.
	 */
	public List<String> contentEncodings() {
		return this.bookkeeping.contentEncodings();
	}

	/** Sends the held-back body, with its {@code Content-Length}, to the real response. */
	public void copyBodyToResponse() throws IOException {
		flushWriter();
		if (this.bookkeeping.isErrorSent()) {
			return;
		}
		this.body.copyToResponse();
	}

	@Override
	public ServletOutputStream getOutputStream() throws IOException {
		return this.body.outputStream();
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
		if (this.body.passThroughIfStreaming()) {
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
		this.bookkeeping.setLocale(locale);
		super.setLocale(locale);
	}

	@Override
	public void setContentLength(int length) {
		setContentLengthLong(length);
	}

	@Override
	public void setContentLengthLong(long length) {
		if (!this.body.holdBackContentLength(length)) {
			super.setContentLengthLong(length);
		}
	}

	@Override
	public void setHeader(String name, @Nullable String value) {
		this.bookkeeping.setHeader(name, value);
		if (!this.body.holdBackContentLength(name, value)) {
			super.setHeader(name, value);
		}
	}

	@Override
	public void addHeader(String name, @Nullable String value) {
		this.bookkeeping.addHeader(name, value);
		if (!this.body.holdBackContentLength(name, value)) {
			super.addHeader(name, value);
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
		this.bookkeeping.sendError(status, null);
		this.body.discard();
		super.sendError(status);
	}

	@Override
	public void sendError(int status, String message) throws IOException {
		this.bookkeeping.sendError(status, message);
		this.body.discard();
		super.sendError(status, message);
	}

	@Override
	public void sendRedirect(String location) throws IOException {
		this.body.discard();
		super.sendRedirect(location);
	}

	@Override
	public void reset() {
		super.reset();
		this.body.reset();
		this.writer = null;
		this.bookkeeping.reset();
	}

	@Override
	public void resetBuffer() {
		super.resetBuffer();
		this.body.discard();
	}

	private void flushWriter() {
		if (this.writer != null) {
			this.writer.flush();
		}
	}

}
