-- 0006: the bank's back office (issue 5, R3, R24): staff accounts with ID/PIN + TOTP, their
-- sessions, and four-eyes change requests.

-- Bank staff. The TOTP secret is kept in base32 like a person's token secret (not encrypted
-- at rest yet); last_otp_step is the newest accepted TOTP step, refused again (replay).
CREATE TABLE staff (
    staff_id      TEXT    PRIMARY KEY,                 -- half-width alphanumerics, 1-16
    name          TEXT    NOT NULL,
    role          TEXT    NOT NULL CHECK (role IN ('operator', 'approver')),
    pin_hash      TEXT    NOT NULL,                    -- Argon2id PHC string
    totp_secret   TEXT    NOT NULL,                    -- base32
    last_otp_step INTEGER,
    failure_count INTEGER NOT NULL DEFAULT 0,
    locked        INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL,
    last_login_at INTEGER
) STRICT;

-- One session per staff member (UNIQUE staff_id); the cookie token only as its SHA-256.
CREATE TABLE staff_sessions (
    token_hash   TEXT    PRIMARY KEY,
    staff_id     TEXT    NOT NULL UNIQUE REFERENCES staff (staff_id) ON DELETE CASCADE,
    state        TEXT    NOT NULL CHECK (state IN ('otp_required', 'active')),
    csrf_token   TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL
) STRICT;

-- Four-eyes change requests. contract_id has no foreign key: a contract_create request names
-- a contract that does not exist yet. payload: service/change_payload.h text form.
CREATE TABLE change_requests (
    id             INTEGER PRIMARY KEY,
    kind           TEXT    NOT NULL,
    contract_id    TEXT    NOT NULL,
    request_number TEXT    NOT NULL DEFAULT '',
    payload        TEXT    NOT NULL DEFAULT '',
    state          TEXT    NOT NULL CHECK (state IN ('pending', 'applied', 'rejected', 'failed')),
    requested_by   TEXT    NOT NULL REFERENCES staff (staff_id),
    requested_at   INTEGER NOT NULL,
    decided_by     TEXT    REFERENCES staff (staff_id),
    decided_at     INTEGER,
    reason         TEXT    NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX change_requests_state ON change_requests (state, id);
CREATE INDEX change_requests_contract ON change_requests (contract_id, id);
