-- What a supplier was last told of a move: that it is theirs (create_move,
-- cross_supplier_move_add) or that it no longer is
-- (cross_supplier_move_remove, issue 12). A partial index of those kinds
-- alone, read once for each change of a move itself, so that an event's
-- notification (create_event, by far the most) adds no entry to it.
CREATE INDEX notifications_told ON notifications(move_id, subscription_id)
  WHERE event_type IN ('create_move','cross_supplier_move_add','cross_supplier_move_remove');
