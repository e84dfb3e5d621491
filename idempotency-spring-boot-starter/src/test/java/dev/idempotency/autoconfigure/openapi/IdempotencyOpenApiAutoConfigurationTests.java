package dev.idempotency.autoconfigure.openapi;

import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.parameters.Parameter;
import org.junit.jupiter.api.Test;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springdoc.core.customizers.OperationCustomizer;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.idempotency.autoconfigure.IdempotencyAutoConfiguration;
import dev.idempotency.autoconfigure.IdempotencyProperties;

import static org.assertj.core.api.Assertions.assertThat;

/** When the OpenAPI customizer is registered, and that it takes the starter's properties. */
class IdempotencyOpenApiAutoConfigurationTests {

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(IdempotencyAutoConfiguration.class, IdempotencyOpenApiAutoConfiguration.class));

	@Test
	void customizerIsRegisteredWhenSpringdocIsPresent() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasSingleBean(IdempotencyOperationCustomizer.class);
			assertThat(context.getBeansOfType(OperationCustomizer.class)).hasSize(1);
			assertThat(context.getBeansOfType(OpenApiCustomizer.class)).hasSize(1);
		});
	}

	@Test
	void customizerBacksOffForTheApplicationsOwn() {
		this.contextRunner.withUserConfiguration(OwnCustomizer.class).run((context) -> {
			assertThat(context).hasSingleBean(IdempotencyOperationCustomizer.class);
			assertThat(context.getBean(IdempotencyOperationCustomizer.class)).isSameAs(OwnCustomizer.CUSTOMIZER);
		});
	}

	@Test
	void anUnrelatedOperationCustomizerDoesNotMakeItBackOff() {
		this.contextRunner.withUserConfiguration(UnrelatedCustomizer.class).run((context) -> {
			assertThat(context).hasSingleBean(IdempotencyOperationCustomizer.class);
			assertThat(context.getBeansOfType(OperationCustomizer.class)).hasSize(2);
		});
	}

	@Test
	void customizerIsAbsentWithoutSpringdoc() {
		this.contextRunner.withClassLoader(new FilteredClassLoader("org.springdoc")).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(IdempotencyOperationCustomizer.class);
			assertThat(context).doesNotHaveBean("idempotencyOperationCustomizer");
		});
	}

	@Test
	void customizerIsAbsentWhenIdempotencyIsDisabled() {
		this.contextRunner.withPropertyValues("idempotency.enabled=false").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(IdempotencyOperationCustomizer.class);
		});
	}

	@Test
	void customizerIsAbsentOutsideAServletWebApplication() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(IdempotencyOpenApiAutoConfiguration.class))
			.run((context) -> assertThat(context).doesNotHaveBean(IdempotencyOperationCustomizer.class));
	}

	@Test
	void customizerUsesTheConfiguredHeaderNameKeyLengthAndRetention() {
		this.contextRunner
			.withPropertyValues("idempotency.header-name=X-Request-Key", "idempotency.max-key-length=64",
					"idempotency.retention=36h")
			.run((context) -> {
				IdempotencyOperationCustomizer customizer = context.getBean(IdempotencyOperationCustomizer.class);
				Operation operation = customizer.customize(new Operation(),
						OpenApiTestController.handler("pay"));
				Parameter header = operation.getParameters().get(0);
				assertThat(header.getName()).isEqualTo("X-Request-Key");
				assertThat(header.getSchema().getMaxLength()).isEqualTo(64);
				assertThat(operation.getDescription()).contains("36 hours (`PT36H`)");
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class OwnCustomizer {

		static final IdempotencyOperationCustomizer CUSTOMIZER = new IdempotencyOperationCustomizer(
				new IdempotencyProperties());

		@Bean
		IdempotencyOperationCustomizer myIdempotencyOperationCustomizer() {
			return CUSTOMIZER;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UnrelatedCustomizer {

		@Bean
		OperationCustomizer operationIdCustomizer() {
			return (operation, handlerMethod) -> operation.operationId(handlerMethod.getMethod().getName());
		}

	}

}
