-- 0004 (PostgreSQL dialect of ../0004_permissions.sql).
CREATE TABLE person_permissions (
    contract_id     TEXT    NOT NULL,
    user_id         TEXT    NOT NULL,
    service         TEXT    NOT NULL,
    allowed         INTEGER NOT NULL CHECK (allowed IN (0, 1)),
    per_transaction BIGINT  NOT NULL CHECK (per_transaction BETWEEN 0 AND 9999999999),
    per_day         BIGINT  NOT NULL CHECK (per_day BETWEEN 0 AND 9999999999),
    PRIMARY KEY (contract_id, user_id, service),
    FOREIGN KEY (contract_id, user_id) REFERENCES persons (contract_id, user_id) ON DELETE CASCADE
);

CREATE TABLE contract_limits (
    contract_id     TEXT    NOT NULL REFERENCES contracts (contract_id) ON DELETE CASCADE,
    service         TEXT    NOT NULL,
    per_transaction BIGINT  NOT NULL CHECK (per_transaction BETWEEN 0 AND 9999999999),
    per_day         BIGINT  NOT NULL CHECK (per_day BETWEEN 0 AND 9999999999),
    PRIMARY KEY (contract_id, service)
);
