// Retention and proof settings: how long each kind of data is kept, the evidence signing key, audit anchoring.
import { z } from 'zod';
import { envInt } from './env.js';

export const retentionEnv = {
  RETENTION_MEDIA_DAYS: envInt(30, 0, 3650).describe(
    'Days after the final outcome after which raw media (photos, video) and face crops are purged.',
  ),
  RETENTION_UNFINISHED_DAYS: envInt(7, 0, 3650).describe(
    'Days after its applicant link expired after which a verification with no final outcome (never submitted, or abandoned after a resubmission request) is purged whole: media and personal data.',
  ),
  RETENTION_EVIDENCE_YEARS: envInt(7, 1, 50).describe(
    'Years after the final outcome during which the signed evidence file is kept, then purged.',
  ),
  RETENTION_SESSION_DAYS: envInt(90, 1, 3650).describe(
    'Days after expiry after which reviewer sessions and login attempts are deleted.',
  ),
  RETENTION_DELIVERY_LOG_DAYS: envInt(180, 1, 3650).describe(
    'Days after which delivered webhook/activation outbox rows and finished e-letter/SMS delivery records are deleted.',
  ),
  RETENTION_SWEEP_MINUTES: envInt(60, 1, 10080).describe(
    'Interval of the scheduled purge job (BullMQ repeatable job); it also exports a signed audit anchor.',
  ),
  AUDIT_ANCHOR_DIR: z
    .string()
    .optional()
    .describe(
      'Directory the signed audit-chain heads are exported to at each retention sweep (default DATA_DIR/audit-anchors); copy it off the host (write-once storage).',
    ),
  EVIDENCE_SIGNING_KEY_FILE: z
    .string()
    .optional()
    .describe(
      'PEM file of the Ed25519 private key signing evidence files and audit anchors. Generated into DATA_DIR/secrets/evidence-signing-key.pem outside production.',
    ),
  EVIDENCE_RETIRED_KEYS_DIR: z
    .string()
    .optional()
    .describe(
      'Directory of earlier evidence public keys (*.pem), still published after a rotation (default DATA_DIR/secrets/evidence-retired-keys).',
    ),
};
