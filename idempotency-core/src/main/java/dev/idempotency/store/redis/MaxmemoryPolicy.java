package dev.idempotency.store.redis;

import java.util.Locale;
import java.util.Properties;

import org.jspecify.annotations.Nullable;

/** Reads the {@code maxmemory-policy} out of a {@code CONFIG GET maxmemory-policy} reply. */
final class MaxmemoryPolicy {

	private MaxmemoryPolicy() {
	}

	static @Nullable String of(Properties config) {
		String policy = config.getProperty("maxmemory-policy");
		return (policy != null) ? policy : firstValue(config);
	}

	/**
	 * The policy under another spelling of its name: any case, or, from a Redis Cluster, once per node as
	 * {@code host:port.maxmemory-policy}; the first one other than {@code noeviction} if a node has one.
	 */
	private static @Nullable String firstValue(Properties config) {
		String found = null;
		for (String name : config.stringPropertyNames()) {
			String lowerCase = name.toLowerCase(Locale.ROOT);
			if (lowerCase.equals("maxmemory-policy") || lowerCase.endsWith(".maxmemory-policy")) {
				String policy = config.getProperty(name);
				if (found == null || "noeviction".equalsIgnoreCase(found)) {
					found = policy;
				}
			}
		}
		return found;
	}

}
