// Engine settings: face, document, speech. Each engine reads only its own keys.
import { envBool, envInt, envList, envNum } from './env.js';
import { cpus } from 'node:os';

export const engineEnv = {
  FACE_WORKERS: envInt(Math.max(1, cpus().length), 1, 64).describe(
    'Face inference worker processes (default: one per core).',
  ),
  FACE_ACCEPT_SIMILARITY: envNum(0.92, 0, 1).describe(
    'Calibrated similarity (0..1, see models/face/CALIBRATION.md) of the fused video face to the ID portrait at or above which they match; 0.92 = descriptor distance 0.35.',
  ),
  FACE_REJECT_SIMILARITY: envNum(0.25, 0, 1).describe(
    'Calibrated similarity below which a good-quality live face is a mismatch (between: review); 0.25 = descriptor distance 0.49.',
  ),
  FACE_MIN_FACE_PX: envInt(60, 10, 1000).describe(
    'Median live-face width (px on the 640 px analysed frame) below which the applicant is asked to come closer (FACE_TOO_SMALL), never judged.',
  ),
  FACE_MIN_SHARPNESS: envNum(12, 0, 10000).describe(
    'Laplacian variance of the sharpest good frame below which the face is blurred (FACE_BLURRED, resubmission).',
  ),
  FACE_MAX_POSE_DEG: envNum(30, 5, 90).describe(
    'Head turn (yaw, or 0.8 x pitch, degrees) of the most frontal good frame above which the face is turned (FACE_TURNED).',
  ),
  FACE_MIN_LUMINANCE: envNum(35, 0, 255).describe(
    'Mean grey level of the face below which it is too dark (FACE_POORLY_LIT).',
  ),
  FACE_MAX_LUMINANCE: envNum(220, 0, 255).describe(
    'Mean grey level of the face above which it is overexposed (FACE_POORLY_LIT).',
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
