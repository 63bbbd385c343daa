-- PostgreSQL twin of sqlite/0010_allocations.sql. Allocations (issue 13):
-- PMU asks for a number of people to move from one prison to another on a
-- date; each place is a requested prison transfer created without a
-- person, which allocation staff (role oca) fill.
--
-- SQLite rebuilds moves and users to loosen their constraints; here they
-- are altered in place (column checks are named <table>_<column>_check).

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
  complete_in_full        BIGINT NOT NULL DEFAULT 0,
  other_criteria          TEXT NOT NULL DEFAULT '',
  requested_by            TEXT NOT NULL DEFAULT '',
  -- Set when cancelled; the status is otherwise worked out from the places.
  cancellation_reason     TEXT,
  cancellation_comment    TEXT NOT NULL DEFAULT '',
  version                 BIGINT NOT NULL DEFAULT 1,
  created_at              BIGINT NOT NULL,
  created_by              TEXT NOT NULL,
  updated_at              BIGINT NOT NULL,
  updated_by              TEXT NOT NULL
);
CREATE INDEX allocations_by_date ON allocations(date, from_location_id);
CREATE INDEX allocations_by_from ON allocations(from_location_id, date);

-- Person and profile are both empty only for an allocation's place
-- waiting for a person.
ALTER TABLE moves ALTER COLUMN profile_id DROP NOT NULL;
ALTER TABLE moves ALTER COLUMN person_id DROP NOT NULL;
ALTER TABLE moves ADD COLUMN allocation_id TEXT REFERENCES allocations(id);
ALTER TABLE moves ADD COLUMN move_agreed BIGINT;
ALTER TABLE moves ADD COLUMN move_agreed_by TEXT NOT NULL DEFAULT '';
ALTER TABLE moves ADD CONSTRAINT moves_person_with_profile CHECK ((person_id IS NULL) = (profile_id IS NULL));
ALTER TABLE moves ADD CONSTRAINT moves_person_or_allocation CHECK (person_id IS NOT NULL OR allocation_id IS NOT NULL);
CREATE INDEX moves_by_allocation ON moves(allocation_id) WHERE allocation_id IS NOT NULL;

ALTER TABLE users DROP CONSTRAINT users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check CHECK (role IN ('pmu','oca','police','prison','court','supplier','admin'));
