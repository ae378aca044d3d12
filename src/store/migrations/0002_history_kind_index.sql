-- 0002: bank-wide history filtered by kind only (e.g. every certificate revocation) uses an
-- index range instead of scanning the whole history for a rare kind.
CREATE INDEX usage_history_kind ON usage_history (kind, at, id);
