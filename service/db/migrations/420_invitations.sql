-- Invitation e-letters: the registered letter inviting the applicant to the app. The letter's token is
-- kept as a sha256; the applicant link token is sealed (AES-GCM) so the letter page can send the person
-- to the app. Receipt is recorded when the person acts on the page (POST), never on a GET.
CREATE TABLE invitations (
  id uuid PRIMARY KEY,
  case_id uuid NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
  generation integer NOT NULL,
  token_hash text NOT NULL UNIQUE,
  -- Sealed so that a retried delivery can render the same link.
  token_sealed text NOT NULL,
  applicant_token_sealed text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  acted_at timestamptz,
  UNIQUE (case_id, generation)
);

CREATE TABLE invitation_deliveries (
  id bigserial PRIMARY KEY,
  invitation_id uuid NOT NULL REFERENCES invitations(id) ON DELETE CASCADE,
  case_id uuid NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
  channel text NOT NULL CHECK (channel IN ('email', 'sms')),
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
  attempts integer NOT NULL DEFAULT 0,
  last_error text,
  sent_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX invitation_deliveries_case ON invitation_deliveries (case_id);
