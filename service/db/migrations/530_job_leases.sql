-- Leases of deployment-wide periodic jobs (the pipeline recovery sweep): with several worker processes, on one
-- host or many, one of them holds the lease and runs the job; another takes over once it lapses.
CREATE TABLE job_leases (
  name text PRIMARY KEY,
  holder text NOT NULL,
  until timestamptz NOT NULL
);
