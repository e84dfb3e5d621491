CREATE TABLE IF NOT EXISTS idempotency_record (
	id VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	owner_token VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin,
	completed_by VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin,
	record LONGBLOB,
	token_expires_at DATETIME(6),
	expires_at DATETIME(6) NOT NULL,
	CONSTRAINT idempotency_record_pk PRIMARY KEY (id),
	INDEX idempotency_record_expires_at_ix (expires_at)
) ENGINE = InnoDB;
