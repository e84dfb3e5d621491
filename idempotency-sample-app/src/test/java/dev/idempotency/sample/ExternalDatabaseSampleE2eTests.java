package dev.idempotency.sample;

import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import dev.idempotency.sample.payments.PaymentGateway;

import static dev.idempotency.testsupport.HttpTestClient.basic;
import static org.assertj.core.api.Assertions.assertThat;

/** The sample's contract on a database server, and a second instance sharing that database. */
abstract class ExternalDatabaseSampleE2eTests extends SampleContractTests {

	abstract SampleTestDatabase database();

	@Test
	void secondInstanceOnTheSameDatabaseRerunsTheSchemaAndSeesTheSameAccountsAndPayments() {
		String location = this.client.pay("alice", newKey(), this.account, "10.00").headers().firstValue("Location").orElseThrow();
		try (ConfigurableApplicationContext second = new SpringApplicationBuilder(SampleApplication.class)
			.properties("server.port=0", "spring.datasource.url=" + database().url(),
					"spring.datasource.username=" + database().username())
			.run()) {
			SampleClient other = new SampleClient(Integer.parseInt(second.getEnvironment().getProperty("local.server.port")));
			assertThat(other.balance(this.account)).isEqualByComparingTo("990.00");
			HttpResponse<byte[]> payment = other.http().send(other.http().request(location, "Authorization", basic("alice")).GET().build());
			assertThat(payment.statusCode()).isEqualTo(200);
			assertThat(other.pay("alice", newKey(), this.account, "15.00").statusCode()).isEqualTo(201);
			assertThat(second.getBean(PaymentGateway.class).debits()).isEqualTo(1);
		}
		assertThat(this.client.balance(this.account)).isEqualByComparingTo("975.00");
		assertThat(paymentRows()).isEqualTo(2);
	}

}
