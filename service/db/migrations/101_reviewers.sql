-- Reviewer accounts, server-side sessions, claims (leases), four-eyes approvals, SLA breaches.
CREATE TABLE reviewers (
  id uuid PRIMARY KEY,
  email text NOT NULL UNIQUE,                   -- stored lower-case
  role text NOT NULL CHECK (role IN ('reviewer','supervisor','ops','admin')),
  password_hash text NOT NULL,                  -- argon2id
  disabled boolean NOT NULL DEFAULT false,
  failed_logins int NOT NULL DEFAULT 0,
  locked_until timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Only a hash of the session token is stored: a database leak does not hand out live sessions.
CREATE TABLE reviewer_sessions (
  id_hash text PRIMARY KEY,
  reviewer_id uuid NOT NULL REFERENCES reviewers(id),
  csrf_token text NOT NULL,
  expires_at timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX reviewer_sessions_reviewer_idx ON reviewer_sessions(reviewer_id);

-- Throttling of login attempts by client address (per-account lockout lives on reviewers).
CREATE TABLE login_attempts (
  id bigserial PRIMARY KEY,
  ip text NOT NULL,
  ok boolean NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_attempts_ip_idx ON login_attempts(ip, created_at);

-- One lease per case: whoever holds an unexpired lease is the only one who may decide.
CREATE TABLE review_leases (
  case_id uuid PRIMARY KEY REFERENCES cases(id),
  reviewer_id uuid NOT NULL REFERENCES reviewers(id),
  expires_at timestamptz NOT NULL,
  claimed_at timestamptz NOT NULL DEFAULT now()
);

-- First approval of a case that needs four eyes, waiting for a supervisor's second approval.
CREATE TABLE pending_approvals (
  case_id uuid NOT NULL REFERENCES cases(id),
  attempt int NOT NULL,
  reviewer_id uuid NOT NULL REFERENCES reviewers(id),
  note text,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (case_id, attempt)
);

-- Review deadlines missed (one row per case attempt); ops exports the count.
CREATE TABLE sla_breaches (
  case_id uuid NOT NULL REFERENCES cases(id),
  attempt int NOT NULL,
  deadline timestamptz NOT NULL,
  expired_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (case_id, attempt)
);
