-- A location's single requests (the sender's list, /moves/requested) in
-- the order its tabs show them: moves_review_by_date holds every
-- location's requests of a status, and a location's page read each of
-- them for where it came from (300 ms a page with 200,000 pending, for a
-- location that sent three). Here a location's requests of one status are
-- together, soonest first; proposals only, so other moves pay nothing.
CREATE INDEX moves_review_by_location ON moves(from_location_id, status, date_from, created_at, reference)
  WHERE initial_status = 'proposed';
