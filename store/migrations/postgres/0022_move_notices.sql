-- The latest notice of each kind on each move (issue 16), kept by a
-- trigger in the transaction of every write to events, as the tallies
-- are. A day list shows each move's expected collection and arrival: it
-- found them with a probe of events_notices (0016) for each move and
-- kind, then read each notice's row from events, the largest table. This
-- table holds a row per move and kind, with what the list reads, so a day
-- list reads its 50 moves' notices from one small table, a range per
-- move.
--
-- "Latest" is the list's order: by occurred_at, then arrival (seq), of
-- the applied notices. The kinds are store.noticeTypes word for word (a
-- test checks it). It replaces events_notices, which only the marks
-- query used.
CREATE TABLE move_notices (
  move_id     TEXT NOT NULL,
  event_type  TEXT NOT NULL,
  occurred_at BIGINT NOT NULL,
  seq         BIGINT NOT NULL,
  details     TEXT NOT NULL,
  PRIMARY KEY (move_id, event_type)
);

INSERT INTO move_notices (move_id, event_type, occurred_at, seq, details)
  SELECT DISTINCT ON (move_id, event_type) move_id, event_type, occurred_at, seq, details
  FROM events WHERE applied = 1 AND event_type IN ('MoveNotifyPremisesOfExpectedCollectionTime','MoveNotifyPremisesOfEta','MoveNotifyPremisesOfArrivalIn30Mins')
  ORDER BY move_id, event_type, occurred_at DESC, seq DESC;

DROP INDEX events_notices;

-- A notice that arrives applied is the latest of its kind unless one
-- already kept happened later. A notice changed (a late event's replay
-- marking it not applied, or applied again) or gone: its kind's latest
-- on its move is found again from the move's log, a walk of one move's
-- events (rare).
CREATE FUNCTION move_notice() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO move_notices (move_id, event_type, occurred_at, seq, details)
      VALUES (NEW.move_id, NEW.event_type, NEW.occurred_at, NEW.seq, NEW.details)
      ON CONFLICT (move_id, event_type) DO UPDATE
        SET occurred_at = EXCLUDED.occurred_at, seq = EXCLUDED.seq, details = EXCLUDED.details
        WHERE (EXCLUDED.occurred_at, EXCLUDED.seq) > (move_notices.occurred_at, move_notices.seq);
    RETURN NULL;
  END IF;
  DELETE FROM move_notices WHERE move_id = OLD.move_id AND event_type = OLD.event_type;
  INSERT INTO move_notices (move_id, event_type, occurred_at, seq, details)
    SELECT move_id, event_type, occurred_at, seq, details FROM events
    WHERE move_id = OLD.move_id AND event_type = OLD.event_type AND applied = 1 AND event_type IN ('MoveNotifyPremisesOfExpectedCollectionTime','MoveNotifyPremisesOfEta','MoveNotifyPremisesOfArrivalIn30Mins')
    ORDER BY occurred_at DESC, seq DESC LIMIT 1;
  IF TG_OP = 'UPDATE' AND (NEW.move_id IS DISTINCT FROM OLD.move_id OR NEW.event_type IS DISTINCT FROM OLD.event_type) THEN
    DELETE FROM move_notices WHERE move_id = NEW.move_id AND event_type = NEW.event_type;
    INSERT INTO move_notices (move_id, event_type, occurred_at, seq, details)
      SELECT move_id, event_type, occurred_at, seq, details FROM events
      WHERE move_id = NEW.move_id AND event_type = NEW.event_type AND applied = 1 AND event_type IN ('MoveNotifyPremisesOfExpectedCollectionTime','MoveNotifyPremisesOfEta','MoveNotifyPremisesOfArrivalIn30Mins')
      ORDER BY occurred_at DESC, seq DESC LIMIT 1;
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER move_notices_insert AFTER INSERT ON events
  FOR EACH ROW WHEN (NEW.applied = 1 AND NEW.event_type IN ('MoveNotifyPremisesOfExpectedCollectionTime','MoveNotifyPremisesOfEta','MoveNotifyPremisesOfArrivalIn30Mins'))
  EXECUTE FUNCTION move_notice();

CREATE TRIGGER move_notices_update AFTER UPDATE OF move_id, event_type, occurred_at, details, applied ON events
  FOR EACH ROW WHEN ((OLD.event_type IN ('MoveNotifyPremisesOfExpectedCollectionTime','MoveNotifyPremisesOfEta','MoveNotifyPremisesOfArrivalIn30Mins') OR NEW.event_type IN ('MoveNotifyPremisesOfExpectedCollectionTime','MoveNotifyPremisesOfEta','MoveNotifyPremisesOfArrivalIn30Mins'))
    AND (OLD.applied IS DISTINCT FROM NEW.applied OR OLD.move_id IS DISTINCT FROM NEW.move_id
      OR OLD.event_type IS DISTINCT FROM NEW.event_type OR OLD.occurred_at IS DISTINCT FROM NEW.occurred_at
      OR OLD.details IS DISTINCT FROM NEW.details))
  EXECUTE FUNCTION move_notice();

CREATE TRIGGER move_notices_delete AFTER DELETE ON events
  FOR EACH ROW WHEN (OLD.event_type IN ('MoveNotifyPremisesOfExpectedCollectionTime','MoveNotifyPremisesOfEta','MoveNotifyPremisesOfArrivalIn30Mins'))
  EXECUTE FUNCTION move_notice();

-- Statistics for the new table now: without them PostgreSQL plans it as
-- nearly empty, and a day list scanned all of it.
ANALYZE move_notices;
