-- The latest notice of each kind on each move (issue 16), kept by
-- triggers in the transaction of every write to events, as the tallies
-- are. A day list shows each move's expected collection and arrival: it
-- found them with a probe of events_notices (0016) for each move and
-- kind, then read each notice's row from events, the largest table. At a
-- million moves that was 1.1 ms of a day list against 0.38 at 10,000:
-- ten million events make for deep and cold pages. This table holds a
-- row per move and kind, with what the list reads, so a day list reads
-- its 50 moves' notices from one small table, a range per move.
--
-- "Latest" is the list's order: by occurred_at, then arrival (seq), of
-- the applied notices. The kinds are store.noticeTypes word for word (a
-- test checks it). It replaces events_notices, which only the marks
-- query used: a notice now writes one small row in place of an index
-- entry that grew with every notice.
CREATE TABLE move_notices (
  move_id     TEXT NOT NULL,
  event_type  TEXT NOT NULL,
  occurred_at INTEGER NOT NULL,
  seq         INTEGER NOT NULL,
  details     TEXT NOT NULL,
  PRIMARY KEY (move_id, event_type)
) WITHOUT ROWID, STRICT;

INSERT INTO move_notices (move_id, event_type, occurred_at, seq, details)
  SELECT move_id, event_type, occurred_at, seq, details FROM (
    SELECT move_id, event_type, occurred_at, seq, details,
      row_number() OVER (PARTITION BY move_id, event_type ORDER BY occurred_at DESC, seq DESC) AS r
    FROM events WHERE applied = 1 AND event_type IN ('MoveNotifyPremisesOfExpectedCollectionTime','MoveNotifyPremisesOfEta','MoveNotifyPremisesOfArrivalIn30Mins'))
  WHERE r = 1;

DROP INDEX events_notices;

-- A notice that arrives applied is the latest of its kind unless one
-- already kept happened later.
CREATE TRIGGER move_notices_insert AFTER INSERT ON events
  WHEN NEW.applied = 1 AND NEW.event_type IN ('MoveNotifyPremisesOfExpectedCollectionTime','MoveNotifyPremisesOfEta','MoveNotifyPremisesOfArrivalIn30Mins')
BEGIN
  INSERT INTO move_notices (move_id, event_type, occurred_at, seq, details)
    VALUES (NEW.move_id, NEW.event_type, NEW.occurred_at, NEW.seq, NEW.details)
    ON CONFLICT (move_id, event_type) DO UPDATE
      SET occurred_at = excluded.occurred_at, seq = excluded.seq, details = excluded.details
      WHERE (excluded.occurred_at, excluded.seq) > (move_notices.occurred_at, move_notices.seq);
END;

-- A notice changed (a late event's replay marking it not applied, or
-- applied again) or gone: its kind's latest on its move is found again
-- from the move's log. Rare, so a walk of one move's events will do.
CREATE TRIGGER move_notices_update AFTER UPDATE OF move_id, event_type, occurred_at, details, applied ON events
  WHEN (OLD.event_type IN ('MoveNotifyPremisesOfExpectedCollectionTime','MoveNotifyPremisesOfEta','MoveNotifyPremisesOfArrivalIn30Mins') OR NEW.event_type IN ('MoveNotifyPremisesOfExpectedCollectionTime','MoveNotifyPremisesOfEta','MoveNotifyPremisesOfArrivalIn30Mins'))
    AND (OLD.applied IS NOT NEW.applied OR OLD.move_id IS NOT NEW.move_id OR OLD.event_type IS NOT NEW.event_type
      OR OLD.occurred_at IS NOT NEW.occurred_at OR OLD.details IS NOT NEW.details)
BEGIN
  DELETE FROM move_notices WHERE move_id = OLD.move_id AND event_type = OLD.event_type;
  DELETE FROM move_notices WHERE move_id = NEW.move_id AND event_type = NEW.event_type;
  INSERT INTO move_notices (move_id, event_type, occurred_at, seq, details)
    SELECT move_id, event_type, occurred_at, seq, details FROM events
    WHERE move_id = OLD.move_id AND event_type = OLD.event_type AND applied = 1 AND event_type IN ('MoveNotifyPremisesOfExpectedCollectionTime','MoveNotifyPremisesOfEta','MoveNotifyPremisesOfArrivalIn30Mins')
    ORDER BY occurred_at DESC, seq DESC LIMIT 1;
  INSERT INTO move_notices (move_id, event_type, occurred_at, seq, details)
    SELECT move_id, event_type, occurred_at, seq, details FROM events
    WHERE move_id = NEW.move_id AND event_type = NEW.event_type AND applied = 1 AND event_type IN ('MoveNotifyPremisesOfExpectedCollectionTime','MoveNotifyPremisesOfEta','MoveNotifyPremisesOfArrivalIn30Mins')
      AND (NEW.move_id IS NOT OLD.move_id OR NEW.event_type IS NOT OLD.event_type)
    ORDER BY occurred_at DESC, seq DESC LIMIT 1;
END;

CREATE TRIGGER move_notices_delete AFTER DELETE ON events
  WHEN OLD.event_type IN ('MoveNotifyPremisesOfExpectedCollectionTime','MoveNotifyPremisesOfEta','MoveNotifyPremisesOfArrivalIn30Mins')
BEGIN
  DELETE FROM move_notices WHERE move_id = OLD.move_id AND event_type = OLD.event_type;
  INSERT INTO move_notices (move_id, event_type, occurred_at, seq, details)
    SELECT move_id, event_type, occurred_at, seq, details FROM events
    WHERE move_id = OLD.move_id AND event_type = OLD.event_type AND applied = 1
    ORDER BY occurred_at DESC, seq DESC LIMIT 1;
END;
