package dev.idempotency.handler;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.Charset;
import java.util.Locale;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import org.jspecify.annotations.Nullable;

import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.CorsProcessor;

/**
 * The CORS handling the application's own configuration gives one request: the {@link CorsConfiguration}
 * and {@link CorsProcessor} that the handler mapping which maps the request attaches to its handler
 * ({@code @CrossOrigin}, {@code WebMvcConfigurer#addCorsMappings}, a mapping's
 * {@code CorsConfigurationSource}). The filter applies it to the answers it writes itself, so that they
 * carry the headers {@code DispatcherServlet} would give this request's {@code Origin}.
 */
public final class CorsAnswers {

	/** For a handler without CORS configuration: adds nothing, rejects nothing. */
	public static final CorsAnswers NONE = new CorsAnswers(null, null);

	private final @Nullable CorsConfiguration configuration;

	private final @Nullable CorsProcessor processor;

	private CorsAnswers(@Nullable CorsConfiguration configuration, @Nullable CorsProcessor processor) {
		this.configuration = configuration;
		this.processor = processor;
	}

	/**
	 * @param configuration the configuration for the request, {@code null} when the mapping has a CORS
	 * source that has none for it (the processor then only adds {@code Vary})
	 * @param processor the mapping's processor
	 */
	public static CorsAnswers of(@Nullable CorsConfiguration configuration, CorsProcessor processor) {
		return new CorsAnswers(configuration, processor);
	}

	/**
	 * Whether the configuration accepts the request, asked of the processor without writing anything to
	 * the response; headers already on the response (from a {@code CorsFilter}) are taken into account.
	 */
	public boolean allows(HttpServletRequest request, HttpServletResponse response) throws IOException {
		return apply(request, new DryRunResponse(response));
	}

	/**
	 * Adds the CORS headers for the request to the response.
	 * @return {@code false} when the configuration rejects the request (the processor then wrote its
	 * {@code 403})
	 */
	public boolean apply(HttpServletRequest request, HttpServletResponse response) throws IOException {
		CorsProcessor processor = this.processor;
		return (processor == null) || processor.processRequest(this.configuration, request, response);
	}

	@Override
	public String toString() {
		return (this.processor == null) ? "CorsAnswers.NONE" : "CorsAnswers[" + this.configuration + "]";
	}

	/** Reads the real response's headers and discards every write. */
	private static final class DryRunResponse extends HttpServletResponseWrapper {

		private final ServletOutputStream discarded = new ServletOutputStream() {

			@Override
			public boolean isReady() {
				return true;
			}

			@Override
			public void setWriteListener(WriteListener listener) {
			}

			@Override
			public void write(int b) {
			}

		};

		DryRunResponse(HttpServletResponse response) {
			super(response);
		}

		@Override
		public void setHeader(String name, String value) {
		}

		@Override
		public void addHeader(String name, String value) {
		}

		@Override
		public void setIntHeader(String name, int value) {
		}

		@Override
		public void addIntHeader(String name, int value) {
		}

		@Override
		public void setDateHeader(String name, long date) {
		}

		@Override
		public void addDateHeader(String name, long date) {
		}

		@Override
		public void setStatus(int status) {
		}

		@Override
		public void sendError(int status) {
		}

		@Override
		public void sendError(int status, String message) {
		}

		@Override
		public void setContentType(String type) {
		}

		@Override
		public void setCharacterEncoding(String charset) {
		}

		@Override
		public void setCharacterEncoding(Charset charset) {
		}

		@Override
		public void setContentLength(int length) {
		}

		@Override
		public void setContentLengthLong(long length) {
		}

		@Override
		public void setLocale(Locale locale) {
		}

		@Override
		public ServletOutputStream getOutputStream() {
			return this.discarded;
		}

		@Override
		public PrintWriter getWriter() {
			return new PrintWriter(Writer.nullWriter());
		}

		@Override
		public void flushBuffer() {
		}

		@Override
		public void reset() {
		}

		@Override
		public void resetBuffer() {
		}

	}

}
