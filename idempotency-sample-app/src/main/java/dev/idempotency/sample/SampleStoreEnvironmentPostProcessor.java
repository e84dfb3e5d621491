package dev.idempotency.sample;

import java.util.List;


import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Picks the sample's idempotency store when nothing else does: Redis as soon as a Redis location is
 * configured ({@code spring.data.redis.url}, {@code host}, {@code cluster.nodes} or
 * {@code sentinel.master}), in-memory otherwise, so the sample needs nothing installed by default and
 * {@code --spring.data.redis.cluster.nodes=…} alone is enough to run it on a Cluster. The value sits
 * below every other property source: {@code idempotency.store.type} set anywhere (the {@code redis}
 * profile, the command line) wins. It is decided when read, so property sources added later (tests'
 * dynamic properties) count too.
 */
class SampleStoreEnvironmentPostProcessor implements EnvironmentPostProcessor {

	private static final List<String> REDIS_LOCATIONS = List.of("spring.data.redis.url", "spring.data.redis.host",
			"spring.data.redis.cluster.nodes", "spring.data.redis.sentinel.master");

	private static final String STORE_TYPE = "idempotency.store.type";

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		environment.getPropertySources()
			.addLast(new DerivedPropertySource("sampleIdempotencyStore", STORE_TYPE, environment,
					(env) -> REDIS_LOCATIONS.stream().anyMatch(env::containsProperty) ? "redis" : "in-memory"));
	}

}
