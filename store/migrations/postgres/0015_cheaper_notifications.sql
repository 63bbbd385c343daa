-- Cheaper notifications to write (issue 12). Every event told to a
-- subscribed supplier inserts a notification in the event's own
-- transaction, through the single writer, so each index on notifications
-- is paid for by ingestion.
--
-- Whether a supplier has heard of a move looks only for the notifications
-- that introduce it: an index of those alone is a probe per event, where
-- the index of every notification by move read each of the move's
-- notifications (they grow with its events), and no longer takes an entry
-- for every create_event.
DROP INDEX notifications_by_move;
CREATE INDEX notifications_introduced ON notifications(move_id, subscription_id)
  WHERE event_type IN ('create_move','cross_supplier_move_add');
-- The outbox gauges (depth, oldest undelivered) walk the due index, of
-- undelivered rows only, once it carries created_at: one index fewer to
-- keep on every insert, lease and delivery.
DROP INDEX notifications_undelivered;
DROP INDEX notifications_due;
CREATE INDEX notifications_due ON notifications(subscription_id, next_attempt_at, id, created_at)
  WHERE delivered_at IS NULL AND failed_at IS NULL;
