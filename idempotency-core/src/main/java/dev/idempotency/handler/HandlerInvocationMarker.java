package dev.idempotency.handler;

import java.util.Arrays;

import jakarta.servlet.ServletRequest;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.framework.Advised;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;

/**
 * Advice on {@link dev.idempotency.Idempotent @Idempotent} handler methods that marks the current request
 * when the method itself is entered — after Spring MVC resolved, bound and validated its arguments. The
 * filter stores an answer only when it is marked: anything answered before (a CORS rejection, an
 * interceptor's refusal, a {@code 400} for a body that could not be read or validated) releases the key.
 * Applied by {@link IdempotentHandlerInvocationPostProcessor}.
 */
public final class HandlerInvocationMarker implements MethodInterceptor {

	private static final String INVOKED_ATTRIBUTE = HandlerInvocationMarker.class.getName() + ".INVOKED";

	@Override
	public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
		RequestAttributes attributes = RequestContextHolder.getRequestAttributes();
		if (attributes != null) {
			attributes.setAttribute(INVOKED_ATTRIBUTE, Boolean.TRUE, RequestAttributes.SCOPE_REQUEST);
		}
		return invocation.proceed();
	}

	/** Whether an {@code @Idempotent} handler method was entered during this request. */
	public static boolean wasInvoked(ServletRequest request) {
		return request.getAttribute(INVOKED_ATTRIBUTE) != null;
	}

	/** Whether {@code handler} carries this advice, so that {@link #wasInvoked} can be relied on for it. */
	public static boolean isApplied(Object handler) {
		return handler instanceof Advised advised && Arrays.stream(advised.getAdvisors())
			.anyMatch((advisor) -> advisor.getAdvice() instanceof HandlerInvocationMarker);
	}

}
