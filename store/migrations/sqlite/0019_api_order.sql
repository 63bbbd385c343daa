-- A supplier's moves in the order GET /api/moves gives by default (issue
-- 16): latest date first, then time due, then the person's name. A date
-- holds hundreds of a supplier's moves at a million moves, and the old
-- index gave them in date order only: every one of the latest date was
-- read whole, with its person and profile, and sorted, to send a hundred.
-- This index gives them in date and time order with the person and the
-- reference beside, so that only the ties of one date and time are
-- sorted, by names read from people, and only the page is read whole.
CREATE INDEX moves_api_order ON moves(supplier_id, date DESC, time_due, person_id, reference);
