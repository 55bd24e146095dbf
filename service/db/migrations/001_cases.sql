-- Core case store. Personal data lives only here and in encrypted media files.
CREATE TABLE cases (
  id uuid PRIMARY KEY,
  reference text UNIQUE NOT NULL,                -- external reference given to the business service
  status text NOT NULL CHECK (status IN ('created','processing','in_review','approved','rejected','resubmission_requested','expired')),
  lang text NOT NULL CHECK (lang IN ('fr','en')),
  applicant jsonb NOT NULL,                      -- declared identity: lastName, firstNames, birthDate, email, mobile
  attempt int NOT NULL DEFAULT 1,
  applicant_token_hash text,                     -- sha256 of the one-time applicant link token
  expires_at timestamptz NOT NULL,
  submitted_at timestamptz,
  review_deadline timestamptz,
  decided_at timestamptz,
  outcome text,
  reasons text[] NOT NULL DEFAULT '{}',
  progress jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX cases_status_idx ON cases(status);
CREATE INDEX cases_deadline_idx ON cases(review_deadline) WHERE status = 'in_review';

CREATE TABLE challenges (
  id uuid PRIMARY KEY,
  case_id uuid NOT NULL REFERENCES cases(id),
  attempt int NOT NULL,
  digits text NOT NULL CHECK (digits ~ '^[0-9]{3}$'),
  lang text NOT NULL,
  expires_at timestamptz NOT NULL,
  used_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (case_id, attempt)
);

CREATE TABLE media (
  id uuid PRIMARY KEY,
  case_id uuid NOT NULL REFERENCES cases(id),
  attempt int NOT NULL,
  kind text NOT NULL CHECK (kind IN ('front','back','video','portrait','live_frame','card_frame')), -- uploads, then face crops
  storage_key text NOT NULL,                    -- random, never derived from user input
  mime text NOT NULL,
  size_bytes bigint NOT NULL,
  sha256 text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (case_id, attempt, kind)
);

CREATE TABLE stage_results (
  case_id uuid NOT NULL REFERENCES cases(id),
  attempt int NOT NULL,
  stage text NOT NULL,                          -- ingest, document, face, speech, decide
  status text NOT NULL CHECK (status IN ('ok','failed')),
  result jsonb NOT NULL,
  duration_ms int,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (case_id, attempt, stage)
);

CREATE TABLE decisions (
  id bigserial PRIMARY KEY,
  case_id uuid NOT NULL REFERENCES cases(id),
  attempt int NOT NULL,
  source text NOT NULL CHECK (source IN ('auto','reviewer','system')),
  outcome text NOT NULL CHECK (outcome IN ('approve','reject','review','resubmit','expire')),
  reasons text[] NOT NULL DEFAULT '{}',
  policy_version text,
  reviewer_id uuid,
  note text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX decisions_case_idx ON decisions(case_id);

-- Transactional outbox: written in the same transaction as the state change it announces.
CREATE TABLE outbox (
  id bigserial PRIMARY KEY,
  topic text NOT NULL,                           -- webhook, activation, ...
  case_id uuid REFERENCES cases(id),
  payload jsonb NOT NULL,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','dispatched','delivered','failed')),
  attempts int NOT NULL DEFAULT 0,
  last_error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX outbox_pending_idx ON outbox(status, id) WHERE status IN ('pending','dispatched');
