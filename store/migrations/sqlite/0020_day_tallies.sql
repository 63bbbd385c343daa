-- Two more tallies of moves (issue 16), kept by the same triggers as
-- move_tallies (0018), which this migration replaces by triggers keeping
-- all three in one pass:
--
-- move_day_tallies: how many moves each supplier has of each status on
-- each date. A supplier's home page and PMU's with every location count
-- the day's moves by status; at a million moves that walked the day's
-- 560 index entries of a supplier (1.5 times the 10,000 figure).
--
-- review_sent_tallies: how many requests to PMU (initial_status
-- proposed) were sent in each hour, by status and rejection. PMU's home
-- page counts what became of the requests sent this week; it walked the
-- week's requests in moves_proposals (2.8 times the 10,000 figure). A
-- week in London starts on a whole hour of UTC, so whole hours answer
-- it; created_at is in microseconds.
--
-- A date of NULL is tallied under ''; so is a move without a supplier.
CREATE TABLE move_day_tallies (
  date        TEXT NOT NULL,
  supplier_id TEXT NOT NULL,
  status      TEXT NOT NULL,
  n           INTEGER NOT NULL,
  PRIMARY KEY (date, supplier_id, status)
) WITHOUT ROWID;

CREATE TABLE review_sent_tallies (
  hour     INTEGER NOT NULL,
  status   TEXT NOT NULL,
  rejected INTEGER NOT NULL,
  n        INTEGER NOT NULL,
  PRIMARY KEY (hour, status, rejected)
) WITHOUT ROWID;

INSERT INTO move_day_tallies (date, supplier_id, status, n)
  SELECT COALESCE(date, ''), COALESCE(supplier_id, ''), status, COUNT(*) FROM moves GROUP BY 1, 2, 3;

INSERT INTO review_sent_tallies (hour, status, rejected, n)
  SELECT created_at / 3600000000, status,
    status = 'cancelled' AND COALESCE(cancellation_reason, '') = 'rejected', COUNT(*)
  FROM moves WHERE initial_status = 'proposed' GROUP BY 1, 2, 3;

DROP TRIGGER moves_tally_insert;
DROP TRIGGER moves_tally_delete;
DROP TRIGGER moves_tally_update;

CREATE TRIGGER moves_tally_insert AFTER INSERT ON moves BEGIN
  INSERT INTO move_tallies (supplier_id, status, proposal, rejected, n)
    VALUES (COALESCE(NEW.supplier_id, ''), NEW.status, NEW.initial_status = 'proposed',
      NEW.status = 'cancelled' AND COALESCE(NEW.cancellation_reason, '') = 'rejected', 1)
    ON CONFLICT (supplier_id, status, proposal, rejected) DO UPDATE SET n = n + 1;
  INSERT INTO move_day_tallies (date, supplier_id, status, n)
    VALUES (COALESCE(NEW.date, ''), COALESCE(NEW.supplier_id, ''), NEW.status, 1)
    ON CONFLICT (date, supplier_id, status) DO UPDATE SET n = n + 1;
  INSERT INTO review_sent_tallies (hour, status, rejected, n)
    SELECT NEW.created_at / 3600000000, NEW.status,
      NEW.status = 'cancelled' AND COALESCE(NEW.cancellation_reason, '') = 'rejected', 1
    WHERE NEW.initial_status = 'proposed'
    ON CONFLICT (hour, status, rejected) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER moves_tally_delete AFTER DELETE ON moves BEGIN
  UPDATE move_tallies SET n = n - 1
    WHERE supplier_id = COALESCE(OLD.supplier_id, '') AND status = OLD.status
      AND proposal = (OLD.initial_status = 'proposed')
      AND rejected = (OLD.status = 'cancelled' AND COALESCE(OLD.cancellation_reason, '') = 'rejected');
  UPDATE move_day_tallies SET n = n - 1
    WHERE date = COALESCE(OLD.date, '') AND supplier_id = COALESCE(OLD.supplier_id, '') AND status = OLD.status;
  UPDATE review_sent_tallies SET n = n - 1
    WHERE OLD.initial_status = 'proposed' AND hour = OLD.created_at / 3600000000 AND status = OLD.status
      AND rejected = (OLD.status = 'cancelled' AND COALESCE(OLD.cancellation_reason, '') = 'rejected');
END;

-- An update is the delete of the old row's tallies and the insert of the
-- new one's, when anything tallied changed.
CREATE TRIGGER moves_tally_update
  AFTER UPDATE OF supplier_id, status, initial_status, cancellation_reason, date, created_at ON moves
  WHEN COALESCE(OLD.supplier_id, '') != COALESCE(NEW.supplier_id, '') OR OLD.status != NEW.status
    OR OLD.initial_status != NEW.initial_status
    OR COALESCE(OLD.cancellation_reason, '') != COALESCE(NEW.cancellation_reason, '')
    OR COALESCE(OLD.date, '') != COALESCE(NEW.date, '') OR OLD.created_at != NEW.created_at
BEGIN
  UPDATE move_tallies SET n = n - 1
    WHERE supplier_id = COALESCE(OLD.supplier_id, '') AND status = OLD.status
      AND proposal = (OLD.initial_status = 'proposed')
      AND rejected = (OLD.status = 'cancelled' AND COALESCE(OLD.cancellation_reason, '') = 'rejected');
  UPDATE move_day_tallies SET n = n - 1
    WHERE date = COALESCE(OLD.date, '') AND supplier_id = COALESCE(OLD.supplier_id, '') AND status = OLD.status;
  UPDATE review_sent_tallies SET n = n - 1
    WHERE OLD.initial_status = 'proposed' AND hour = OLD.created_at / 3600000000 AND status = OLD.status
      AND rejected = (OLD.status = 'cancelled' AND COALESCE(OLD.cancellation_reason, '') = 'rejected');
  INSERT INTO move_tallies (supplier_id, status, proposal, rejected, n)
    VALUES (COALESCE(NEW.supplier_id, ''), NEW.status, NEW.initial_status = 'proposed',
      NEW.status = 'cancelled' AND COALESCE(NEW.cancellation_reason, '') = 'rejected', 1)
    ON CONFLICT (supplier_id, status, proposal, rejected) DO UPDATE SET n = n + 1;
  INSERT INTO move_day_tallies (date, supplier_id, status, n)
    VALUES (COALESCE(NEW.date, ''), COALESCE(NEW.supplier_id, ''), NEW.status, 1)
    ON CONFLICT (date, supplier_id, status) DO UPDATE SET n = n + 1;
  INSERT INTO review_sent_tallies (hour, status, rejected, n)
    SELECT NEW.created_at / 3600000000, NEW.status,
      NEW.status = 'cancelled' AND COALESCE(NEW.cancellation_reason, '') = 'rejected', 1
    WHERE NEW.initial_status = 'proposed'
    ON CONFLICT (hour, status, rejected) DO UPDATE SET n = n + 1;
END;
