package dev.idempotency.web;

import java.nio.charset.StandardCharsets;

import jakarta.servlet.MultipartConfigElement;
import jakarta.servlet.http.Part;
import org.junit.jupiter.api.Test;

import org.springframework.mock.web.MockHttpServletRequest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class BufferedBodyRequestTest {

	static final String MULTIPART = "--b\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhi\r\n"
			+ "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"f.bin\"\r\n\r\n0123456789\r\n"
			+ "--b\r\nContent-ID: <x>\r\n\r\nnameless\r\n--b--";

	static BufferedBodyRequest read(MockHttpServletRequest request, MultipartConfigElement config) throws Exception {
		return (BufferedBodyRequest) new RequestBodies(1024, config).read(request).request();
	}

	static MockHttpServletRequest post(String contentType, String body) {
		MockHttpServletRequest request = new MockHttpServletRequest("POST", "/x");
		request.setContentType(contentType);
		request.setContent(body.getBytes(StandardCharsets.UTF_8));
		return request;
	}

	@Test
	void formParametersFollowTheQueryStringAndTheRawBodyStaysReadable() throws Exception {
		MockHttpServletRequest request = post("application/x-www-form-urlencoded", "a=2&b=3");
		request.setQueryString("a=1");
		request.addParameter("a", "1");
		BufferedBodyRequest buffered = read(request, null);
		assertThat(new String(buffered.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("a=2&b=3");
		assertThat(buffered.getParameterValues("a")).containsExactly("1");
	}

	@Test
	void formParametersReadFirstConsumeTheBodyAsInTomcat() throws Exception {
		MockHttpServletRequest request = post("application/x-www-form-urlencoded", "a=2&b=3");
		request.addParameter("a", "1");
		BufferedBodyRequest buffered = read(request, null);
		assertThat(buffered.getParameterValues("a")).containsExactly("1", "2");
		assertThat(buffered.getParameter("b")).isEqualTo("3");
		assertThat(buffered.getInputStream().readAllBytes()).isEmpty();
	}

	@Test
	void partsAreTheNamedOnesAndFieldsAreParameters() throws Exception {
		BufferedBodyRequest buffered = read(post("multipart/form-data; boundary=b", MULTIPART),
				new MultipartConfigElement(""));
		assertThat(buffered.getParts()).extracting(Part::getName).containsExactly("note", "file");
		assertThat(buffered.getPart("file").getSubmittedFileName()).isEqualTo("f.bin");
		assertThat(buffered.getPart("file").getSize()).isEqualTo(10);
		assertThat(buffered.getParameter("note")).isEqualTo("hi");
		assertThat(buffered.getParameter("file")).isNull();
	}

	@Test
	void withoutMultipartConfigGetPartsFailsAsTomcatFails() throws Exception {
		BufferedBodyRequest buffered = read(post("multipart/form-data; boundary=b", MULTIPART), null);
		assertThatIllegalStateException().isThrownBy(buffered::getParts).withMessageContaining("no multi-part configuration");
	}

	@Test
	void withoutMultipartConfigParametersLeaveThePartsOut() throws Exception {
		BufferedBodyRequest buffered = read(post("multipart/form-data; boundary=b", MULTIPART), null);
		assertThat(buffered.getParameter("note")).isNull();
		assertThat(buffered.getParts()).isEmpty();
	}

	@Test
	void partAboveMaxFileSizeFailsWithAMessageSpringTakesForMaxUploadSizeExceeded() throws Exception {
		BufferedBodyRequest buffered = read(post("multipart/form-data; boundary=b", MULTIPART),
				new MultipartConfigElement("", 5, -1, 0));
		assertThatIllegalStateException().isThrownBy(buffered::getParts).withMessageContaining("exceeds")
			.withMessageContaining("size");
		assertThatIllegalStateException().isThrownBy(() -> buffered.getParameter("note"));
	}

	@Test
	void requestAboveMaxRequestSizeFails() throws Exception {
		BufferedBodyRequest buffered = read(post("multipart/form-data; boundary=b", MULTIPART),
				new MultipartConfigElement("", -1, 100, 0));
		assertThatIllegalStateException().isThrownBy(buffered::getParts).withMessageContaining("exceeds the configured maximum");
	}

	@Test
	void multipartRelatedIsServedWhole() throws Exception {
		String body = "--b\r\nContent-ID: <x>\r\n\r\nwhole\r\n--b--";
		BufferedBodyRequest buffered = read(post("multipart/related; boundary=b", body), new MultipartConfigElement(""));
		assertThat(new String(buffered.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(body);
	}

}
