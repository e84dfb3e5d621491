package dev.idempotency.web;

import java.io.IOException;
import java.util.function.Supplier;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;
import org.springframework.util.FastByteArrayOutputStream;
import org.springframework.web.filter.ShallowEtagHeaderFilter;

/**
 * The body a {@link CapturingResponseWrapper} holds back, up to a limit, and the output stream the handler
 * writes it through. It switches to passing the body straight through to the real response when the body
 * outgrows the limit or Spring MVC marks the answer as streamed. A {@code Content-Length} set while the
 * body is held back is kept back with it.
 */
final class HeldBackBody {

	/** The attribute {@link ShallowEtagHeaderFilter#disableContentCaching} sets. */
	private static final String STREAMING_ATTRIBUTE = ShallowEtagHeaderFilter.class.getName() + ".STREAMING";

	private final Supplier<ServletResponse> response;

	private final HttpServletRequest request;

	private final int limit;

	private final FastByteArrayOutputStream buffer = new FastByteArrayOutputStream(1024);

	private boolean passThrough;

	private @Nullable Long contentLength;

	private @Nullable ServletOutputStream outputStream;

	/**
	 * @param response the real response, asked each time: a container dispatch may wrap it for a while
	 */
	HeldBackBody(Supplier<ServletResponse> response, HttpServletRequest request, int limit) {
		this.response = response;
		this.request = request;
		this.limit = limit;
	}

	/** Whether the body passes straight through, so it is not all held back. */
	boolean isPassThrough() {
		return this.passThrough;
	}

	/** The body held back so far. The array may be the buffer itself: do not change it. */
	byte[] bytes() {
		return this.buffer.toByteArrayUnsafe();
	}

	ServletOutputStream outputStream() {
		if (this.outputStream == null) {
			this.outputStream = new CapturingOutputStream();
		}
		return this.outputStream;
	}

	/** Sends the held-back body, with its {@code Content-Length}, to the real response. */
	void copyToResponse() throws IOException {
		if (this.passThrough) {
			return;
		}
		HttpServletResponse response = (HttpServletResponse) this.response.get();
		if (!response.isCommitted() && response.getHeader(HttpHeaders.TRANSFER_ENCODING) == null) {
			response.setContentLengthLong(this.buffer.size());
		}
		if (this.buffer.size() > 0) {
			this.buffer.writeTo(response.getOutputStream());
			this.buffer.reset();
		}
	}

	/**
	 * Switches to passing through when Spring MVC marked the answer as streamed.
	 * @return whether the body passes through, so a flush goes to the real response
	 */
	boolean passThroughIfStreaming() throws IOException {
		if (!this.passThrough && isStreaming()) {
			switchToPassThrough();
		}
		return this.passThrough;
	}

	/**
	 * Keeps a {@code Content-Length} set while the body is held back; it is set when the body is sent.
	 * @return {@code false} when it is not kept back and goes to the real response
	 */
	boolean holdBackContentLength(long length) {
		if (this.passThrough) {
			return false;
		}
		this.contentLength = length;
		return true;
	}

	/** Like {@link #holdBackContentLength(long)}, for a header, which may be any header. */
	boolean holdBackContentLength(String name, @Nullable String value) {
		if (this.passThrough || !HttpHeaders.CONTENT_LENGTH.equalsIgnoreCase(name)) {
			return false;
		}
		this.contentLength = (value != null) ? Long.valueOf(value) : null;
		return true;
	}

	/** Drops the body held back so far. */
	void discard() {
		this.buffer.reset();
	}

	/** Drops the body held back so far and its {@code Content-Length}. */
	void reset() {
		this.buffer.reset();
		this.contentLength = null;
	}

	/** Whether Spring MVC marked the answer as streamed (SSE, emitters, {@code StreamingResponseBody}). */
	private boolean isStreaming() {
		return this.request.getAttribute(STREAMING_ATTRIBUTE) != null;
	}

	private void switchToPassThrough() throws IOException {
		this.passThrough = true;
		HttpServletResponse response = (HttpServletResponse) this.response.get();
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
		return this.passThrough ? this.response.get().getOutputStream() : null;
	}

	private final class CapturingOutputStream extends ServletOutputStream {

		@Override
		public void write(int b) throws IOException {
			ServletOutputStream target = target(1);
			if (target != null) {
				target.write(b);
			}
			else {
				HeldBackBody.this.buffer.write(b);
			}
		}

		@Override
		public void write(byte[] bytes, int offset, int length) throws IOException {
			ServletOutputStream target = target(length);
			if (target != null) {
				target.write(bytes, offset, length);
			}
			else {
				HeldBackBody.this.buffer.write(bytes, offset, length);
			}
		}

		@Override
		public void flush() throws IOException {
			if (passThroughIfStreaming()) {
				HeldBackBody.this.response.get().getOutputStream().flush();
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
