package dev.idempotency.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.Part;
import org.jspecify.annotations.Nullable;

import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

import dev.idempotency.Idempotent;

/** Idempotent handlers that read form and multipart bodies in each way Spring MVC offers. */
@RestController
@RequestMapping("/it/bodies")
public class RequestBodiesController {

	private final TestApplication.Executions executions;

	RequestBodiesController(TestApplication.Executions executions) {
		this.executions = executions;
	}

	@Idempotent
	@PostMapping("/raw")
	Map<String, Object> raw(@RequestHeader("Idempotency-Key") String key, HttpServletRequest request)
			throws IOException {
		String body = new String(request.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
		return answer("raw", key, Map.of("body", body));
	}

	@Idempotent
	@PostMapping("/form-map")
	Map<String, Object> formMap(@RequestHeader("Idempotency-Key") String key,
			@RequestBody MultiValueMap<String, String> form) {
		return answer("form-map", key, Map.of("form", form));
	}

	@Idempotent
	@PostMapping("/form-params")
	Map<String, Object> formParams(@RequestHeader("Idempotency-Key") String key, @RequestParam("a") List<String> a,
			@RequestParam("b") String b) {
		return answer("form-params", key, Map.of("a", a, "b", b));
	}

	@Idempotent
	@PostMapping("/bytes")
	Map<String, Object> bytes(@RequestHeader("Idempotency-Key") String key, @RequestBody(required = false) byte @Nullable [] body) {
		byte[] bytes = (body != null) ? body : new byte[0];
		return answer("bytes", key, Map.of("length", bytes.length, "sha256", sha256(bytes)));
	}

	@Idempotent
	@PostMapping("/upload")
	Map<String, Object> upload(@RequestHeader("Idempotency-Key") String key, @RequestParam("file") MultipartFile file,
			@RequestParam(name = "note", required = false) @Nullable String note) throws IOException {
		return answer("upload", key, Map.of("name", String.valueOf(file.getOriginalFilename()), "size", file.getSize(),
				"sha256", sha256(file.getBytes()), "note", String.valueOf(note)));
	}

	@Idempotent
	@PostMapping("/parts")
	Map<String, Object> parts(@RequestHeader("Idempotency-Key") String key, HttpServletRequest request)
			throws IOException, ServletException {
		Map<String, Object> parts = new LinkedHashMap<>();
		for (Part part : request.getParts()) {
			parts.put(part.getName(), new String(part.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
		}
		return answer("parts", key, Map.of("parts", parts));
	}

	@Idempotent
	@PostMapping("/note")
	Map<String, Object> note(@RequestHeader("Idempotency-Key") String key,
			@RequestParam(name = "note", required = false) @Nullable String note) {
		return answer("note", key, Map.of("note", String.valueOf(note)));
	}

	private Map<String, Object> answer(String handler, String key, Map<String, Object> values) {
		Map<String, Object> answer = new LinkedHashMap<>(values);
		answer.put("run", this.executions.record(handler, key));
		return answer;
	}

	static String sha256(byte[] bytes) {
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
