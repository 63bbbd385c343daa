-- foreign_keys: off
-- Allocations (issue 13): PMU asks for a number of people to move from one
-- prison to another on a date; each place is a requested prison transfer
-- created without a person, which allocation staff (role oca) fill.
--
-- SQLite cannot drop a NOT NULL or CHECK constraint in place, so moves
-- (person and profile now optional) and users (the new role) are rebuilt
-- the documented way: the runner turns foreign keys off for this file,
-- copies each table, swaps it in, and checks every foreign key before it
-- commits (the marker on the first line asks for that).

CREATE TABLE allocations (
  id                      TEXT PRIMARY KEY,
  from_location_id        TEXT NOT NULL REFERENCES locations(id),
  to_location_id          TEXT NOT NULL REFERENCES locations(id),
  date                    TEXT NOT NULL,
  estate                  TEXT NOT NULL DEFAULT '',
  estate_comment          TEXT NOT NULL DEFAULT '',
  prisoner_category       TEXT NOT NULL DEFAULT '',
  sentence_length         TEXT NOT NULL DEFAULT '',
  sentence_length_comment TEXT NOT NULL DEFAULT '',
  complex_cases           TEXT NOT NULL DEFAULT '[]',
  complete_in_full        INTEGER NOT NULL DEFAULT 0,
  other_criteria          TEXT NOT NULL DEFAULT '',
  requested_by            TEXT NOT NULL DEFAULT '',
  -- Set when cancelled; the status is otherwise worked out from the places.
  cancellation_reason     TEXT,
  cancellation_comment    TEXT NOT NULL DEFAULT '',
  version                 INTEGER NOT NULL DEFAULT 1,
  created_at              INTEGER NOT NULL,
  created_by              TEXT NOT NULL,
  updated_at              INTEGER NOT NULL,
  updated_by              TEXT NOT NULL
) STRICT;
CREATE INDEX allocations_by_date ON allocations(date, from_location_id);
CREATE INDEX allocations_by_from ON allocations(from_location_id, date);

CREATE TABLE moves_new (
  id                     TEXT PRIMARY KEY,
  reference              TEXT NOT NULL UNIQUE,
  status                 TEXT NOT NULL CHECK (status IN ('proposed','requested','booked','in_transit','completed','cancelled')),
  move_type              TEXT NOT NULL,
  from_location_id       TEXT NOT NULL REFERENCES locations(id),
  to_location_id         TEXT REFERENCES locations(id),
  date                   TEXT,
  date_from              TEXT,
  date_to                TEXT,
  time_due               INTEGER,
  notes                  TEXT NOT NULL DEFAULT '',
  supplier_id            TEXT REFERENCES suppliers(id),
  -- Both empty only for an allocation's place waiting for a person.
  profile_id             TEXT REFERENCES profiles(id),
  person_id              TEXT REFERENCES people(id),
  cancellation_reason    TEXT,
  cancellation_comment   TEXT NOT NULL DEFAULT '',
  rejection_reason       TEXT,
  rebook                 INTEGER NOT NULL DEFAULT 0,
  original_move_id       TEXT REFERENCES moves(id),
  is_lockout             INTEGER NOT NULL DEFAULT 0,
  initial_status         TEXT NOT NULL,
  initial_move_type      TEXT NOT NULL,
  initial_to_location_id TEXT,
  initial_date           TEXT,
  initial_date_from      TEXT,
  initial_date_to        TEXT,
  version                INTEGER NOT NULL DEFAULT 1,
  created_at             INTEGER NOT NULL,
  created_by             TEXT NOT NULL,
  updated_at             INTEGER NOT NULL,
  updated_by             TEXT NOT NULL,
  allocation_id          TEXT REFERENCES allocations(id),
  move_agreed            INTEGER,
  move_agreed_by         TEXT NOT NULL DEFAULT '',
  CHECK ((person_id IS NULL) = (profile_id IS NULL)),
  CHECK (person_id IS NOT NULL OR allocation_id IS NOT NULL)
) STRICT;
INSERT INTO moves_new (id, reference, status, move_type, from_location_id, to_location_id, date, date_from, date_to, time_due, notes,
  supplier_id, profile_id, person_id, cancellation_reason, cancellation_comment, rejection_reason, rebook, original_move_id, is_lockout,
  initial_status, initial_move_type, initial_to_location_id, initial_date, initial_date_from, initial_date_to, version,
  created_at, created_by, updated_at, updated_by)
SELECT id, reference, status, move_type, from_location_id, to_location_id, date, date_from, date_to, time_due, notes,
  supplier_id, profile_id, person_id, cancellation_reason, cancellation_comment, rejection_reason, rebook, original_move_id, is_lockout,
  initial_status, initial_move_type, initial_to_location_id, initial_date, initial_date_from, initial_date_to, version,
  created_at, created_by, updated_at, updated_by
FROM moves;
DROP TABLE moves;
ALTER TABLE moves_new RENAME TO moves;
CREATE INDEX moves_by_from_date ON moves(from_location_id, date);
CREATE INDEX moves_by_to_date ON moves(to_location_id, date);
CREATE INDEX moves_by_status ON moves(status, move_type, date_from);
CREATE INDEX moves_by_date ON moves(date);
CREATE INDEX moves_by_person ON moves(person_id, from_location_id, to_location_id, date);
CREATE INDEX moves_by_created ON moves(created_at);
CREATE UNIQUE INDEX moves_rebooked_once ON moves(original_move_id) WHERE original_move_id IS NOT NULL;
CREATE INDEX moves_proposals ON moves(status, cancellation_reason, created_at) WHERE initial_status = 'proposed';
CREATE INDEX moves_by_allocation ON moves(allocation_id) WHERE allocation_id IS NOT NULL;

CREATE TABLE users_new (
  id                  TEXT PRIMARY KEY,
  username            TEXT NOT NULL UNIQUE COLLATE NOCASE,
  full_name           TEXT NOT NULL,
  password_hash       TEXT NOT NULL,
  role                TEXT NOT NULL CHECK (role IN ('pmu','oca','police','prison','court','supplier','admin')),
  supplier_id         TEXT REFERENCES suppliers(id),
  disabled_at         INTEGER,
  created_at          INTEGER NOT NULL,
  created_by          TEXT NOT NULL DEFAULT '',
  updated_at          INTEGER,
  updated_by          TEXT NOT NULL DEFAULT '',
  password_changed_at INTEGER,
  session_generation  INTEGER NOT NULL DEFAULT 0
) STRICT;
INSERT INTO users_new (id, username, full_name, password_hash, role, supplier_id, disabled_at, created_at, created_by, updated_at,
  updated_by, password_changed_at, session_generation)
SELECT id, username, full_name, password_hash, role, supplier_id, disabled_at, created_at, created_by, updated_at,
  updated_by, password_changed_at, session_generation
FROM users;
DROP TABLE users;
ALTER TABLE users_new RENAME TO users;
