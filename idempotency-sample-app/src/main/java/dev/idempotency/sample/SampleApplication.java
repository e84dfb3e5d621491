package dev.idempotency.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/**
 * A small payment service: accounts, payments that debit them, refunds that credit them. Payments and
 * refunds are {@link dev.idempotency.Idempotent}, so a client that times out and retries moves the money
 * once. Accounts and payments live in the sample's database ({@code spring.datasource.*}, an embedded H2
 * by default); the idempotency records live in memory (default profile) or in Redis (profile
 * {@code redis}).
 */
@SpringBootApplication
@EnableConfigurationProperties(SampleProperties.class)
public class SampleApplication {

	public static void main(String[] args) {
		SpringApplication.run(SampleApplication.class, args);
	}

}
