// The closed, versioned vocabulary of reasons a decision can carry. Adding or changing a code bumps
// POLICY_VERSION so that stored decisions stay interpretable.
export const POLICY_VERSION = '2026-12.2';

/** What a reason, on its own, asks for. The strongest class present wins (reject > review > resubmit). */
export type ReasonClass = 'reject' | 'review' | 'resubmit';

export const REASONS = {
  // Ineligible, established from a check-digit-valid MRZ: no human judgement needed.
  DOCUMENT_EXPIRED: 'reject',
  APPLICANT_MINOR: 'reject',
  DOCUMENT_TYPE_NOT_ALLOWED: 'reject',
  // Clear failures of the liveness/identity checks. The engines already keep their own doubtful zone out of
  // these codes (FACE_BORDERLINE, DIGITS_UNCERTAIN); under REVIEW_ALL they reach a reviewer, who then needs
  // a second approval for FACE_MISMATCH and DIGITS_MISMATCH.
  FACE_MISMATCH: 'reject',
  STATIC_VIDEO: 'reject',
  MULTIPLE_PEOPLE: 'reject',
  DIGITS_MISMATCH: 'reject',
  // Doubtful evidence: a human decides.
  FACE_BORDERLINE: 'review',
  DIGITS_UNCERTAIN: 'review',
  MRZ_CHECK_DIGIT: 'review',
  MRZ_AMBIGUOUS: 'review',
  DOCUMENT_UNVERIFIED: 'review',
  NAME_MISMATCH: 'review',
  BIRTH_DATE_MISMATCH: 'review',
  PROCESSING_FAILED: 'review',
  // The mouth does not follow the voice (dubbed or replayed audio); a poor connection can desynchronise a
  // genuine recording too, so a human looks at it.
  LIPSYNC_MISMATCH: 'review',
  // Repeat fraud: the same document number on another case, or the live face close to another case's face
  // declared under another identity. Either can be innocent (a second verification, twins): a human looks.
  DOCUMENT_SEEN_BEFORE: 'review',
  FACE_SEEN_BEFORE: 'review',
  // Capture problems the applicant can fix by trying again (with a new challenge).
  FACE_NOT_FOUND: 'resubmit',
  FACE_TOO_SMALL: 'resubmit',
  FACE_BLURRED: 'resubmit',
  FACE_TURNED: 'resubmit',
  FACE_POORLY_LIT: 'resubmit',
  CARD_NOT_IN_VIDEO: 'resubmit',
  NO_SPEECH: 'resubmit',
  MRZ_UNREADABLE: 'resubmit',
  // A card's front without its back (the MRZ side): "photograph the back of your card".
  MRZ_SIDE_MISSING: 'resubmit',
  // Added by the policy itself.
  ATTEMPTS_EXHAUSTED: 'reject',
} as const satisfies Record<string, ReasonClass>;

export type ReasonCode = keyof typeof REASONS;
export const REASON_CODES = Object.keys(REASONS) as ReasonCode[];

export function isReasonCode(s: string): s is ReasonCode {
  return Object.hasOwn(REASONS, s);
}
