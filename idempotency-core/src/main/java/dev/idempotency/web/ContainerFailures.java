package dev.idempotency.web;

import java.lang.reflect.Constructor;

import org.jspecify.annotations.Nullable;

/**
 * The exceptions Tomcat throws when it cannot parse a request's parameters or parts: its
 * {@code InvalidParameterException} (an {@link IllegalStateException} that carries the status Tomcat answers
 * with when it escapes the application) when Tomcat is present, a plain {@code IllegalStateException} otherwise.
 */
final class ContainerFailures {

	private static final @Nullable Constructor<?> TOMCAT_INVALID_PARAMETER = tomcatInvalidParameter();

	private ContainerFailures() {
	}

	static IllegalStateException invalidParameter(String message, int status) {
		if (TOMCAT_INVALID_PARAMETER != null) {
			try {
				return (IllegalStateException) TOMCAT_INVALID_PARAMETER.newInstance(message, status);
			}
			catch (ReflectiveOperationException ex) {
				// fall through to the plain exception
			}
		}
		return new IllegalStateException(message);
	}

	private static @Nullable Constructor<?> tomcatInvalidParameter() {
		try {
			return Class.forName("org.apache.tomcat.util.http.InvalidParameterException", false,
					ContainerFailures.class.getClassLoader())
				.getConstructor(String.class, int.class);
		}
		catch (ReflectiveOperationException | LinkageError ex) {
			return null;
		}
	}

}
