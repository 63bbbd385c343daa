-- How many moves there are of each supplier, status and kind (issue 16),
-- kept by the database itself as moves are written. GET /api/moves tells
-- a supplier how many of its moves there are on every page, and PMU's
-- review shows how many requests each tab holds: counted afresh, those
-- walked every matching index entry (half a million for one supplier at
-- a million moves). Triggers keep the tallies in the transaction of every
-- write, whichever code path or tool makes it, so they cannot drift from
-- the rows; a filter the tallies cannot answer still counts the rows.
-- rejected is 1 for a cancelled move whose reason is a rejection.
CREATE TABLE move_tallies (
  supplier_id TEXT NOT NULL,
  status      TEXT NOT NULL,
  proposal    INTEGER NOT NULL,
  rejected    INTEGER NOT NULL,
  n           INTEGER NOT NULL,
  PRIMARY KEY (supplier_id, status, proposal, rejected)
) WITHOUT ROWID;

INSERT INTO move_tallies (supplier_id, status, proposal, rejected, n)
  SELECT COALESCE(supplier_id, ''), status, initial_status = 'proposed',
    status = 'cancelled' AND COALESCE(cancellation_reason, '') = 'rejected', COUNT(*)
  FROM moves GROUP BY 1, 2, 3, 4;

CREATE TRIGGER moves_tally_insert AFTER INSERT ON moves BEGIN
  INSERT INTO move_tallies (supplier_id, status, proposal, rejected, n)
    VALUES (COALESCE(NEW.supplier_id, ''), NEW.status, NEW.initial_status = 'proposed',
      NEW.status = 'cancelled' AND COALESCE(NEW.cancellation_reason, '') = 'rejected', 1)
    ON CONFLICT (supplier_id, status, proposal, rejected) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER moves_tally_delete AFTER DELETE ON moves BEGIN
  UPDATE move_tallies SET n = n - 1
    WHERE supplier_id = COALESCE(OLD.supplier_id, '') AND status = OLD.status
      AND proposal = (OLD.initial_status = 'proposed')
      AND rejected = (OLD.status = 'cancelled' AND COALESCE(OLD.cancellation_reason, '') = 'rejected');
END;

CREATE TRIGGER moves_tally_update AFTER UPDATE OF supplier_id, status, initial_status, cancellation_reason ON moves
  WHEN COALESCE(OLD.supplier_id, '') != COALESCE(NEW.supplier_id, '') OR OLD.status != NEW.status
    OR OLD.initial_status != NEW.initial_status
    OR COALESCE(OLD.cancellation_reason, '') != COALESCE(NEW.cancellation_reason, '')
BEGIN
  UPDATE move_tallies SET n = n - 1
    WHERE supplier_id = COALESCE(OLD.supplier_id, '') AND status = OLD.status
      AND proposal = (OLD.initial_status = 'proposed')
      AND rejected = (OLD.status = 'cancelled' AND COALESCE(OLD.cancellation_reason, '') = 'rejected');
  INSERT INTO move_tallies (supplier_id, status, proposal, rejected, n)
    VALUES (COALESCE(NEW.supplier_id, ''), NEW.status, NEW.initial_status = 'proposed',
      NEW.status = 'cancelled' AND COALESCE(NEW.cancellation_reason, '') = 'rejected', 1)
    ON CONFLICT (supplier_id, status, proposal, rejected) DO UPDATE SET n = n + 1;
END;
