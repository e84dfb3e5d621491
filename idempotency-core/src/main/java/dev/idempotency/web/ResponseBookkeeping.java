package dev.idempotency.web;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;

/**
 * What the client of a {@link CapturingResponseWrapper} receives that the container keeps outside its
 * header list or that the filter must know apart from it: the {@code Content-Language} of the locale set
 * through {@code setLocale}, the {@code Content-Encoding} the application set (never the one the container
 * adds when it compresses the answer itself), and the status and message given to {@code sendError}.
 * Locale and encoding changes count only while the response is not committed, as in the container.
 */
final class ResponseBookkeeping {

	private final HttpServletResponse response;

	private @Nullable Locale locale;

	private final List<String> contentEncodings = new ArrayList<>(1);

	private boolean errorSent;

	private int errorStatus;

	private @Nullable String errorMessage;

	/**
	 * @param response the response the application sees, asked whether it is committed and for its
	 * {@code Content-Language} header
	 */
	ResponseBookkeeping(HttpServletResponse response) {
		this.response = response;
	}

	void setLocale(@Nullable Locale locale) {
		if (!this.response.isCommitted()) {
			this.locale = locale;
		}
	}

	void setHeader(String name, @Nullable String value) {
		if (HttpHeaders.CONTENT_ENCODING.equalsIgnoreCase(name) && !this.response.isCommitted()) {
			this.contentEncodings.clear();
		}
		addHeader(name, value);
	}

	void addHeader(String name, @Nullable String value) {
		if (value != null && HttpHeaders.CONTENT_ENCODING.equalsIgnoreCase(name) && !this.response.isCommitted()) {
			this.contentEncodings.add(value);
		}
	}

	void sendError(int status, @Nullable String message) {
		this.errorSent = true;
		this.errorStatus = status;
		this.errorMessage = message;
	}

	/** Forgets the locale and the encodings, as {@code reset()} clears them from the response. */
	void reset() {
		this.locale = null;
		this.contentEncodings.clear();
	}

	/** The language of the locale set, which Tomcat sends in place of any such header, else the header's. */
	Collection<String> contentLanguages() {
		return (this.locale != null) ? List.of(this.locale.toLanguageTag())
				: this.response.getHeaders(HttpHeaders.CONTENT_LANGUAGE);
	}

	List<String> contentEncodings() {
		return List.copyOf(this.contentEncodings);
	}

	boolean isErrorSent() {
		return this.errorSent;
	}

	int getErrorStatus() {
		return this.errorStatus;
	}

	@Nullable String getErrorMessage() {
		return this.errorMessage;
	}

}
