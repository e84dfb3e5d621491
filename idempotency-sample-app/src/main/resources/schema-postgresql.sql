-- The sample's accounts and payments on PostgreSQL. Re-runnable: Spring Boot's SQL
-- initialization runs it at every start (spring.sql.init.mode=always).
CREATE TABLE IF NOT EXISTS account (
	id VARCHAR(255) NOT NULL PRIMARY KEY,
	balance NUMERIC(19, 2) NOT NULL CHECK (balance >= 0)
);

CREATE TABLE IF NOT EXISTS payment (
	id VARCHAR(36) NOT NULL PRIMARY KEY,
	account_id VARCHAR(255) NOT NULL REFERENCES account (id),
	amount NUMERIC(19, 2) NOT NULL,
	status VARCHAR(20) NOT NULL
);

CREATE INDEX IF NOT EXISTS payment_account_id ON payment (account_id);

CREATE TABLE IF NOT EXISTS refund (
	id VARCHAR(36) NOT NULL PRIMARY KEY,
	account_id VARCHAR(255) NOT NULL REFERENCES account (id),
	amount NUMERIC(19, 2) NOT NULL,
	status VARCHAR(20) NOT NULL
);

CREATE INDEX IF NOT EXISTS refund_account_id ON refund (account_id);
