package dev.idempotency.sample;

import java.util.function.Function;

import org.jspecify.annotations.Nullable;

import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.Environment;

/**
 * One property whose value is computed from the environment each time it is read, so property sources
 * added later (tests' dynamic properties) count too. Added last, it sits below every other source: the
 * property set anywhere wins.
 */
final class DerivedPropertySource extends EnumerablePropertySource<Object> {

	private final String property;

	private final Environment environment;

	private final Function<Environment, Object> value;

	DerivedPropertySource(String name, String property, Environment environment, Function<Environment, Object> value) {
		super(name, new Object());
		this.property = property;
		this.environment = environment;
		this.value = value;
	}

	@Override
	public String[] getPropertyNames() {
		return new String[] { this.property };
	}

	@Override
	public @Nullable Object getProperty(String name) {
		return this.property.equals(name) ? this.value.apply(this.environment) : null;
	}

}
