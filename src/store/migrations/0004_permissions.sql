-- 0004: permissions and limits per service (R15) of each person, and the contract's upper
-- limits (上限限度額, R1). Amounts in yen, 0 = the bank's default / no contract limit.
-- Service names are core/permissions.h business_service_name.

CREATE TABLE person_permissions (
    contract_id     TEXT    NOT NULL,
    user_id         TEXT    NOT NULL,
    service         TEXT    NOT NULL,
    allowed         INTEGER NOT NULL CHECK (allowed IN (0, 1)),
    per_transaction INTEGER NOT NULL CHECK (per_transaction BETWEEN 0 AND 9999999999),
    per_day         INTEGER NOT NULL CHECK (per_day BETWEEN 0 AND 9999999999),
    PRIMARY KEY (contract_id, user_id, service),
    FOREIGN KEY (contract_id, user_id) REFERENCES persons (contract_id, user_id) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

CREATE TABLE contract_limits (
    contract_id     TEXT    NOT NULL REFERENCES contracts (contract_id) ON DELETE CASCADE,
    service         TEXT    NOT NULL,
    per_transaction INTEGER NOT NULL CHECK (per_transaction BETWEEN 0 AND 9999999999),
    per_day         INTEGER NOT NULL CHECK (per_day BETWEEN 0 AND 9999999999),
    PRIMARY KEY (contract_id, service)
) STRICT, WITHOUT ROWID;
