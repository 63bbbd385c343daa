-- On the road (issue 11): the legs a move is actually driven in (journeys)
-- and its overnight stops (lodgings). Their events live in the events table
-- with the move's own, so one query still finds everything a move's
-- timeline shows: journey_id is set on a journey's events, lodging_id on a
-- lodging's (LodgingCreate, LodgingUpdate, LodgingCancel). A journey's
-- state is its log replayed (moves.ReplayJourney), kept here as of the
-- last write; a lodging's status follows the move's MoveLodgingStart and
-- MoveLodgingEnd events (moves.ReplayLodgings).

CREATE TABLE journeys (
  id                   TEXT PRIMARY KEY,
  move_id              TEXT NOT NULL REFERENCES moves(id),
  supplier_id          TEXT NOT NULL REFERENCES suppliers(id),
  from_location_id     TEXT NOT NULL REFERENCES locations(id),
  to_location_id       TEXT NOT NULL REFERENCES locations(id),
  client_timestamp     BIGINT NOT NULL,   -- the client's own time; numbers the journeys
  status               TEXT NOT NULL CHECK (status IN ('proposed','in_progress','completed','cancelled','rejected')),
  date                 TEXT NOT NULL,
  billable             BIGINT NOT NULL DEFAULT 0,
  vehicle_id           TEXT NOT NULL DEFAULT '',
  vehicle_registration TEXT NOT NULL DEFAULT '',
  vehicle_depot        TEXT NOT NULL DEFAULT '',
  version              BIGINT NOT NULL DEFAULT 1,
  created_at           BIGINT NOT NULL,
  created_by           TEXT NOT NULL,
  updated_at           BIGINT NOT NULL,
  updated_by           TEXT NOT NULL
);
CREATE INDEX journeys_by_move ON journeys(move_id, client_timestamp);
-- Billing: one supplier's journeys in a month.
CREATE INDEX journeys_by_supplier_date ON journeys(supplier_id, date);

CREATE TABLE lodgings (
  id                   TEXT PRIMARY KEY,
  move_id              TEXT NOT NULL REFERENCES moves(id),
  location_id          TEXT NOT NULL REFERENCES locations(id),
  start_date           TEXT NOT NULL,
  end_date             TEXT NOT NULL,
  status               TEXT NOT NULL CHECK (status IN ('proposed','started','completed','cancelled')),
  cancellation_reason  TEXT,
  cancellation_comment TEXT NOT NULL DEFAULT '',
  version              BIGINT NOT NULL DEFAULT 1,
  created_at           BIGINT NOT NULL,
  created_by           TEXT NOT NULL,
  updated_at           BIGINT NOT NULL,
  updated_by           TEXT NOT NULL,
  CHECK (end_date > start_date)
);
CREATE INDEX lodgings_by_move ON lodgings(move_id, start_date);
CREATE INDEX lodgings_by_location ON lodgings(location_id, start_date);

ALTER TABLE events ADD COLUMN journey_id TEXT REFERENCES journeys(id);
ALTER TABLE events ADD COLUMN lodging_id TEXT REFERENCES lodgings(id);
-- A journey's own log in order, as events_log orders a move's.
CREATE INDEX events_journey_log ON events(journey_id, occurred_at, recorded_at, seq) WHERE journey_id IS NOT NULL;
