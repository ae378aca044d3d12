-- 0003: what login, the OTP step and acquisition (issue 3) need beyond the tables of 0001.
-- Sessions keep the CSRF token itself (it is returned by GET /sessions/current and is useless
-- without the session cookie, whose token is stored only as a hash), the certificate that made
-- the session (fingerprint and expiry) and the person's previous login time shown after login.
ALTER TABLE sessions ADD COLUMN csrf_token TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN cert_fingerprint TEXT;
ALTER TABLE sessions ADD COLUMN cert_not_after INTEGER;
ALTER TABLE sessions ADD COLUMN previous_login_at INTEGER;

-- When a person's OTP token was registered (the administrator's "register a user's token").
ALTER TABLE otp_tokens ADD COLUMN registered_at INTEGER NOT NULL DEFAULT 0;

-- enrollments.id holds the lowercase hex SHA-256 of the secret enrollment ID, never the ID.
-- Expired enrollments are removed by time.
CREATE INDEX enrollments_expires ON enrollments (expires_at);
