-- Append-only, hash-chained audit trail (review area). `details` never holds personal data.
CREATE TABLE audit_events (
  seq bigint PRIMARY KEY,
  prev_hash text NOT NULL,
  hash text NOT NULL UNIQUE,
  actor_type text NOT NULL CHECK (actor_type IN ('reviewer','system','applicant','service')),
  actor_id text,
  action text NOT NULL,
  case_id uuid,
  details jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL
);
CREATE INDEX audit_events_case_idx ON audit_events(case_id, seq);

-- One head row: appends lock it (SELECT ... FOR UPDATE) so the chain is strictly sequential across processes.
CREATE TABLE audit_head (
  id int PRIMARY KEY CHECK (id = 1),
  seq bigint NOT NULL,
  hash text NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, repeat('0', 64));

-- Append-only: the database itself refuses updates and deletes of audit rows.
CREATE FUNCTION audit_events_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_events is append-only';
END;
$$;
CREATE TRIGGER audit_events_no_update BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION audit_events_immutable();
