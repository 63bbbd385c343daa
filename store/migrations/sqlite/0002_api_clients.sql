-- API clients of the supplier API (OAuth2 client credentials), their
-- secrets and access tokens, and the answers kept for Idempotency-Key.
-- Secrets and tokens are stored only as SHA-256 hashes (hex): both are 32
-- random bytes, so a hash cannot be reversed by guessing.

CREATE TABLE api_clients (
  id          TEXT PRIMARY KEY,           -- the public client_id
  name        TEXT NOT NULL,
  supplier_id TEXT REFERENCES suppliers(id), -- NULL: an internal client, sees every move
  disabled_at INTEGER,
  created_at  INTEGER NOT NULL,
  created_by  TEXT NOT NULL
) STRICT;

CREATE TABLE client_secrets (
  id          TEXT PRIMARY KEY,
  client_id   TEXT NOT NULL REFERENCES api_clients(id),
  secret_hash TEXT NOT NULL UNIQUE,
  hint        TEXT NOT NULL,              -- the secret's last four characters, to tell secrets apart
  created_at  INTEGER NOT NULL,
  retired_at  INTEGER
) STRICT;
CREATE INDEX client_secrets_by_client ON client_secrets(client_id, created_at);

CREATE TABLE access_tokens (
  token_hash TEXT PRIMARY KEY,
  client_id  TEXT NOT NULL REFERENCES api_clients(id),
  secret_id  TEXT REFERENCES client_secrets(id),
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  revoked_at INTEGER
) STRICT, WITHOUT ROWID;
CREATE INDEX access_tokens_by_client ON access_tokens(client_id, expires_at);
CREATE INDEX access_tokens_by_expiry ON access_tokens(expires_at);

-- One row per client and key. status is NULL while the first request is
-- still being answered.
CREATE TABLE idempotency_keys (
  client_id    TEXT NOT NULL,
  key          TEXT NOT NULL,
  fingerprint  TEXT NOT NULL,
  status       INTEGER,
  body         BLOB,
  content_type TEXT,
  created_at   INTEGER NOT NULL,
  PRIMARY KEY (client_id, key)
) STRICT, WITHOUT ROWID;
CREATE INDEX idempotency_keys_by_created ON idempotency_keys(created_at);
