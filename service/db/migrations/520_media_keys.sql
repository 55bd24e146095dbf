-- Per-case data keys (envelope encryption, issue #21). Numbering 520-529: storage area.
-- Each case has a random data key per purpose ('media': uploads and crops, purged with the media; 'evidence':
-- the signed evidence files, kept for years). The key is stored only wrapped (AES-256-GCM) by a master key,
-- named by master_key_id; `idv keys rotate` re-wraps rows under a new master key without touching the media.
-- Deleting a row makes every copy of the objects it sealed unreadable (crypto-shredding, used by retention).
CREATE TABLE media_keys (
  id uuid PRIMARY KEY,
  case_id uuid NOT NULL,
  purpose text NOT NULL CHECK (purpose IN ('media', 'evidence')),
  master_key_id text NOT NULL,
  wrapped bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  rotated_at timestamptz,
  UNIQUE (case_id, purpose)
);
CREATE INDEX media_keys_master_idx ON media_keys(master_key_id);
