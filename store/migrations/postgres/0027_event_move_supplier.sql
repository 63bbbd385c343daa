-- PostgreSQL twin of sqlite/0027_event_move_supplier.sql.
-- The supplier a move was with when an event was written, kept on the
-- events whose timeline entry names the move's supplier ("requested with
-- Serco", "Serco was sent the move request"; moves.KeepsMoveSupplier). A
-- move's supplier is the one serving its from-location on its date, so an
-- approval or a new date can hand it to another supplier, and its older
-- entries must still name the one of their time. supplier_id is not that:
-- it is the supplier whose client posted the event, which the API shows
-- as the event's supplier and which is not told of its own event.
-- Events written before this column are empty: their entries name the
-- move's supplier now, as they did.
-- The foreign key is added NOT VALID: every existing row is NULL, so a
-- validating scan of the whole events table, under the lock ADD COLUMN
-- takes, would prove nothing; rows written from now on are checked.
ALTER TABLE events ADD COLUMN move_supplier_id TEXT;
ALTER TABLE events ADD CONSTRAINT events_move_supplier_id_fkey FOREIGN KEY (move_supplier_id) REFERENCES suppliers(id) NOT VALID;
