package dev.idempotency.autoconfigure;

import java.lang.reflect.Method;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import javax.sql.DataSource;

import org.springframework.beans.BeanWrapper;
import org.springframework.beans.PropertyAccessorFactory;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.ResourceTransactionManager;
import org.springframework.web.context.request.async.DeferredResult;
import org.springframework.web.context.request.async.WebAsyncTask;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyEmitter;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

import dev.idempotency.IdempotencyFilter;
import dev.idempotency.IdempotencyObserver;
import dev.idempotency.IdempotencySettings;
import dev.idempotency.execution.TransactionalCompletion;
import dev.idempotency.handler.IdempotentHandlerResolver;
import dev.idempotency.scope.IdempotencyScopeResolver;
import dev.idempotency.store.IdempotencyStore;
import dev.idempotency.store.jdbc.JdbcIdempotencyStore;

/**
 * Decides whether the filter runs with transactional completion: the store is the JDBC store,
 * {@code idempotency.store.jdbc.transactional-completion} is on, and the application has a transaction
 * manager for the store's {@code DataSource}. Loaded only when Spring JDBC is on the class path.
 */
final class TransactionalCompletions {

	private static final Log logger = LogFactory.getLog(TransactionalCompletions.class);

	private TransactionalCompletions() {
	}

	/** The filter, with transactional completion where the store and the application allow it. */
	static IdempotencyFilter filter(ListableBeanFactory beans, IdempotencyStore store, IdempotentHandlerResolver handlers,
			IdempotencyScopeResolver scopes, IdempotencySettings settings, IdempotencyObserver observer,
			IdempotencyProperties properties) {
		return new IdempotencyFilter(store, handlers, scopes, settings, observer, of(beans, store, properties));
	}

	static @Nullable TransactionalCompletion of(ListableBeanFactory beans, IdempotencyStore store,
			IdempotencyProperties properties) {
		if (!(store instanceof JdbcIdempotencyStore jdbc)
				|| !beans.getBeanProvider(JdbcStoreProperties.class)
					.getIfAvailable(JdbcStoreProperties::new)
					.isTransactionalCompletion()) {
			return null;
		}
		for (PlatformTransactionManager manager : beans.getBeanProvider(PlatformTransactionManager.class)) {
			if (manages(manager, jdbc.getDataSource())) {
				return new TransactionalCompletion(manager, properties.getRetryAfter());
			}
		}
		logger.warn("No transaction manager manages the DataSource of the JDBC idempotency store: idempotent"
				+ " handlers run without transactional completion, and their answers are stored on their own."
				+ " Define a DataSourceTransactionManager (or a JpaTransactionManager with that dataSource) for it, or set"
				+ " idempotency.store.jdbc.transactional-completion=false to silence this warning.");
		return null;
	}

	/**
	 * Whether a transaction of {@code manager} binds a connection of {@code dataSource} to its thread, so the
	 * store's {@code complete} takes part in it: a {@code DataSourceTransactionManager} (or
	 * {@code JdbcTransactionManager}) on it, or a manager exposing it as its {@code dataSource}, as
	 * {@code JpaTransactionManager} and {@code HibernateTransactionManager} do.
	 */
	static boolean manages(PlatformTransactionManager manager, DataSource dataSource) {
		if (manager instanceof ResourceTransactionManager resources && resources.getResourceFactory() == dataSource) {
			return true;
		}
		BeanWrapper properties = PropertyAccessorFactory.forBeanPropertyAccess(manager);
		return properties.isReadableProperty("dataSource") && properties.getPropertyValue("dataSource") == dataSource;
	}

	/**
	 * Warns about the {@code @Idempotent} handlers that answer asynchronously: their answer is stored after
	 * the request thread's transaction committed, outside it.
	 */
	static void warnAboutAsyncHandlers(List<Method> handlers) {
		List<Method> async = handlers.stream().filter(TransactionalCompletions::isAsync).toList();
		if (!async.isEmpty()) {
			logger.warn("Transactional completion does not cover these @Idempotent handlers, which answer"
					+ " asynchronously: what they do on the request thread commits when it returns, and their answer is"
					+ " stored afterwards, on its own, so a crash in between can run them again: " + async);
		}
	}

	private static boolean isAsync(Method method) {
		Class<?> type = method.getReturnType();
		return Callable.class.isAssignableFrom(type) || DeferredResult.class.isAssignableFrom(type)
				|| WebAsyncTask.class.isAssignableFrom(type) || CompletionStage.class.isAssignableFrom(type)
				|| ResponseBodyEmitter.class.isAssignableFrom(type) || StreamingResponseBody.class.isAssignableFrom(type);
	}

}
