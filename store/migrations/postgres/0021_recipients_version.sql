-- Who can be told of a change (issue 12): see the SQLite migration of the
-- same number. Statement triggers: one new value per statement is enough.
CREATE TABLE recipients_version (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  v  BIGINT NOT NULL
);
INSERT INTO recipients_version (id, v) VALUES (1, (random() * 9e18)::bigint);

CREATE OR REPLACE FUNCTION recipients_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE recipients_version SET v = (random() * 9e18)::bigint WHERE id = 1;
  RETURN NULL;
END
$$;

CREATE TRIGGER subscriptions_recipients
  AFTER INSERT OR DELETE OR UPDATE OF id, supplier_id, callback_url, email, enabled, created_at ON subscriptions
  FOR EACH STATEMENT EXECUTE FUNCTION recipients_changed();
CREATE TRIGGER supplier_locations_recipients
  AFTER INSERT OR DELETE OR UPDATE OR TRUNCATE ON supplier_locations
  FOR EACH STATEMENT EXECUTE FUNCTION recipients_changed();
CREATE TRIGGER subscriptions_recipients_truncate
  AFTER TRUNCATE ON subscriptions
  FOR EACH STATEMENT EXECUTE FUNCTION recipients_changed();
