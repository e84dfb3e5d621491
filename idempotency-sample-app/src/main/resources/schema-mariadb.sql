-- The sample's accounts and payments on MariaDB. Re-runnable: Spring Boot's SQL initialization runs it at
-- every start (spring.sql.init.mode=always). Ids compare exactly, as on H2 and PostgreSQL: a binary,
-- NO PAD collation, so case and trailing spaces count.
CREATE TABLE IF NOT EXISTS account (
	id VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin NOT NULL PRIMARY KEY,
	balance DECIMAL(19, 2) NOT NULL CHECK (balance >= 0)
) ENGINE = InnoDB;

CREATE TABLE IF NOT EXISTS payment (
	id VARCHAR(36) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin NOT NULL PRIMARY KEY,
	account_id VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin NOT NULL,
	amount DECIMAL(19, 2) NOT NULL,
	status VARCHAR(20) NOT NULL,
	CONSTRAINT payment_account FOREIGN KEY (account_id) REFERENCES account (id)
) ENGINE = InnoDB;

CREATE TABLE IF NOT EXISTS refund (
	id VARCHAR(36) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin NOT NULL PRIMARY KEY,
	account_id VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin NOT NULL,
	amount DECIMAL(19, 2) NOT NULL,
	status VARCHAR(20) NOT NULL,
	CONSTRAINT refund_account FOREIGN KEY (account_id) REFERENCES account (id)
) ENGINE = InnoDB;
