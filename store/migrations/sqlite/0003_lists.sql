-- Requests to review: the moves that started as proposals waiting for PMU,
-- by what became of them and when they were sent. Partial, so it holds
-- only those moves; queries name initial_status = 'proposed' literally so
-- that SQLite may use it.
CREATE INDEX moves_proposals ON moves(status, cancellation_reason, created_at) WHERE initial_status = 'proposed';
