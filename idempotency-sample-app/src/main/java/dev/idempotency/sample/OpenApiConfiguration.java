package dev.idempotency.sample;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The sample's API description, served by springdoc at {@code /v3/api-docs} and shown by the Swagger UI at
 * {@code /swagger-ui.html}. The idempotency parts of the idempotent operations (key header, problem answers,
 * retention) are added by the starter's {@code IdempotencyOperationCustomizer}.
 */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

	private static final String BASIC = "basic";

	@Bean
	OpenAPI sampleOpenApi() {
		return new OpenAPI()
			.info(new Info().title("Idempotency sample payment service")
				.version("1") // of this API, which OpenAPI requires; not the library's version
				.description("Accounts, payments, refunds, transfers and order payments, kept in the sample's"
						+ " database. The money-moving POST operations are idempotent. HTTP Basic, demo users"
						+ " alice/alice and bob/bob."))
			.components(new Components().addSecuritySchemes(BASIC,
					new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("basic")))
			.addSecurityItem(new SecurityRequirement().addList(BASIC));
	}

}
