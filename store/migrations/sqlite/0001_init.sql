-- Reference data, people, moves and their event logs.
-- Times are INTEGER microseconds since the Unix epoch, UTC; calendar dates
-- are TEXT 'YYYY-MM-DD' (Europe/London dates, compared as text).

CREATE TABLE regions (
  id   TEXT PRIMARY KEY,
  key  TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL
) STRICT;

CREATE TABLE locations (
  id            TEXT PRIMARY KEY,
  key           TEXT NOT NULL UNIQUE,
  title         TEXT NOT NULL,
  location_type TEXT NOT NULL CHECK (location_type IN ('police','court','prison','young_offender_institution','hospital','high_security_hospital','secure_childrens_home','secure_training_centre','approved_premises')),
  code          TEXT NOT NULL UNIQUE,
  region_id     TEXT REFERENCES regions(id),
  disabled_at   INTEGER,
  created_at    INTEGER NOT NULL
) STRICT;
CREATE INDEX locations_by_type ON locations(location_type, title);

CREATE TABLE suppliers (
  id   TEXT PRIMARY KEY,
  key  TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL
) STRICT;

CREATE TABLE supplier_locations (
  supplier_id    TEXT NOT NULL REFERENCES suppliers(id),
  location_id    TEXT NOT NULL REFERENCES locations(id),
  effective_from TEXT,
  effective_to   TEXT,
  CHECK (effective_to IS NULL OR effective_from IS NULL OR effective_to >= effective_from)
) STRICT;
CREATE INDEX supplier_locations_by_location ON supplier_locations(location_id);
CREATE INDEX supplier_locations_by_supplier ON supplier_locations(supplier_id, location_id);

CREATE TABLE users (
  id            TEXT PRIMARY KEY,
  username      TEXT NOT NULL UNIQUE COLLATE NOCASE,
  full_name     TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  role          TEXT NOT NULL CHECK (role IN ('pmu','police','prison','court','supplier','admin')),
  supplier_id   TEXT REFERENCES suppliers(id),
  disabled_at   INTEGER,
  created_at    INTEGER NOT NULL
) STRICT;

CREATE TABLE user_locations (
  user_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  location_id TEXT NOT NULL REFERENCES locations(id),
  PRIMARY KEY (user_id, location_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE people (
  id            TEXT PRIMARY KEY,
  first_names   TEXT NOT NULL,
  last_name     TEXT NOT NULL,
  date_of_birth TEXT NOT NULL,
  gender        TEXT NOT NULL,
  ethnicity     TEXT NOT NULL DEFAULT '',
  pnc           TEXT,
  pnc_canonical TEXT,
  prison_number TEXT,
  created_at    INTEGER NOT NULL,
  created_by    TEXT NOT NULL,
  updated_at    INTEGER NOT NULL,
  updated_by    TEXT NOT NULL
) STRICT;
CREATE INDEX people_by_pnc ON people(pnc_canonical) WHERE pnc_canonical IS NOT NULL;
CREATE INDEX people_by_prison_number ON people(prison_number) WHERE prison_number IS NOT NULL;
CREATE INDEX people_by_name_dob ON people(last_name COLLATE NOCASE, date_of_birth);

CREATE TABLE profiles (
  id         TEXT PRIMARY KEY,
  person_id  TEXT NOT NULL REFERENCES people(id),
  flags      TEXT NOT NULL DEFAULT '[]',
  created_at INTEGER NOT NULL,
  created_by TEXT NOT NULL
) STRICT;
CREATE INDEX profiles_by_person ON profiles(person_id);

CREATE TABLE moves (
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
  profile_id             TEXT NOT NULL REFERENCES profiles(id),
  person_id              TEXT NOT NULL REFERENCES people(id),
  cancellation_reason    TEXT,
  cancellation_comment   TEXT NOT NULL DEFAULT '',
  rejection_reason       TEXT,
  rebook                 INTEGER NOT NULL DEFAULT 0,
  original_move_id       TEXT REFERENCES moves(id),
  is_lockout             INTEGER NOT NULL DEFAULT 0,
  -- The move as created: the log is replayed from here.
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
  updated_by             TEXT NOT NULL
) STRICT;
CREATE INDEX moves_by_from_date ON moves(from_location_id, date);
CREATE INDEX moves_by_to_date ON moves(to_location_id, date);
CREATE INDEX moves_by_status ON moves(status, move_type, date_from);
CREATE INDEX moves_by_date ON moves(date);
CREATE INDEX moves_by_person ON moves(person_id, from_location_id, to_location_id, date);
CREATE INDEX moves_by_created ON moves(created_at);
-- A move is rebooked once only.
CREATE UNIQUE INDEX moves_rebooked_once ON moves(original_move_id) WHERE original_move_id IS NOT NULL;

CREATE TABLE events (
  seq         INTEGER PRIMARY KEY, -- arrival order
  id          TEXT NOT NULL UNIQUE,
  move_id     TEXT NOT NULL REFERENCES moves(id),
  event_type  TEXT NOT NULL,
  creation    INTEGER NOT NULL DEFAULT 0,
  occurred_at INTEGER NOT NULL,
  recorded_at INTEGER NOT NULL,
  notes       TEXT NOT NULL DEFAULT '',
  details     TEXT NOT NULL DEFAULT '{}',
  rels        TEXT NOT NULL DEFAULT '{}',
  created_by  TEXT NOT NULL,
  supplier_id TEXT REFERENCES suppliers(id),
  client_id   TEXT,
  applied     INTEGER NOT NULL DEFAULT 1,
  reason      TEXT NOT NULL DEFAULT '',
  late        INTEGER NOT NULL DEFAULT 0,
  created_at  INTEGER NOT NULL
) STRICT;
-- A move's log in order: creation first, then occurred_at, recorded_at, arrival.
CREATE INDEX events_log ON events(move_id, creation DESC, occurred_at, recorded_at, seq);
