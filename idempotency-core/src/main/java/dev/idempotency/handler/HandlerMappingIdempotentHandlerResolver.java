package dev.idempotency.handler;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServletMapping;
import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.BeanFactoryUtils;
import org.springframework.context.ApplicationContext;
import org.springframework.core.annotation.AnnotationAwareOrderComparator;
import org.springframework.web.cors.CorsConfigurationSource;
import org.springframework.web.cors.DefaultCorsProcessor;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.FrameworkServlet;
import org.springframework.web.servlet.HandlerExecutionChain;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.servlet.handler.AbstractHandlerMapping;
import org.springframework.web.servlet.handler.AbstractHandlerMethodMapping;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.util.ServletRequestPathUtils;

import dev.idempotency.key.BusinessKeySource;

/**
 * Asks Spring MVC's {@link HandlerMapping}s, in the dispatcher's order, which handler a request maps to —
 * once per request, the way {@code DispatcherServlet} will — and reads {@link Idempotent} from the handler
 * method or its class, and the CORS configuration the mapping attaches to the handler. The lookup runs on a
 * view of the request whose attribute changes are discarded, so the dispatcher later starts from a clean
 * request. Annotation lookups are cached per handler method.
 * <p>
 * Built on an {@link ApplicationContext}, it also serves requests of other {@code DispatcherServlet}s: a
 * request whose servlet publishes a context of its own ({@link FrameworkServlet#SERVLET_CONTEXT_PREFIX})
 * is looked up in that context's mappings, found as the dispatcher finds them, cached per servlet name
 * and checked like the application's handlers when the servlet is first seen.
 */
public class HandlerMappingIdempotentHandlerResolver implements IdempotentHandlerResolver {

	private final Supplier<? extends Collection<HandlerMapping>> handlerMappingsSource;

	private final @Nullable ApplicationContext context;

	private volatile @Nullable List<HandlerMapping> handlerMappings;

	private final Map<String, List<HandlerMapping>> servletMappings = new ConcurrentHashMap<>();

	private final Map<HandlerKey, Optional<IdempotentPolicy>> policies = new ConcurrentHashMap<>();

	private final Map<Class<?>, Boolean> invocationTracked = new ConcurrentHashMap<>();

	private Consumer<List<Method>> tokenHandlersCheck = (methods) -> {
	};

	/**
	 * Sees only the given mappings, for the requests of every servlet.
	 * @param handlerMappings supplies the application's mappings; asked once, on the first request
	 */
	public HandlerMappingIdempotentHandlerResolver(Supplier<? extends Collection<HandlerMapping>> handlerMappings) {
		this(handlerMappings, null);
	}

	/**
	 * Sees the context's mappings (with its ancestors'), and those of every other {@code DispatcherServlet}
	 * that publishes its own context.
	 */
	public HandlerMappingIdempotentHandlerResolver(ApplicationContext context) {
		this(() -> mappingsOf(context), context);
	}

	private HandlerMappingIdempotentHandlerResolver(Supplier<? extends Collection<HandlerMapping>> handlerMappings,
			@Nullable ApplicationContext context) {
		this.handlerMappingsSource = handlerMappings;
		this.context = context;
	}

	/**
	 * Checks the token-required handler methods of another dispatcher's context when it is first seen, as
	 * the application's are checked at start-up; throws to refuse them.
	 */
	public void setTokenHandlersCheck(Consumer<List<Method>> check) {
		this.tokenHandlersCheck = check;
	}

	@Override
	public @Nullable IdempotentHandler resolve(HttpServletRequest request) {
		LookupRequest lookup = new LookupRequest(request);
		if (!ServletRequestPathUtils.hasParsedRequestPath(lookup)) {
			ServletRequestPathUtils.parseAndCache(lookup);
		}
		for (HandlerMapping mapping : handlerMappings(request)) {
			HandlerExecutionChain chain;
			try {
				chain = mapping.getHandler(lookup);
			}
			catch (Exception ex) {
				return null;
			}
			if (chain != null) {
				return (chain.getHandler() instanceof HandlerMethod handlerMethod)
						? idempotentHandler(handlerMethod, lookup, mapping, chain) : null;
			}
		}
		return null;
	}

	/**
	 * Reads {@link Idempotent} from every handler method the mappings know, so a malformed annotation
	 * fails at start-up rather than on the first request.
	 * @throws IllegalStateException for a malformed {@code @Idempotent(retention)} or business key
	 */
	public void validateHandlers() {
		validate(handlerMappings());
	}

	/** Every {@code @Idempotent} handler method the application's mappings know. */
	public List<Method> idempotentHandlerMethods() {
		List<Method> methods = new ArrayList<>();
		for (HandlerMapping mapping : handlerMappings()) {
			if (mapping instanceof AbstractHandlerMethodMapping<?> methodMapping) {
				methodMapping.getHandlerMethods()
					.values()
					.forEach((handlerMethod) -> policyOf(handlerMethod).ifPresent((policy) -> methods.add(handlerMethod.getMethod())));
			}
		}
		return methods;
	}

	/**
	 * The handler methods marked {@code @Idempotent(tokenRequired = true)}, for a start-up check that the
	 * store supports one-time tokens.
	 */
	public List<Method> tokenRequiredHandlers() {
		return tokenRequiredHandlers(handlerMappings());
	}

	private void validate(List<HandlerMapping> mappings) {
		for (HandlerMapping mapping : mappings) {
			if (mapping instanceof AbstractHandlerMethodMapping<?> methodMapping) {
				methodMapping.getHandlerMethods().forEach((info, handlerMethod) -> policyOf(handlerMethod)
					.ifPresent((policy) -> checkPathVariable(policy, info, handlerMethod)));
			}
		}
	}

	private List<Method> tokenRequiredHandlers(List<HandlerMapping> mappings) {
		List<Method> methods = new ArrayList<>();
		for (HandlerMapping mapping : mappings) {
			if (mapping instanceof AbstractHandlerMethodMapping<?> methodMapping) {
				methodMapping.getHandlerMethods()
					.values()
					.forEach((handlerMethod) -> policyOf(handlerMethod).filter(IdempotentPolicy::tokenRequired)
						.ifPresent((policy) -> methods.add(handlerMethod.getMethod())));
			}
		}
		return methods;
	}

	private static void checkPathVariable(IdempotentPolicy policy, Object mappingInfo, HandlerMethod handlerMethod) {
		BusinessKeySource businessKey = policy.businessKey();
		if (businessKey == null || businessKey.kind() != BusinessKeySource.Kind.PATH_VARIABLE
				|| !(mappingInfo instanceof RequestMappingInfo info)) {
			return;
		}
		String name = businessKey.name();
		boolean declared = info.getPatternValues()
			.stream()
			.anyMatch((pattern) -> pattern.contains("{" + name + "}") || pattern.contains("{" + name + ":")
					|| pattern.contains("{*" + name + "}"));
		if (!declared) {
			throw new IllegalStateException("@BusinessKey(pathVariable = \"" + name + "\") on "
					+ handlerMethod.getMethod() + " names no path variable of its mapping " + info.getPatternValues());
		}
	}

	private @Nullable IdempotentHandler idempotentHandler(HandlerMethod handlerMethod, LookupRequest lookup,
			HandlerMapping mapping, HandlerExecutionChain chain) {
		IdempotentPolicy policy = policyOf(handlerMethod).orElse(null);
		if (policy == null) {
			return null;
		}
		Object pattern = lookup.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE);
		String route = (pattern != null) ? pattern.toString() : lookup.getRequestURI();
		Map<String, String> pathVariables = Map.of();
		if (policy.businessKey() != null
				&& lookup.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE) instanceof Map<?, ?> variables) {
			@SuppressWarnings("unchecked")
			Map<String, String> typed = (Map<String, String>) variables;
			pathVariables = typed;
		}
		return new IdempotentHandler(route, policy.required(), policy.retention(), policy.tokenRequired(),
				policy.businessKey(), pathVariables, corsAnswers(mapping, chain, lookup),
				invocationTracked(handlerMethod.getBean()));
	}

	private boolean invocationTracked(Object bean) {
		return this.invocationTracked.computeIfAbsent(bean.getClass(),
				(beanClass) -> HandlerInvocationMarker.isApplied(bean));
	}

	/** The CORS interceptor {@code AbstractHandlerMapping.getHandler} puts first in the chain, if any. */
	private static CorsAnswers corsAnswers(HandlerMapping mapping, HandlerExecutionChain chain, LookupRequest lookup) {
		for (HandlerInterceptor interceptor : chain.getInterceptorList()) {
			if (interceptor instanceof CorsConfigurationSource source) {
				return CorsAnswers.of(source.getCorsConfiguration(lookup),
						(mapping instanceof AbstractHandlerMapping handlerMapping) ? handlerMapping.getCorsProcessor()
								: new DefaultCorsProcessor());
			}
		}
		return CorsAnswers.NONE;
	}

	private Optional<IdempotentPolicy> policyOf(HandlerMethod handlerMethod) {
		return this.policies.computeIfAbsent(new HandlerKey(handlerMethod.getBeanType(), handlerMethod.getMethod()),
				(key) -> Optional.ofNullable(IdempotentPolicy.of(key.method(), key.beanType())));
	}

	private List<HandlerMapping> handlerMappings(HttpServletRequest request) {
		HttpServletMapping servletMapping = (this.context != null) ? request.getHttpServletMapping() : null;
		String servletName = (servletMapping != null) ? servletMapping.getServletName() : null;
		if (servletName == null) {
			return handlerMappings();
		}
		List<HandlerMapping> mappings = this.servletMappings.get(servletName);
		if (mappings != null) {
			return mappings;
		}
		ServletContext servletContext = request.getServletContext();
		if (!(servletContext.getAttribute(
				FrameworkServlet.SERVLET_CONTEXT_PREFIX + servletName) instanceof ApplicationContext published)) {
			return handlerMappings();
		}
		return this.servletMappings.computeIfAbsent(servletName, (name) -> dispatcherMappings(published));
	}

	private List<HandlerMapping> dispatcherMappings(ApplicationContext published) {
		if (published == this.context) {
			return handlerMappings();
		}
		List<HandlerMapping> mappings = sorted(mappingsOf(published));
		validate(mappings);
		this.tokenHandlersCheck.accept(tokenRequiredHandlers(mappings));
		return mappings;
	}

	private List<HandlerMapping> handlerMappings() {
		List<HandlerMapping> mappings = this.handlerMappings;
		if (mappings == null) {
			mappings = sorted(this.handlerMappingsSource.get());
			this.handlerMappings = mappings;
		}
		return mappings;
	}

	/** The mappings a {@code DispatcherServlet} on this context detects. */
	private static Collection<HandlerMapping> mappingsOf(ApplicationContext context) {
		return BeanFactoryUtils.beansOfTypeIncludingAncestors(context, HandlerMapping.class, true, false).values();
	}

	private static List<HandlerMapping> sorted(Collection<HandlerMapping> mappings) {
		List<HandlerMapping> sorted = new ArrayList<>(mappings);
		AnnotationAwareOrderComparator.sort(sorted);
		return List.copyOf(sorted);
	}

	private record HandlerKey(Class<?> beanType, Method method) {
	}

}
