-- 0005 (PostgreSQL dialect of ../0005_reminders.sql).
CREATE TABLE reminders (
    serial_hex      TEXT    NOT NULL,
    days_before     INTEGER NOT NULL,
    contract_id     TEXT    NOT NULL,
    user_id         TEXT    NOT NULL,
    address         TEXT    NOT NULL,
    not_after       BIGINT  NOT NULL,
    due_at          BIGINT  NOT NULL,
    state           TEXT    NOT NULL
                    CHECK (state IN ('queued', 'sending', 'sent', 'failed', 'cancelled')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at BIGINT  NOT NULL,
    sent_at         BIGINT,
    last_error      TEXT    NOT NULL DEFAULT '',
    created_at      BIGINT  NOT NULL,
    PRIMARY KEY (serial_hex, days_before)
);
CREATE INDEX reminders_pending ON reminders (next_attempt_at)
    WHERE state IN ('queued', 'sending');
