package dev.idempotency.execution;

import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletRequestEvent;
import jakarta.servlet.ServletRequestListener;

/**
 * Settles, when its request ends, an execution whose error page never passed through the filter: the
 * error dispatch was refused (Spring Security denying {@code /error}), or the container rendered the page
 * itself (no error page mapped). The container tells it after its error page handling, so it is the last
 * word on a request. The Spring Boot starter registers it; without it the filter stores such errors as
 * sent as soon as the handler's dispatch ends, without waiting for the error page.
 */
public final class ExecutionRequestListener implements ServletRequestListener {

	private static final String ACTIVE_ATTRIBUTE = ExecutionRequestListener.class.getName() + ".ACTIVE";

	private final ExecutionDispatches dispatches;

	public ExecutionRequestListener(ExecutionDispatches dispatches) {
		this.dispatches = dispatches;
	}

	@Override
	public void requestInitialized(ServletRequestEvent event) {
		event.getServletRequest().setAttribute(ACTIVE_ATTRIBUTE, Boolean.TRUE);
	}

	@Override
	public void requestDestroyed(ServletRequestEvent event) {
		Execution execution = Execution.of(event.getServletRequest());
		if (execution != null) {
			this.dispatches.requestEnded(execution);
		}
	}

	/** Whether this listener sees the request end. */
	static boolean isActive(ServletRequest request) {
		return request.getAttribute(ACTIVE_ATTRIBUTE) != null;
	}

}
