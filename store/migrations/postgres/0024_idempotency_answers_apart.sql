-- Idempotency keys looked up in a narrow index: see the SQLite migration
-- of the same number. PostgreSQL already keeps a table's rows in a heap,
-- apart from its primary key's b-tree, which holds the key alone: what
-- SQLite's table becomes here. Nothing to change but to say so.
COMMENT ON TABLE idempotency_keys IS 'Answers kept for Idempotency-Keys, IdempotencyTTL; rows in a heap, looked up by the primary key''s index';
