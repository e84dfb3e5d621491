package dev.idempotency.key;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.mock.web.MockHttpServletRequest;

import dev.idempotency.BusinessKey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class BusinessKeySourceTest {

	private final MockHttpServletRequest request = new MockHttpServletRequest("POST", "/orders");

	@Test
	void annotationWithoutSourceDeclaresNone() {
		assertThat(BusinessKeySource.of(annotation("none"))).isNull();
	}

	@Test
	void eachSourceKindIsReadFromItsPlace() {
		this.request.setQueryString("orderId=q-1");
		this.request.addHeader("X-Order-Id", "h-1");

		assertThat(source("path").read(this.request, Map.of("orderId", "p-1"), new byte[0], 255)).isEqualTo("p-1");
		assertThat(source("query").read(this.request, Map.of(), new byte[0], 255)).isEqualTo("q-1");
		assertThat(source("header").read(this.request, Map.of(), new byte[0], 255)).isEqualTo("h-1");
		assertThat(source("body").read(this.request, Map.of(), json("{\"order\":{\"id\":\"b-1\"}}"), 255))
			.isEqualTo("b-1");
		assertThat(source("body").read(this.request, Map.of(), json("{\"order\":{\"id\":42}}"), 255)).isEqualTo("42");
	}

	@Test
	void queryParameterComesFromTheQueryStringOnlyDecodedLikeTheContainerDoes() {
		this.request.setQueryString("other=1&orderId=a%2Fb+c&x");
		this.request.setParameter("orderId", "form-field");

		assertThat(source("query").read(this.request, Map.of(), new byte[0], 255)).isEqualTo("a/b c");

		this.request.setQueryString("other=1");
		assertThat(source("query").read(this.request, Map.of(), new byte[0], 255)).as("a form field never counts")
			.isNull();
	}

	@Test
	void repeatedQueryParameterOrHeaderIsAnInvalidKey() {
		this.request.setQueryString("orderId=1&orderId=2");
		this.request.addHeader("X-Order-Id", "1");
		this.request.addHeader("X-Order-Id", "2");

		assertThatExceptionOfType(InvalidIdempotencyKeyException.class)
			.isThrownBy(() -> source("query").read(this.request, Map.of(), new byte[0], 255))
			.withMessageContaining("appears 2 times");
		assertThatExceptionOfType(InvalidIdempotencyKeyException.class)
			.isThrownBy(() -> source("header").read(this.request, Map.of(), new byte[0], 255))
			.withMessageContaining("appears 2 times");
		this.request.setQueryString("orderId=%zz");
		assertThatExceptionOfType(InvalidIdempotencyKeyException.class)
			.isThrownBy(() -> source("query").read(this.request, Map.of(), new byte[0], 255))
			.withMessageContaining("not well encoded");
	}

	@Test
	void absentValuesAreNull() {
		assertThat(source("path").read(this.request, Map.of(), new byte[0], 255)).isNull();
		assertThat(source("query").read(this.request, Map.of(), new byte[0], 255)).isNull();
		assertThat(source("header").read(this.request, Map.of(), new byte[0], 255)).isNull();
		assertThat(source("body").read(this.request, Map.of(), new byte[0], 255)).isNull();
		assertThat(source("body").read(this.request, Map.of(), json("{\"order\":{}}"), 255)).isNull();
		assertThat(source("body").read(this.request, Map.of(), json("{\"order\":{\"id\":null}}"), 255)).isNull();
		assertThat(source("body").read(this.request, Map.of(), json("[1,2]"), 255)).isNull();
	}

	@Test
	void unusableValuesAreInvalidKeysNamingTheSourceButNotTheValue() {
		BusinessKeySource body = source("body");
		for (String json : new String[] { "{\"order\":{\"id\":{\"a\":1}}}", "{\"order\":{\"id\":[1]}}",
				"{\"order\":{\"id\":true}}", "{\"order\":{\"id\":1.5}}", "{\"order\":{\"id\":\"\"}}", "{\"order\":",
				"secret-not-json", "{\"order\":{\"id\":\"a\"},\"order\":{\"id\":\"b\"}}",
				"{\"order\":{\"id\":\"a\"}} trailing" }) {
			assertThatExceptionOfType(InvalidIdempotencyKeyException.class)
				.as(json)
				.isThrownBy(() -> body.read(this.request, Map.of(), json(json), 255))
				.withMessageContaining("the JSON body member '/order/id'")
				.withMessageNotContaining("secret");
		}
		assertThatExceptionOfType(InvalidIdempotencyKeyException.class)
			.isThrownBy(() -> source("path").read(this.request, Map.of("orderId", "x".repeat(11)), new byte[0], 10))
			.withMessageContaining("longer than 10 characters");
	}

	@Test
	void sourcesOfDifferentKindsOrNamesHaveDifferentIds() {
		assertThat(source("path").id()).isEqualTo("path variable:orderId");
		assertThat(source("query").id()).isNotEqualTo(source("path").id());
		assertThat(source("header").id()).isEqualTo("header:X-Order-Id");
	}

	@Test
	void malformedDeclarationsAreRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> BusinessKeySource.of(annotation("two")))
			.withMessageContaining("declares 2 sources");
		assertThatIllegalArgumentException().isThrownBy(() -> BusinessKeySource.of(annotation("pointerWithoutSlash")))
			.withMessageContaining("Invalid JSON Pointer");
		assertThatIllegalArgumentException().isThrownBy(() -> BusinessKeySource.of(annotation("rootPointer")))
			.withMessageContaining("must point into the body");
		assertThatIllegalArgumentException().isThrownBy(() -> BusinessKeySource.of(annotation("headerFirstOnly")))
			.withMessageContaining("declares no source");
	}

	private static byte[] json(String json) {
		return json.getBytes(StandardCharsets.UTF_8);
	}

	private static BusinessKeySource source(String method) {
		return BusinessKeySource.of(annotation(method));
	}

	private static BusinessKey annotation(String method) {
		try {
			return Declarations.class.getDeclaredMethod(method).getAnnotation(Holder.class).value();
		}
		catch (NoSuchMethodException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@java.lang.annotation.Retention(java.lang.annotation.RetentionPolicy.RUNTIME)
	@interface Holder {

		BusinessKey value();

	}

	interface Declarations {

		@Holder(@BusinessKey)
		void none();

		@Holder(@BusinessKey(pathVariable = "orderId"))
		void path();

		@Holder(@BusinessKey(queryParameter = "orderId"))
		void query();

		@Holder(@BusinessKey(header = "X-Order-Id"))
		void header();

		@Holder(@BusinessKey(jsonPointer = "/order/id"))
		void body();

		@Holder(@BusinessKey(pathVariable = "orderId", header = "X-Order-Id"))
		void two();

		@Holder(@BusinessKey(jsonPointer = "orderId"))
		void pointerWithoutSlash();

		@Holder(@BusinessKey(jsonPointer = "/"))
		void rootPointer();

		@Holder(@BusinessKey(headerFirst = true))
		void headerFirstOnly();

	}

}
