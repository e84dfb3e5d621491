package dev.idempotency.autoconfigure;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.scheduling.support.CronTrigger;

import dev.idempotency.store.IdempotencyStore;
import dev.idempotency.store.jdbc.JdbcIdempotencyStore;

/**
 * Runs {@link JdbcIdempotencyStore#deleteExpired()} on a cron expression, on a scheduler thread of its own
 * (the application needs no {@code @EnableScheduling}), started and stopped with the context.
 */
class JdbcStoreCleanup implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(JdbcStoreCleanup.class);

	private final ObjectProvider<IdempotencyStore> stores;

	private final @Nullable CronTrigger trigger;

	private volatile @Nullable JdbcIdempotencyStore store;

	private volatile @Nullable ThreadPoolTaskScheduler scheduler;

	/**
	 * @param cron a cron expression, or {@value Scheduled#CRON_DISABLED} for no cleanup
	 */
	JdbcStoreCleanup(ObjectProvider<IdempotencyStore> stores, String cron) {
		this.stores = stores;
		this.trigger = Scheduled.CRON_DISABLED.equals(cron) ? null : new CronTrigger(cron);
	}

	@Override
	public void start() {
		if (this.trigger == null || !(this.stores.getIfAvailable() instanceof JdbcIdempotencyStore jdbcStore)) {
			return;
		}
		this.store = jdbcStore;
		ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();
		scheduler.setThreadNamePrefix("idempotency-jdbc-cleanup-");
		scheduler.setDaemon(true);
		scheduler.initialize();
		scheduler.schedule(this::cleanUp, this.trigger);
		this.scheduler = scheduler;
	}

	void cleanUp() {
		JdbcIdempotencyStore store = this.store;
		if (store == null) {
			return;
		}
		try {
			long removed = store.deleteExpired();
			if (logger.isDebugEnabled()) {
				logger.debug("Deleted " + removed + " expired rows from " + store.getTableName());
			}
		}
		catch (RuntimeException ex) {
			logger.warn("Cleanup of expired idempotency records in " + store.getTableName() + " failed: "
					+ ex.getMessage());
		}
	}

	@Override
	public void stop() {
		ThreadPoolTaskScheduler scheduler = this.scheduler;
		if (scheduler != null) {
			scheduler.shutdown();
			this.scheduler = null;
		}
	}

	@Override
	public boolean isRunning() {
		return this.scheduler != null;
	}

}
