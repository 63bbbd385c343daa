-- Tell suppliers (issue 12): subscriptions per supplier and the outbox of
-- notifications written in the same transaction as the change each reports.
-- Secrets and Basic passwords are sealed (AES-256-GCM, notify.Sealer) under
-- a key from configuration, never kept in the clear. Times are integer
-- microseconds, booleans 0/1, as in every other table.

CREATE TABLE subscriptions (
  id                    TEXT PRIMARY KEY,
  supplier_id           TEXT NOT NULL REFERENCES suppliers(id),
  callback_url          TEXT NOT NULL DEFAULT '',  -- '' when e-mail only
  email                 TEXT NOT NULL DEFAULT '',  -- '' when webhooks only
  sealed_secret         TEXT NOT NULL,             -- the oldest live secret
  sealed_secret_next    TEXT,                      -- the new one while rotating
  basic_user            TEXT NOT NULL DEFAULT '',
  sealed_basic_password TEXT NOT NULL DEFAULT '',
  enabled               INTEGER NOT NULL DEFAULT 1,
  disabled_at           INTEGER,
  disabled_reason       TEXT NOT NULL DEFAULT '',
  created_at            INTEGER NOT NULL,
  created_by            TEXT NOT NULL,
  updated_at            INTEGER NOT NULL,
  updated_by            TEXT NOT NULL
) STRICT;
CREATE INDEX subscriptions_by_supplier ON subscriptions(supplier_id);

-- One row per change, subscription and channel. id is the webhook id sent on
-- every attempt (time-ordered, so it also orders rows written together).
-- next_attempt_at is also the worker's lease: claiming moves it forward.
CREATE TABLE notifications (
  id              TEXT PRIMARY KEY,
  subscription_id TEXT NOT NULL REFERENCES subscriptions(id),
  channel         TEXT NOT NULL CHECK (channel IN ('webhook','email')),
  event_type      TEXT NOT NULL,
  created_at      INTEGER NOT NULL,
  move_id         TEXT NOT NULL DEFAULT '',       -- '' for a test notification
  move_reference  TEXT NOT NULL DEFAULT '',
  event_id        TEXT NOT NULL DEFAULT '',
  lodging_id      TEXT NOT NULL DEFAULT '',
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  last_attempt_at INTEGER,
  last_status     INTEGER NOT NULL DEFAULT 0,
  last_error      TEXT NOT NULL DEFAULT '',
  delivered_at    INTEGER,
  failed_at       INTEGER
) STRICT;
-- What the worker claims: the earliest due undelivered row of a subscription.
CREATE INDEX notifications_due ON notifications(subscription_id, next_attempt_at, id)
  WHERE delivered_at IS NULL AND failed_at IS NULL;
-- The delivery log of a subscription, newest first.
CREATE INDEX notifications_by_subscription ON notifications(subscription_id, created_at);
-- Whether a supplier has heard of a move (create_move sent, cross-supplier add).
CREATE INDEX notifications_by_move ON notifications(move_id, subscription_id);
-- The outbox gauges: undelivered rows by age.
CREATE INDEX notifications_undelivered ON notifications(created_at)
  WHERE delivered_at IS NULL AND failed_at IS NULL;
