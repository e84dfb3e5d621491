package dev.idempotency.autoconfigure;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;

import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.AbstractPlatformTransactionManager;
import org.springframework.transaction.support.DefaultTransactionStatus;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which transaction managers give transactional completion: those whose transactions bind a connection of
 * the JDBC store's {@code DataSource}, found by their resource or by their {@code dataSource} property (the
 * way {@code JpaTransactionManager} exposes it).
 */
class TransactionalCompletionsTests {

	private final DataSource storeDataSource = new DriverManagerDataSource("jdbc:h2:mem:store");

	@Test
	void issue12_dataSourceTransactionManagerOfTheStoresDataSourceManagesIt() {
		assertThat(TransactionalCompletions.manages(new DataSourceTransactionManager(this.storeDataSource),
				this.storeDataSource)).isTrue();
		assertThat(TransactionalCompletions.manages(
				new DataSourceTransactionManager(new DriverManagerDataSource("jdbc:h2:mem:other")), this.storeDataSource))
			.isFalse();
	}

	@Test
	void issue12_managerExposingTheStoresDataSourceAsItsDataSourcePropertyManagesIt() {
		DataSourcePropertyManager jpaLike = new DataSourcePropertyManager();
		jpaLike.setDataSource(this.storeDataSource);
		assertThat(TransactionalCompletions.manages(jpaLike, this.storeDataSource)).isTrue();
		jpaLike.setDataSource(new DriverManagerDataSource("jdbc:h2:mem:other"));
		assertThat(TransactionalCompletions.manages(jpaLike, this.storeDataSource)).isFalse();
	}

	/** Exposes a {@code dataSource} property as {@code JpaTransactionManager} does; never used for transactions. */
	static class DataSourcePropertyManager extends AbstractPlatformTransactionManager {

		private DataSource dataSource;

		public DataSource getDataSource() {
			return this.dataSource;
		}

		public void setDataSource(DataSource dataSource) {
			this.dataSource = dataSource;
		}

		@Override
		protected Object doGetTransaction() {
			throw new UnsupportedOperationException();
		}

		@Override
		protected void doBegin(Object transaction, TransactionDefinition definition) {
			throw new UnsupportedOperationException();
		}

		@Override
		protected void doCommit(DefaultTransactionStatus status) {
			throw new UnsupportedOperationException();
		}

		@Override
		protected void doRollback(DefaultTransactionStatus status) {
			throw new UnsupportedOperationException();
		}

	}

}
