package dev.idempotency.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.zip.GZIPOutputStream;

import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.idempotency.Idempotent;

/**
 * Twin endpoints for replay fidelity: each answer exists under {@code /idempotent/…} ({@code @Idempotent})
 * and {@code /plain/…} (not annotated, so the filter stays out), produced by the same code.
 */
@RestController
@RequestMapping("/it/fidelity")
public class ReplayFidelityController {

	/** A JSON text larger than Tomcat's default compression threshold (2 KiB). */
	static final String LARGE_JSON = "{\"items\":[" + "\"abcdefghijklmnopqrstuvwxyz0123456789\",".repeat(100) + "\"end\"]}";

	@Idempotent
	@PostMapping("/idempotent/gzip")
	ResponseEntity<byte[]> gzipIdempotent() throws IOException {
		return gzip();
	}

	@PostMapping("/plain/gzip")
	ResponseEntity<byte[]> gzipPlain() throws IOException {
		return gzip();
	}

	@Idempotent
	@PostMapping("/idempotent/locale")
	void localeIdempotent(HttpServletResponse response) throws IOException {
		locale(response);
	}

	@PostMapping("/plain/locale")
	void localePlain(HttpServletResponse response) throws IOException {
		locale(response);
	}

	@Idempotent
	@PostMapping("/idempotent/writer")
	void writerIdempotent(HttpServletResponse response) throws IOException {
		writer(response);
	}

	@PostMapping("/plain/writer")
	void writerPlain(HttpServletResponse response) throws IOException {
		writer(response);
	}

	@Idempotent
	@PostMapping("/idempotent/writer-then-charset")
	void writerThenCharsetIdempotent(HttpServletResponse response) throws IOException {
		writerThenCharset(response);
	}

	@PostMapping("/plain/writer-then-charset")
	void writerThenCharsetPlain(HttpServletResponse response) throws IOException {
		writerThenCharset(response);
	}

	@Idempotent
	@PostMapping("/idempotent/header-then-locale")
	void headerThenLocaleIdempotent(HttpServletResponse response) throws IOException {
		headerThenLocale(response);
	}

	@PostMapping("/plain/header-then-locale")
	void headerThenLocalePlain(HttpServletResponse response) throws IOException {
		headerThenLocale(response);
	}

	@Idempotent
	@PostMapping("/idempotent/large-json")
	ResponseEntity<String> largeJsonIdempotent() {
		return largeJson();
	}

	@PostMapping("/plain/large-json")
	ResponseEntity<String> largeJsonPlain() {
		return largeJson();
	}

	/** A body compressed by the handler itself, labelled {@code Content-Encoding: gzip}. */
	private static ResponseEntity<byte[]> gzip() throws IOException {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
			gzip.write(LARGE_JSON.getBytes(StandardCharsets.UTF_8));
		}
		return ResponseEntity.ok()
			.contentType(MediaType.APPLICATION_JSON)
			.header(HttpHeaders.CONTENT_ENCODING, "gzip")
			.body(bytes.toByteArray());
	}

	/** The language set through {@code setLocale}, as a view would. */
	private static void locale(HttpServletResponse response) throws IOException {
		response.setLocale(Locale.CANADA_FRENCH);
		response.setContentType("text/plain");
		response.getOutputStream().write("bonjour".getBytes(StandardCharsets.UTF_8));
	}

	/** Text written through {@code getWriter()} with no charset given: the container picks it. */
	private static void writer(HttpServletResponse response) throws IOException {
		response.setContentType("text/plain");
		response.getWriter().print("caf\u00e9 cr\u00e8me");
	}

	/** A charset given after {@code getWriter()}: the container ignores it. */
	private static void writerThenCharset(HttpServletResponse response) throws IOException {
		response.setContentType("text/plain");
		response.getWriter().print("caf\u00e9");
		response.setContentType("text/html;charset=UTF-8");
		response.setCharacterEncoding("UTF-16");
		response.getWriter().print(" cr\u00e8me");
	}

	/** A {@code Content-Language} header, then a locale: Tomcat sends the locale's language. */
	private static void headerThenLocale(HttpServletResponse response) throws IOException {
		response.setHeader("Content-Language", "de");
		response.setLocale(Locale.ITALY);
		response.getOutputStream().write("ciao".getBytes(StandardCharsets.UTF_8));
	}

	private static ResponseEntity<String> largeJson() {
		return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(LARGE_JSON);
	}

}
