-- Idempotency keys looked up in a narrow index (issue 16). The table was
-- WITHOUT ROWID, keyed by (client_id, key), so each kept answer (the
-- event's JSON, most of a row) sat in the key's b-tree: four or five rows
-- to a page, at a random place for every new key. Each keyed event read
-- such a page (rarely in the writer's 8 MB cache once a few tens of
-- thousands of keys were kept) and wrote it back, often splitting it: a
-- quarter of a keyed event's time in the single writer.
--
-- Now the rows are stored in arrival order (a new answer goes on the
-- page the last one went on) and the key's unique index holds the key
-- alone, some forty to a page: the lookup of a new key, the usual case,
-- reads that index and nothing else.
CREATE TABLE idempotency_keys_new (
  client_id    TEXT NOT NULL,
  key          TEXT NOT NULL,
  fingerprint  TEXT NOT NULL,
  status       INTEGER,
  body         BLOB,
  content_type TEXT,
  created_at   INTEGER NOT NULL
) STRICT;
INSERT INTO idempotency_keys_new (client_id, key, fingerprint, status, body, content_type, created_at)
  SELECT client_id, key, fingerprint, status, body, content_type, created_at FROM idempotency_keys ORDER BY created_at;
DROP TABLE idempotency_keys;
ALTER TABLE idempotency_keys_new RENAME TO idempotency_keys;
CREATE UNIQUE INDEX idempotency_keys_key ON idempotency_keys(client_id, key);
CREATE INDEX idempotency_keys_by_created ON idempotency_keys(created_at);
