CREATE TABLE IF NOT EXISTS idempotency_record (
	id VARCHAR(64) NOT NULL,
	owner_token VARCHAR(64),
	completed_by VARCHAR(64),
	record BYTEA,
	token_expires_at TIMESTAMP WITH TIME ZONE,
	expires_at TIMESTAMP WITH TIME ZONE NOT NULL,
	CONSTRAINT idempotency_record_pk PRIMARY KEY (id)
);

CREATE INDEX IF NOT EXISTS idempotency_record_expires_at_ix ON idempotency_record (expires_at);
