-- How many moves there are of each supplier, status and kind (issue 16),
-- kept by the database itself as moves are written. GET /api/moves tells
-- a supplier how many of its moves there are on every page, and PMU's
-- review shows how many requests each tab holds: counted afresh, those
-- walked every matching index entry (half a million for one supplier at
-- a million moves). Triggers keep the tallies in the transaction of every
-- write, whichever code path or tool makes it, so they cannot drift from
-- the rows; a filter the tallies cannot answer still counts the rows.
-- rejected is 1 for a cancelled move whose reason is a rejection.
-- Two instances changing moves of one supplier and status take turns on
-- its row; a deadlock between them is retried by the writer (writer.go).
CREATE TABLE move_tallies (
  supplier_id TEXT NOT NULL,
  status      TEXT NOT NULL,
  proposal    INTEGER NOT NULL,
  rejected    INTEGER NOT NULL,
  n           BIGINT NOT NULL,
  PRIMARY KEY (supplier_id, status, proposal, rejected)
);

INSERT INTO move_tallies (supplier_id, status, proposal, rejected, n)
  SELECT COALESCE(supplier_id, ''), status, CASE WHEN initial_status = 'proposed' THEN 1 ELSE 0 END,
    CASE WHEN status = 'cancelled' AND COALESCE(cancellation_reason, '') = 'rejected' THEN 1 ELSE 0 END, COUNT(*)
  FROM moves GROUP BY 1, 2, 3, 4;

CREATE FUNCTION move_tally() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    UPDATE move_tallies SET n = n - 1
      WHERE supplier_id = COALESCE(OLD.supplier_id, '') AND status = OLD.status
        AND proposal = CASE WHEN OLD.initial_status = 'proposed' THEN 1 ELSE 0 END
        AND rejected = CASE WHEN OLD.status = 'cancelled' AND COALESCE(OLD.cancellation_reason, '') = 'rejected' THEN 1 ELSE 0 END;
  END IF;
  IF TG_OP <> 'DELETE' THEN
    INSERT INTO move_tallies (supplier_id, status, proposal, rejected, n)
      VALUES (COALESCE(NEW.supplier_id, ''), NEW.status, CASE WHEN NEW.initial_status = 'proposed' THEN 1 ELSE 0 END,
        CASE WHEN NEW.status = 'cancelled' AND COALESCE(NEW.cancellation_reason, '') = 'rejected' THEN 1 ELSE 0 END, 1)
      ON CONFLICT (supplier_id, status, proposal, rejected) DO UPDATE SET n = move_tallies.n + 1;
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER moves_tally_insert AFTER INSERT OR DELETE ON moves
  FOR EACH ROW EXECUTE FUNCTION move_tally();

CREATE TRIGGER moves_tally_update AFTER UPDATE OF supplier_id, status, initial_status, cancellation_reason ON moves
  FOR EACH ROW WHEN (COALESCE(OLD.supplier_id, '') IS DISTINCT FROM COALESCE(NEW.supplier_id, '')
    OR OLD.status IS DISTINCT FROM NEW.status OR OLD.initial_status IS DISTINCT FROM NEW.initial_status
    OR COALESCE(OLD.cancellation_reason, '') IS DISTINCT FROM COALESCE(NEW.cancellation_reason, ''))
  EXECUTE FUNCTION move_tally();
