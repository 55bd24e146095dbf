-- Seen before (issue #20 item 8): per case attempt, a keyed hash of the document number, a keyed hash of the
-- declared identity and the live face descriptor (sealed). Kept only as long as the case's biometrics: the media
-- purge and the erasure delete the row. Never the document number in clear.
CREATE TABLE seen_before_index (
  case_id uuid NOT NULL REFERENCES cases(id),
  attempt int NOT NULL,
  document_hash text,
  identity_hash text,
  face_sealed text,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (case_id, attempt)
);
CREATE INDEX seen_before_document_idx ON seen_before_index(document_hash) WHERE document_hash IS NOT NULL;

-- What the decision step found: the other case and why (no biometric data, only ids and a similarity).
CREATE TABLE seen_before_matches (
  case_id uuid NOT NULL REFERENCES cases(id),
  attempt int NOT NULL,
  other_case_id uuid NOT NULL REFERENCES cases(id),
  kind text NOT NULL CHECK (kind IN ('document','face')),
  similarity real,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (case_id, attempt, other_case_id, kind)
);

-- QA (item 10): a share of automatically approved cases gets a second look by a reviewer.
CREATE TABLE qa_samples (
  case_id uuid PRIMARY KEY REFERENCES cases(id),
  sampled_at timestamptz NOT NULL DEFAULT now(),
  reviewer_id uuid,
  verdict text CHECK (verdict IN ('agree','disagree')),
  note text,
  reviewed_at timestamptz
);
CREATE INDEX qa_samples_pending_idx ON qa_samples(sampled_at) WHERE verdict IS NULL;

-- Development outbox (item 7): letters and SMS as the applicant gets them, sealed (AES-256-GCM), development only.
CREATE TABLE dev_outbox (
  id bigserial PRIMARY KEY,
  channel text NOT NULL CHECK (channel IN ('email','sms')),
  sealed text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
