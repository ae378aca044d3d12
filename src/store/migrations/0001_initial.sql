-- 0001: contracts and persons, certificate slots and certificates, usage history, counters,
-- and the tables of sessions, OTP tokens and acquisitions (used from issue 3 on).
-- Times are Unix seconds (UTC). Booleans are 0/1. Person keys are (contract_id, user_id) with
-- user_id '' for the contract's administrator.

CREATE TABLE contracts (
    contract_id          TEXT    PRIMARY KEY,           -- 11 digits (R1)
    name_kanji           TEXT    NOT NULL,
    name_kana            TEXT    NOT NULL,
    login_method         TEXT    NOT NULL CHECK (login_method IN ('id_pin', 'certificate')),
    suspended            INTEGER NOT NULL DEFAULT 0,    -- by the bank
    transactions_stopped INTEGER NOT NULL DEFAULT 0,    -- WEB-FB取引停止 (R16)
    created_at           INTEGER NOT NULL
) STRICT;

CREATE TABLE persons (
    contract_id           TEXT    NOT NULL REFERENCES contracts (contract_id) ON DELETE CASCADE,
    user_id               TEXT    NOT NULL,             -- '' = administrator
    name_kana             TEXT    NOT NULL,
    name_kanji            TEXT    NOT NULL DEFAULT '',
    authority             TEXT    NOT NULL CHECK (authority IN ('approver', 'general')),
    accident              INTEGER NOT NULL DEFAULT 0,
    suspended             INTEGER NOT NULL DEFAULT 0,
    otp_locked            INTEGER NOT NULL DEFAULT 0,
    locked                INTEGER NOT NULL DEFAULT 0,
    failure_count         INTEGER NOT NULL DEFAULT 0,
    contact_email         TEXT,
    login_pin_hash        TEXT    NOT NULL DEFAULT '',  -- Argon2id PHC string; '' = not set
    confirmation_pin_hash TEXT    NOT NULL DEFAULT '',
    last_login_at         INTEGER,
    created_at            INTEGER NOT NULL,
    PRIMARY KEY (contract_id, user_id)
) STRICT, WITHOUT ROWID;

-- The current issuance of each person (core/certificate_slot.h). One row per person.
CREATE TABLE certificate_slots (
    contract_id          TEXT    NOT NULL,
    user_id              TEXT    NOT NULL,
    issue_number         INTEGER NOT NULL DEFAULT 0,
    phase                TEXT    NOT NULL DEFAULT 'none'
                         CHECK (phase IN ('none', 'registered', 'issued', 'revoked', 'expired')),
    registered_at        INTEGER,
    acquisition_deadline INTEGER,
    serial_hex           TEXT,                          -- the current certificate
    not_after            INTEGER,
    first_used_at        INTEGER,
    revoked_at           INTEGER,
    revocation_reason    INTEGER,                       -- RFC 5280 CRLReason
    PRIMARY KEY (contract_id, user_id),
    FOREIGN KEY (contract_id, user_id) REFERENCES persons (contract_id, user_id) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

-- The expiry sweep looks for issued slots past not_after.
CREATE INDEX certificate_slots_issued_not_after ON certificate_slots (not_after)
    WHERE phase = 'issued';

-- Every certificate ever issued. No foreign key to persons: a deleted user's certificates
-- must stay for the CRL and OCSP.
CREATE TABLE certificates (
    serial_hex         TEXT    PRIMARY KEY,             -- canonical uppercase hex
    contract_id        TEXT    NOT NULL,
    user_id            TEXT    NOT NULL,
    issue_number       INTEGER NOT NULL,
    not_before         INTEGER NOT NULL,
    not_after          INTEGER NOT NULL,
    der                BLOB    NOT NULL,
    sha256_fingerprint TEXT    NOT NULL UNIQUE,         -- lowercase hex of SHA-256(der)
    revoked_at         INTEGER,
    revocation_reason  INTEGER,
    first_used_at      INTEGER
) STRICT;

-- The CRL lists revoked certificates only: a partial index keeps that scan proportional to
-- the revoked rows, in serial order.
CREATE INDEX certificates_revoked ON certificates (serial_hex, revoked_at, revocation_reason)
    WHERE revoked_at IS NOT NULL;
CREATE INDEX certificates_person ON certificates (contract_id, user_id);

-- Monotonic counters (e.g. 'crl_number').
CREATE TABLE counters (
    name  TEXT    PRIMARY KEY,
    value INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

-- Small settings and markers.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT, WITHOUT ROWID;

-- 利用履歴 (R16). Append-only; newest first by (at, id). The indexes serve each filter the
-- API offers with an index range scan, so a page costs the same at a million rows.
CREATE TABLE usage_history (
    id             INTEGER PRIMARY KEY,
    at             INTEGER NOT NULL,
    contract_id    TEXT    NOT NULL,                    -- '' = bank-wide
    actor          TEXT    NOT NULL,                    -- 'admin', 'user:<id>', 'bank:<id>', 'system'
    target_user_id TEXT,                                -- '' = administrator; NULL = none
    kind           TEXT    NOT NULL,
    source_address TEXT,
    result         TEXT    NOT NULL,                    -- 'ok' or an error code name
    detail         TEXT    NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX usage_history_at ON usage_history (at, id);
CREATE INDEX usage_history_contract ON usage_history (contract_id, at, id);
CREATE INDEX usage_history_contract_target ON usage_history (contract_id, target_user_id, at, id);
CREATE INDEX usage_history_contract_kind ON usage_history (contract_id, kind, at, id);

-- Login sessions (R11). Only hashes of the cookie token and the CSRF token are kept.
CREATE TABLE sessions (
    token_hash      TEXT    PRIMARY KEY,
    contract_id     TEXT    NOT NULL,
    user_id         TEXT    NOT NULL,
    created_at      INTEGER NOT NULL,
    last_seen_at    INTEGER NOT NULL,
    cert_serial     TEXT,                               -- set for sessions made on the certificate listener
    state           TEXT    NOT NULL CHECK (state IN ('otp_required', 'active')),
    csrf_token_hash TEXT    NOT NULL,
    FOREIGN KEY (contract_id, user_id) REFERENCES persons (contract_id, user_id) ON DELETE CASCADE
) STRICT;
CREATE INDEX sessions_person ON sessions (contract_id, user_id);

-- One OTP token per person (R9).
CREATE TABLE otp_tokens (
    contract_id  TEXT    NOT NULL,
    user_id      TEXT    NOT NULL,
    kind         TEXT    NOT NULL CHECK (kind IN ('hardware', 'software')),
    secret       BLOB    NOT NULL,                      -- encrypted by the auth layer
    step_seconds INTEGER NOT NULL,
    digits       INTEGER NOT NULL,
    PRIMARY KEY (contract_id, user_id),
    FOREIGN KEY (contract_id, user_id) REFERENCES persons (contract_id, user_id) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

-- TOTP steps already accepted: a code is never accepted twice (R9).
CREATE TABLE otp_used_steps (
    contract_id TEXT    NOT NULL,
    user_id     TEXT    NOT NULL,
    step        INTEGER NOT NULL,
    PRIMARY KEY (contract_id, user_id, step),
    FOREIGN KEY (contract_id, user_id) REFERENCES persons (contract_id, user_id) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

-- Acquisitions in progress (R20): PIN checked -> OTP checked -> CSR accepted.
CREATE TABLE enrollments (
    id          TEXT    PRIMARY KEY,                    -- random, unguessable
    contract_id TEXT    NOT NULL,
    user_id     TEXT    NOT NULL,
    state       TEXT    NOT NULL CHECK (state IN ('otp_required', 'ready', 'done')),
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    FOREIGN KEY (contract_id, user_id) REFERENCES persons (contract_id, user_id) ON DELETE CASCADE
) STRICT;
CREATE INDEX enrollments_person ON enrollments (contract_id, user_id);
