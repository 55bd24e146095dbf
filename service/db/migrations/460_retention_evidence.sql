-- Retention and proof (issue #22): legal hold and purge state of a case, evidence files, purge receipts,
-- signed audit anchors. Numbering 460-469: retention/evidence area.

-- A case under legal hold is never purged (scheduled purge or erasure request) until an admin lifts the hold.
ALTER TABLE cases ADD COLUMN legal_hold boolean NOT NULL DEFAULT false;
ALTER TABLE cases ADD COLUMN legal_hold_reason text;
-- Media objects destroyed (scheduled purge or erasure request).
ALTER TABLE cases ADD COLUMN media_purged_at timestamptz;
-- Declared identity, contact data and MRZ readings removed (erasure request, or purge of an unfinished case).
ALTER TABLE cases ADD COLUMN personal_data_erased_at timestamptz;
-- The metadata row stays (its sha256 is in the evidence file); the object behind storage_key is gone.
ALTER TABLE media ADD COLUMN purged_at timestamptz;

-- Signed evidence files ("dossier de preuve"), one per final decision. The file itself is sealed in the media
-- store (AES-256-GCM) under `storage_key`; purges of media never touch it (it is not in `media`).
CREATE TABLE evidence_files (
  id uuid PRIMARY KEY,
  case_id uuid NOT NULL REFERENCES cases(id),
  decision_id bigint NOT NULL,
  key_id text NOT NULL,
  storage_key text NOT NULL,
  sha256 text NOT NULL,                          -- of the whole evidence file
  size_bytes int NOT NULL,
  retain_until timestamptz NOT NULL,
  purged_at timestamptz,
  created_at timestamptz NOT NULL,
  UNIQUE (case_id, decision_id)
);
CREATE INDEX evidence_files_case_idx ON evidence_files(case_id, created_at);

-- Purge receipts (also written to the audit trail); read by the metrics and the ops.
CREATE TABLE retention_purges (
  id bigserial PRIMARY KEY,
  case_id uuid,
  policy text NOT NULL,                          -- media | unfinished | evidence | erasure
  objects int NOT NULL,
  audit_seq bigint,
  purged_at timestamptz NOT NULL
);
CREATE INDEX retention_purges_policy_idx ON retention_purges(policy);

-- Signed exports of the audit chain head (`idv audit anchor`, and periodically).
CREATE TABLE audit_anchors (
  seq bigint NOT NULL,
  hash text NOT NULL,
  key_id text NOT NULL,
  signature text NOT NULL,
  signed_at timestamptz NOT NULL,
  PRIMARY KEY (seq, key_id)
);
