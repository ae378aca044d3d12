-- 0005: expiry reminders (issue 5). One row per (certificate, days before expiry): the
-- primary key is what makes a reminder exactly-once, whichever node or restart queues it.
-- state: queued -> sending (claimed until next_attempt_at, the lease) -> sent, or back to
-- queued with a later next_attempt_at after a failed attempt, failed after the last attempt,
-- cancelled when the certificate stopped being current (renewed, revoked, expired) first.
-- attempts grows by one at every claim and fences a late answer from an expired lease.
CREATE TABLE reminders (
    serial_hex      TEXT    NOT NULL,                   -- certificates.serial_hex
    days_before     INTEGER NOT NULL,
    contract_id     TEXT    NOT NULL,
    user_id         TEXT    NOT NULL,                   -- '' = administrator
    address         TEXT    NOT NULL,                   -- contact address when queued
    not_after       INTEGER NOT NULL,
    due_at          INTEGER NOT NULL,                   -- not_after - days_before
    state           TEXT    NOT NULL
                    CHECK (state IN ('queued', 'sending', 'sent', 'failed', 'cancelled')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    sent_at         INTEGER,
    last_error      TEXT    NOT NULL DEFAULT '',
    created_at      INTEGER NOT NULL,
    PRIMARY KEY (serial_hex, days_before)
) STRICT, WITHOUT ROWID;
-- Delivery looks for rows that are waiting (queued, or sending with an expired lease).
CREATE INDEX reminders_pending ON reminders (next_attempt_at)
    WHERE state IN ('queued', 'sending');
