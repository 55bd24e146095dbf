// Engine settings: face, document, speech. Each engine reads only its own keys.
import { envBool, envInt, envList, envNum } from './env.js';
import { cpus } from 'node:os';

export const engineEnv = {
  FACE_WORKERS: envInt(Math.max(1, cpus().length), 1, 64).describe(
    'Face inference worker processes (default: one per core).',
  ),
  FACE_ACCEPT_SIMILARITY: envNum(0.92, 0, 1).describe(
    'Calibrated face similarity (0..1, see models/face/CALIBRATION.md) at or above which the live face matches the ID portrait; 0.92 = descriptor distance 0.35.',
  ),
  FACE_REJECT_SIMILARITY: envNum(0.25, 0, 1).describe(
    'Calibrated face similarity below which the live face is a mismatch (between: review); 0.25 = descriptor distance 0.49.',
  ),
  DOCUMENT_TYPES_ALLOWED: envList('ID_CARD,PASSPORT,RESIDENCE_PERMIT').describe(
    'Accepted document types (ID_CARD, PASSPORT, RESIDENCE_PERMIT).',
  ),
  MINIMUM_AGE: envInt(18, 0, 120).describe('Minimum applicant age in years on the verification day.'),
  SPEECH_LANGS: envList('fr,en').describe('Languages offered for the spoken challenge.'),
  CHALLENGE_TTL_MINUTES: envInt(5, 1, 1440).describe(
    'Lifetime of a spoken-digit challenge, counted from when the applicant app asks for it (Record).',
  ),
  REVIEW_ALL: envBool(false).describe('When true, every case goes to human review (no automatic decision).'),
  MAX_ATTEMPTS: envInt(3, 1, 10).describe(
    'Submissions allowed per verification before a resubmission request becomes a rejection.',
  ),
};
