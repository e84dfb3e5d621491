package dev.idempotency.handler;

import java.lang.reflect.Method;

import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.aop.support.StaticMethodMatcherPointcut;
import org.springframework.aop.framework.AbstractAdvisingBeanPostProcessor;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.web.bind.annotation.RequestMapping;

import dev.idempotency.Idempotent;

/**
 * Proxies the controllers that have {@link Idempotent @Idempotent} request-mapping methods (class-based
 * proxies, the annotation read from the method or its class as the filter reads it) with the
 * {@link HandlerInvocationMarker}. It runs last, so the marker sits next to the method, inside any other
 * advice such as transactions or method validation. The Spring Boot starter registers it; other
 * applications register it as a {@code static} bean.
 */
public class IdempotentHandlerInvocationPostProcessor extends AbstractAdvisingBeanPostProcessor {

	public IdempotentHandlerInvocationPostProcessor() {
		this.advisor = new DefaultPointcutAdvisor(new IdempotentHandlerMethods(), new HandlerInvocationMarker());
		setProxyTargetClass(true);
		setBeforeExistingAdvisors(false);
		setOrder(Ordered.LOWEST_PRECEDENCE);
	}

	/** Request-mapping methods annotated {@code @Idempotent}, on the method or on its class. */
	private static final class IdempotentHandlerMethods extends StaticMethodMatcherPointcut {

		@Override
		public boolean matches(Method method, Class<?> targetClass) {
			return AnnotatedElementUtils.hasAnnotation(method, RequestMapping.class)
					&& (AnnotatedElementUtils.hasAnnotation(method, Idempotent.class)
							|| AnnotatedElementUtils.hasAnnotation(targetClass, Idempotent.class));
		}

	}

}
