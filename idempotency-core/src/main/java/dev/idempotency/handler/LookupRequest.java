package dev.idempotency.handler;

import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import org.jspecify.annotations.Nullable;

/** A view of the request that keeps attribute changes to itself. */
final class LookupRequest extends HttpServletRequestWrapper {

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
	public Enumeration<String> getAttributeNames() {
		Set<String> names = new HashSet<>(Collections.list(super.getAttributeNames()));
		names.removeAll(this.removed);
		names.addAll(this.attributes.keySet());
		return Collections.enumeration(names);
	}

}
