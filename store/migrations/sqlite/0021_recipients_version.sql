-- Who can be told of a change (issue 12): every change of a move that a
-- supplier may hear of asks which subscriptions are enabled and, when the
-- move crosses to another supplier's place, which supplier serves it.
-- Both change rarely (an administrator's edit, the subscriptions command)
-- and the writer keeps them in memory, checked against this one row in
-- the change's own transaction. Any change to either table, from any
-- process or instance, sets the row to a new random number: a value never
-- comes back, so what was read in a transaction that later rolled back
-- cannot be taken for current.
CREATE TABLE recipients_version (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  v  INTEGER NOT NULL
) STRICT;
INSERT INTO recipients_version (id, v) VALUES (1, random());

CREATE TRIGGER subscriptions_recipients_insert AFTER INSERT ON subscriptions
BEGIN UPDATE recipients_version SET v = random() WHERE id = 1; END;
CREATE TRIGGER subscriptions_recipients_delete AFTER DELETE ON subscriptions
BEGIN UPDATE recipients_version SET v = random() WHERE id = 1; END;
CREATE TRIGGER subscriptions_recipients_update AFTER UPDATE OF id, supplier_id, callback_url, email, enabled, created_at ON subscriptions
BEGIN UPDATE recipients_version SET v = random() WHERE id = 1; END;

CREATE TRIGGER supplier_locations_recipients_insert AFTER INSERT ON supplier_locations
BEGIN UPDATE recipients_version SET v = random() WHERE id = 1; END;
CREATE TRIGGER supplier_locations_recipients_delete AFTER DELETE ON supplier_locations
BEGIN UPDATE recipients_version SET v = random() WHERE id = 1; END;
CREATE TRIGGER supplier_locations_recipients_update AFTER UPDATE ON supplier_locations
BEGIN UPDATE recipients_version SET v = random() WHERE id = 1; END;
