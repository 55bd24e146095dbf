// The decision policy: a pure function from the engines' signals and the policy configuration to an
// outcome with reasons. No I/O; exhaustively tested in test/decision/.
import { POLICY_VERSION, REASONS, isReasonCode, type ReasonCode } from './reason-codes.js';
import { firstNamesMatch, lastNameMatches } from './names.js';
import type { PolicyConfig, Signals } from './signals.js';

export type Outcome = 'approve' | 'reject' | 'review' | 'resubmit';

export interface Decision {
  outcome: Outcome;
  /** Sorted, unique reason codes behind the outcome (empty for a clean approval). */
  reasons: ReasonCode[];
  policyVersion: string;
}

/** Every reason the signals support, before any outcome is chosen. */
export function collectReasons(s: Signals, p: PolicyConfig): Set<ReasonCode> {
  const r = new Set<ReasonCode>();
  if (!s.document || !s.face || !s.speech) r.add('PROCESSING_FAILED');

  if (s.document) {
    for (const f of s.document.findings) r.add(isReasonCode(f) ? f : 'DOCUMENT_UNVERIFIED');
    const id = s.document.identity;
    const declared = s.declared;
    if (id && !r.has('MRZ_UNREADABLE')) {
      if (declared && id.lastName !== undefined && !lastNameMatches(declared.lastName, id.lastName))
        r.add('NAME_MISMATCH');
      if (declared && id.firstNames !== undefined && !firstNamesMatch(declared.firstNames, id.firstNames))
        r.add('NAME_MISMATCH');
      if (declared && id.birthDate && declared.birthDate && id.birthDate !== declared.birthDate)
        r.add('BIRTH_DATE_MISMATCH');
    } else if (!id && !s.document.findings.length) {
      r.add('DOCUMENT_UNVERIFIED');
    }
  }

  if (s.face) {
    // Face rules. A capture problem (face too small, blurred, turned, badly lit) is never an identity
    // verdict: it asks for a new recording with advice, whatever the similarity says. FACE_MISMATCH (reject)
    // needs a good-quality face that clearly differs; a poor capture may only look different.
    const f = s.face;
    const capture = new Set(f.captureProblems ?? []);
    if (f.faceTooSmall) capture.add('too_small');
    if (f.noFace) r.add('FACE_NOT_FOUND');
    else
      for (const c of capture)
        r.add(
          c === 'too_small'
            ? 'FACE_TOO_SMALL'
            : c === 'blurred'
              ? 'FACE_BLURRED'
              : c === 'turned'
                ? 'FACE_TURNED'
                : 'FACE_POORLY_LIT',
        );
    if (f.multiplePeople) r.add('MULTIPLE_PEOPLE');
    // The face stage's static cue reads 8 sparse frames, where a speaker's mouth can be shut in every one (a
    // live applicant was rejected so). A mouth that the lip-sync check saw move in step with the voice is no
    // still photo: it overrules that cue. A frozen frame or a held-up photo never gets a consistent lip-sync.
    if (f.staticVideo && s.lipSync?.decision !== 'consistent') r.add('STATIC_VIDEO');
    if (f.cardNotSeen) r.add('CARD_NOT_IN_VIDEO');
    if (f.similarity === null) {
      if (!f.noFace && capture.size === 0) r.add('FACE_NOT_FOUND');
    } else if (f.noFace || capture.size > 0) {
      // No identity verdict on a face that could not be seen well.
    } else if (f.similarity < p.faceReject) r.add('FACE_MISMATCH');
    else if (f.similarity < p.faceAccept) r.add('FACE_BORDERLINE');
  }

  if (s.speech) {
    const d = s.speech.decision;
    if (d === 'mismatch') r.add('DIGITS_MISMATCH');
    else if (d === 'uncertain') r.add('DIGITS_UNCERTAIN');
    else if (d === 'no_speech') r.add('NO_SPEECH');
  }

  if (s.lipSync?.decision === 'mismatch') r.add('LIPSYNC_MISMATCH');
  if (s.seenBefore?.document) r.add('DOCUMENT_SEEN_BEFORE');
  if (s.seenBefore?.face) r.add('FACE_SEEN_BEFORE');
  // The lip-sync check ran and failed (null; undefined means it is not part of this pipeline) while the digits
  // were heard: the mouth was never checked against the voice, and a held-up photo moved by hand passes every
  // other check (measured: approved exactly when lip-sync was missing, models/face/CALIBRATION.md). A human
  // looks, as for any stage out of retries.
  if (s.lipSync === null && heardSpeech(s)) r.add('PROCESSING_FAILED');
  return r;
}

/** The speech stage heard someone speak (whatever it made of the digits). */
function heardSpeech(s: Signals): boolean {
  const d = s.speech?.decision;
  return d === 'match' || d === 'uncertain' || d === 'mismatch';
}

export function decide(s: Signals, p: PolicyConfig): Decision {
  const reasons = collectReasons(s, p);
  const classes = new Set([...reasons].map((c) => REASONS[c]));
  let outcome: Outcome = classes.has('reject')
    ? 'reject'
    : classes.has('review')
      ? 'review'
      : classes.has('resubmit')
        ? 'resubmit'
        : 'approve';
  // Bounded resubmissions: the last allowed attempt cannot ask for another one.
  if (outcome === 'resubmit' && s.attempt >= p.maxAttempts) {
    outcome = 'reject';
    reasons.add('ATTEMPTS_EXHAUSTED');
  }
  if (p.reviewAll) outcome = 'review';
  return { outcome, reasons: [...reasons].sort(), policyVersion: POLICY_VERSION };
}

/** A processing failure (stage out of retries) is always a human's call. */
export function processingFailed(): Decision {
  return { outcome: 'review', reasons: ['PROCESSING_FAILED'], policyVersion: POLICY_VERSION };
}
