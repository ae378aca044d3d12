-- 0003 (PostgreSQL dialect of ../0003_sessions.sql).
ALTER TABLE sessions ADD COLUMN csrf_token TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN cert_fingerprint TEXT;
ALTER TABLE sessions ADD COLUMN cert_not_after BIGINT;
ALTER TABLE sessions ADD COLUMN previous_login_at BIGINT;
ALTER TABLE otp_tokens ADD COLUMN registered_at BIGINT NOT NULL DEFAULT 0;
CREATE INDEX enrollments_expires ON enrollments (expires_at);
