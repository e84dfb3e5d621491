package dev.idempotency.sample;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** Settings of the sample ({@code sample.*}). */
@ConfigurationProperties("sample")
public class SampleProperties {

	/**
	 * How long each payment and refund waits before committing, to simulate a slow payment gateway.
	 */
	private Duration gatewayDelay = Duration.ZERO;

	public Duration getGatewayDelay() {
		return this.gatewayDelay;
	}

	public void setGatewayDelay(Duration gatewayDelay) {
		this.gatewayDelay = gatewayDelay;
	}

}
