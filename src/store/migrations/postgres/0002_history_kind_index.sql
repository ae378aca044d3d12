-- 0002 (PostgreSQL dialect of ../0002_history_kind_index.sql).
CREATE INDEX usage_history_kind ON usage_history (kind, at, id);
