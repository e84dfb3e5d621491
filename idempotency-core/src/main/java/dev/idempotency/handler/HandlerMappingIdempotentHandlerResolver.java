package dev.idempotency.handler;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import org.jspecify.annotations.Nullable;

import org.springframework.core.annotation.AnnotationAwareOrderComparator;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerExecutionChain;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.servlet.handler.AbstractHandlerMethodMapping;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.util.ServletRequestPathUtils;

import dev.idempotency.key.BusinessKeySource;

/**
 * Asks Spring MVC's {@link HandlerMapping}s, in the dispatcher's order, which handler a request maps to —
 * once per request, the way {@code DispatcherServlet} will — and reads {@link Idempotent} from the handler
 * method or its class. The lookup runs on a view of the request whose attribute changes are discarded, so
 * the dispatcher later starts from a clean request. Annotation lookups are cached per handler method.
 */
public class HandlerMappingIdempotentHandlerResolver implements IdempotentHandlerResolver {

	private final Supplier<? extends Collection<HandlerMapping>> handlerMappingsSource;

	private volatile @Nullable List<HandlerMapping> handlerMappings;

	private final Map<HandlerKey, Optional<IdempotentPolicy>> policies = new ConcurrentHashMap<>();

	private final Map<Class<?>, Boolean> invocationTracked = new ConcurrentHashMap<>();

	/** @param handlerMappings supplies the application's mappings; asked once, on the first request */
	public HandlerMappingIdempotentHandlerResolver(Supplier<? extends Collection<HandlerMapping>> handlerMappings) {
		this.handlerMappingsSource = handlerMappings;
	}

	@Override
	public @Nullable IdempotentHandler resolve(HttpServletRequest request) {
		LookupRequest lookup = new LookupRequest(request);
		if (!ServletRequestPathUtils.hasParsedRequestPath(lookup)) {
			ServletRequestPathUtils.parseAndCache(lookup);
		}
		for (HandlerMapping mapping : handlerMappings()) {
			HandlerExecutionChain chain;
			try {
				chain = mapping.getHandler(lookup);
			}
			catch (Exception ex) {
				return null;
			}
			if (chain != null) {
				return (chain.getHandler() instanceof HandlerMethod handlerMethod) ? idempotentHandler(handlerMethod, lookup)
						: null;
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
		for (HandlerMapping mapping : handlerMappings()) {
			if (mapping instanceof AbstractHandlerMethodMapping<?> methodMapping) {
				methodMapping.getHandlerMethods().forEach((info, handlerMethod) -> policyOf(handlerMethod)
					.ifPresent((policy) -> checkPathVariable(policy, info, handlerMethod)));
			}
		}
	}

	/**
	 * The handler methods marked {@code @Idempotent(tokenRequired = true)}, for a start-up check that the
	 * store supports one-time tokens.
	 */
	public List<Method> tokenRequiredHandlers() {
		List<Method> methods = new ArrayList<>();
		for (HandlerMapping mapping : handlerMappings()) {
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

	private @Nullable IdempotentHandler idempotentHandler(HandlerMethod handlerMethod, LookupRequest lookup) {
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
				policy.businessKey(), pathVariables, invocationTracked(handlerMethod.getBean()));
	}

	private boolean invocationTracked(Object bean) {
		return this.invocationTracked.computeIfAbsent(bean.getClass(),
				(beanClass) -> HandlerInvocationMarker.isApplied(bean));
	}

	private Optional<IdempotentPolicy> policyOf(HandlerMethod handlerMethod) {
		return this.policies.computeIfAbsent(new HandlerKey(handlerMethod.getBeanType(), handlerMethod.getMethod()),
				(key) -> Optional.ofNullable(IdempotentPolicy.of(key.method(), key.beanType())));
	}

	private List<HandlerMapping> handlerMappings() {
		List<HandlerMapping> mappings = this.handlerMappings;
		if (mappings == null) {
			mappings = new ArrayList<>(this.handlerMappingsSource.get());
			AnnotationAwareOrderComparator.sort(mappings);
			this.handlerMappings = mappings;
		}
		return mappings;
	}

	private record HandlerKey(Class<?> beanType, Method method) {
	}

	/** A view of the request that keeps attribute changes to itself. */
	private static final class LookupRequest extends HttpServletRequestWrapper {

		private final Map<String, Object> attributes = new HashMap<>(8);

		private final Set<String> removed = new HashSet<>(4);

		LookupRequest(HttpServletRequest request) {
			super(request);
		}

		@Override
		public @Nullable Object getAttribute(String name) {
			Object value = this.attributes.get(name);
			if (value != null) {
				return value;
			}
			return this.removed.contains(name) ? null : super.getAttribute(name);
		}

		@Override
		public void setAttribute(String name, @Nullable Object value) {
			if (value == null) {
				removeAttribute(name);
				return;
			}
			this.attributes.put(name, value);
			this.removed.remove(name);
		}

		@Override
		public void removeAttribute(String name) {
			this.attributes.remove(name);
			this.removed.add(name);
		}

		@Override
		public java.util.Enumeration<String> getAttributeNames() {
			Set<String> names = new HashSet<>(java.util.Collections.list(super.getAttributeNames()));
			names.removeAll(this.removed);
			names.addAll(this.attributes.keySet());
			return java.util.Collections.enumeration(names);
		}

	}

}
