-- Indexes for lists rendered afresh (issue 16).
--
-- A day's list and the home page count a place's moves on a date by
-- status: with the status in the (place, date) indexes, those counts read
-- the index alone, and the list skips the rows of other statuses without
-- reading them.
DROP INDEX moves_by_from_date;
CREATE INDEX moves_by_from_date ON moves(from_location_id, date, status);
DROP INDEX moves_by_to_date;
CREATE INDEX moves_by_to_date ON moves(to_location_id, date, status);
-- A supplier's lists (GET /api/moves, the supplier's day lists and home
-- page) walk its own moves by date instead of every move: the API's
-- newest-first page reads about a page of rows, and its count reads this
-- index alone.
CREATE INDEX moves_by_supplier_date ON moves(supplier_id, date, status);
