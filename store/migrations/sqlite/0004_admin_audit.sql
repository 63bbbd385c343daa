-- Administration: who created and last changed users, locations and the
-- supplier ranges of locations, and a log of every change an administrator
-- makes (one row per change, in words). Columns added to existing tables
-- default to empty or NULL, so rows written before this migration (and by
-- code that does not know these columns) stay valid.

ALTER TABLE users ADD COLUMN created_by TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN updated_at INTEGER;
ALTER TABLE users ADD COLUMN updated_by TEXT NOT NULL DEFAULT '';
-- When the password was last set by an administrator (NULL: at creation).
ALTER TABLE users ADD COLUMN password_changed_at INTEGER;

ALTER TABLE locations ADD COLUMN created_by TEXT NOT NULL DEFAULT '';
ALTER TABLE locations ADD COLUMN updated_at INTEGER;
ALTER TABLE locations ADD COLUMN updated_by TEXT NOT NULL DEFAULT '';

ALTER TABLE supplier_locations ADD COLUMN created_at INTEGER;
ALTER TABLE supplier_locations ADD COLUMN created_by TEXT NOT NULL DEFAULT '';
ALTER TABLE supplier_locations ADD COLUMN updated_at INTEGER;
ALTER TABLE supplier_locations ADD COLUMN updated_by TEXT NOT NULL DEFAULT '';

CREATE TABLE admin_changes (
  seq          INTEGER PRIMARY KEY,
  changed_at   INTEGER NOT NULL,
  changed_by   TEXT NOT NULL,          -- the administrator's username
  subject_type TEXT NOT NULL CHECK (subject_type IN ('user','location','supplier')),
  subject_id   TEXT NOT NULL,
  action       TEXT NOT NULL,          -- for example 'user.create', 'location.disable'
  summary      TEXT NOT NULL           -- what changed, in words
) STRICT;
CREATE INDEX admin_changes_by_subject ON admin_changes(subject_type, subject_id, seq);
