-- The person's names on the move, for GET /api/moves' default order
-- (issue 16): date (latest first), time due, then last and first names.
-- moves_api_order (0019) gave a supplier's moves by date and time alone,
-- so the ties of a date and time were read with their people and sorted
-- to find a page. With the names beside the date and time in the index,
-- the page is its first hundred entries.
--
-- Kept by triggers, whatever writes the move or the person: set as a
-- move is written with a person or given another, and when a person's
-- names change on all their moves. A move without a person has NULLs,
-- as the join gave.
ALTER TABLE moves ADD COLUMN person_last TEXT;
ALTER TABLE moves ADD COLUMN person_first TEXT;

UPDATE moves m SET person_last = p.last_name, person_first = p.first_names FROM people p WHERE p.id = m.person_id;

DROP INDEX moves_api_order;
CREATE INDEX moves_api_order ON moves(supplier_id, date DESC, time_due, person_last, person_first, reference);

CREATE FUNCTION move_person_names() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  SELECT p.last_name, p.first_names INTO NEW.person_last, NEW.person_first FROM people p WHERE p.id = NEW.person_id;
  IF NEW.person_id IS NULL THEN
    NEW.person_last := NULL;
    NEW.person_first := NULL;
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER moves_person_names_insert BEFORE INSERT ON moves
  FOR EACH ROW EXECUTE FUNCTION move_person_names();

CREATE TRIGGER moves_person_names_update BEFORE UPDATE OF person_id ON moves
  FOR EACH ROW WHEN (NEW.person_id IS DISTINCT FROM OLD.person_id) EXECUTE FUNCTION move_person_names();

CREATE FUNCTION people_names_on_moves() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE moves SET person_last = NEW.last_name, person_first = NEW.first_names WHERE person_id = NEW.id;
  RETURN NULL;
END
$$;

CREATE TRIGGER people_names_on_moves AFTER UPDATE OF last_name, first_names ON people
  FOR EACH ROW WHEN (NEW.last_name IS DISTINCT FROM OLD.last_name OR NEW.first_names IS DISTINCT FROM OLD.first_names)
  EXECUTE FUNCTION people_names_on_moves();

-- Statistics for the new columns and index now, not at autovacuum's
-- leisure.
ANALYZE moves;
