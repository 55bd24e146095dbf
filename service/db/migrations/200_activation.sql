-- Activation after approval: one row per case (its activation state), one row per issued code
-- (a resend supersedes the previous one), the registered e-letters and per-channel deliveries.
CREATE TABLE activations (
  case_id uuid PRIMARY KEY REFERENCES cases(id),
  status text NOT NULL DEFAULT 'issued' CHECK (status IN ('issued','activated')),
  resends int NOT NULL DEFAULT 0,
  activated_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE activation_codes (
  id uuid PRIMARY KEY,
  case_id uuid NOT NULL REFERENCES cases(id),
  generation int NOT NULL,                      -- 0 on approval, +1 per resend
  code_hmac text NOT NULL,                      -- HMAC-SHA256(CODE_HMAC_SECRET, caseId || code), hex: used to verify
  code_sealed text NOT NULL,                    -- AES-256-GCM sealed code: only to show it in the letter and send the SMS
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active','used','superseded','locked')),
  failed_attempts int NOT NULL DEFAULT 0,
  expires_at timestamptz NOT NULL,
  used_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (case_id, generation)
);
-- At most one live code per case.
CREATE UNIQUE INDEX activation_codes_active_idx ON activation_codes(case_id) WHERE status = 'active';

CREATE TABLE letters (
  id uuid PRIMARY KEY,
  case_id uuid NOT NULL REFERENCES cases(id),
  code_id uuid NOT NULL UNIQUE REFERENCES activation_codes(id),
  token_hash text NOT NULL UNIQUE,              -- sha256 of the link token (lookup)
  token_sealed text NOT NULL,                   -- sealed token, so the mail job can build the link
  opened_at timestamptz,                        -- proof of receipt: first opening
  opened_ip_sha256 text,
  opened_ua_sha256 text,
  open_count int NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE deliveries (
  id bigserial PRIMARY KEY,
  case_id uuid NOT NULL REFERENCES cases(id),
  code_id uuid NOT NULL REFERENCES activation_codes(id),
  channel text NOT NULL CHECK (channel IN ('email','sms')),
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','sent','failed','cancelled')),
  attempts int NOT NULL DEFAULT 0,
  last_error text,                              -- error class/code only, never addresses or content
  sent_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (code_id, channel)
);
CREATE INDEX deliveries_case_idx ON deliveries(case_id);
CREATE INDEX deliveries_open_idx ON deliveries(status, updated_at) WHERE status IN ('pending','failed');
