package dev.idempotency.sample;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** Settings of the sample ({@code sample.*}). */
@ConfigurationProperties("sample")
public class SampleProperties {

	/**
	 * How long each payment and refund waits before it starts its database work, to simulate a slow
	 * payment gateway.
	 */
	private Duration gatewayDelay = Duration.ZERO;

	/**
	 * How long each debit (payment, transfer, order payment) waits after its transaction (the debit and
	 * the payment row) committed, still inside the handler, to simulate a slow receipt step.
	 */
	private Duration afterDebitDelay = Duration.ZERO;

	public Duration getGatewayDelay() {
		return this.gatewayDelay;
	}

	public void setGatewayDelay(Duration gatewayDelay) {
		this.gatewayDelay = gatewayDelay;
	}

	public Duration getAfterDebitDelay() {
		return this.afterDebitDelay;
	}

	public void setAfterDebitDelay(Duration afterDebitDelay) {
		this.afterDebitDelay = afterDebitDelay;
	}

}
