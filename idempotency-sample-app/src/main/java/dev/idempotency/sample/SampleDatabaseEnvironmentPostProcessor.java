package dev.idempotency.sample;


import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.jdbc.DatabaseDriver;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Picks the sample's schema script for the database {@code spring.datasource.url} points at: sets
 * {@code spring.sql.init.platform} to Spring Boot's id of that database ({@code postgresql},
 * {@code mariadb}, …; {@code h2} without a URL, the embedded default), so Spring Boot's SQL
 * initialization runs {@code schema-postgresql.sql}, {@code schema-mariadb.sql} or {@code schema-h2.sql}.
 * The value sits below every other property source, so {@code spring.sql.init.platform} set anywhere
 * wins, and is decided when read, so property sources added later (tests' dynamic properties) count too.
 */
class SampleDatabaseEnvironmentPostProcessor implements EnvironmentPostProcessor {

	private static final String PLATFORM = "spring.sql.init.platform";

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		environment.getPropertySources()
			.addLast(new DerivedPropertySource("sampleSqlInitPlatform", PLATFORM, environment, (env) -> {
				String url = env.getProperty("spring.datasource.url");
				return (url != null) ? DatabaseDriver.fromJdbcUrl(url).getId() : DatabaseDriver.H2.getId();
			}));
	}

}
