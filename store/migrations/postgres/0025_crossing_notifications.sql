-- Whether a supplier was told a move crosses to it, and whether it was
-- since told that it no longer does (cross_supplier_move_remove, issue
-- 12): a partial index of those two kinds alone, so that an event's
-- notification (create_event, by far the most) adds no entry to it.
CREATE INDEX notifications_crossing ON notifications(move_id, subscription_id)
  WHERE event_type IN ('cross_supplier_move_add','cross_supplier_move_remove');
