import { describe, expect, it } from 'vitest';
import {
  decide,
  processingFailed,
  normaliseName,
  lastNameMatches,
  firstNamesMatch,
  REASON_CODES,
  REASONS,
  POLICY_VERSION,
  type Signals,
  type PolicyConfig,
  type ReasonCode,
  type Outcome,
} from '../../service/decision/index.js';

const policy: PolicyConfig = { reviewAll: false, maxAttempts: 3, faceAccept: 0.75, faceReject: 0.45 };

function clean(): Signals {
  return {
    document: {
      findings: [],
      identity: { lastName: 'DUPONT', firstNames: 'MARIE CLAIRE', birthDate: '1990-04-12' },
    },
    face: {
      similarity: 0.9,
      noFace: false,
      faceTooSmall: false,
      multiplePeople: false,
      staticVideo: false,
      cardNotSeen: false,
    },
    speech: { decision: 'match' },
    declared: { lastName: 'Dupont', firstNames: 'Marie-Claire', birthDate: '1990-04-12' },
    attempt: 1,
  };
}

type Patch = (s: Signals) => void;
const face =
  (f: Partial<NonNullable<Signals['face']>>): Patch =>
  (s) =>
    void Object.assign(s.face!, f);
const finding =
  (...codes: string[]): Patch =>
  (s) =>
    void s.document!.findings.push(...codes);

const seen =
  (document: boolean, face: boolean): Patch =>
  (s) =>
    void (s.seenBefore = { document, face });

const cases: Array<[string, Patch[], Outcome, ReasonCode[]]> = [
  ['clean pass', [], 'approve', []],
  ['nothing seen before', [seen(false, false)], 'approve', []],
  ['document number seen on another case', [seen(true, false)], 'review', ['DOCUMENT_SEEN_BEFORE']],
  ['face seen under another identity', [seen(false, true)], 'review', ['FACE_SEEN_BEFORE']],
  [
    'seen before does not soften a rejection',
    [seen(true, true), face({ similarity: 0.2 })],
    'reject',
    ['DOCUMENT_SEEN_BEFORE', 'FACE_MISMATCH', 'FACE_SEEN_BEFORE'],
  ],
  ['similarity exactly at accept', [face({ similarity: 0.75 })], 'approve', []],
  ['borderline similarity', [face({ similarity: 0.6 })], 'review', ['FACE_BORDERLINE']],
  ['similarity exactly at reject', [face({ similarity: 0.45 })], 'review', ['FACE_BORDERLINE']],
  ['face mismatch', [face({ similarity: 0.2 })], 'reject', ['FACE_MISMATCH']],
  ['no face', [face({ similarity: null, noFace: true })], 'resubmit', ['FACE_NOT_FOUND']],
  ['face too small', [face({ similarity: null, faceTooSmall: true })], 'resubmit', ['FACE_TOO_SMALL']],
  ['no similarity without a flag', [face({ similarity: null })], 'resubmit', ['FACE_NOT_FOUND']],
  // Capture problems are never identity verdicts: a far, blurred, turned or badly lit face that scores low
  // asks for a new recording, and one that scores high is not approved on that poor view either.
  [
    'far applicant scoring low: resubmit, not mismatch',
    [face({ similarity: 0.05, faceTooSmall: true, captureProblems: ['too_small'] })],
    'resubmit',
    ['FACE_TOO_SMALL'],
  ],
  [
    'blurred face scoring low',
    [face({ similarity: 0.1, captureProblems: ['blurred'] })],
    'resubmit',
    ['FACE_BLURRED'],
  ],
  [
    'turned face, borderline',
    [face({ similarity: 0.6, captureProblems: ['turned'] })],
    'resubmit',
    ['FACE_TURNED'],
  ],
  [
    'dark face scoring high',
    [face({ similarity: 0.95, captureProblems: ['dark'] })],
    'resubmit',
    ['FACE_POORLY_LIT'],
  ],
  [
    'overexposed and small',
    [face({ similarity: 0.2, captureProblems: ['too_small', 'overexposed'] })],
    'resubmit',
    ['FACE_POORLY_LIT', 'FACE_TOO_SMALL'],
  ],
  [
    'good-quality face that clearly differs',
    [face({ similarity: 0.2, captureProblems: [] })],
    'reject',
    ['FACE_MISMATCH'],
  ],
  [
    'poor capture does not hide a static video',
    [face({ similarity: 0.2, staticVideo: true, captureProblems: ['blurred'] })],
    'reject',
    ['FACE_BLURRED', 'STATIC_VIDEO'],
  ],
  ['card not in video', [face({ cardNotSeen: true })], 'resubmit', ['CARD_NOT_IN_VIDEO']],
  ['static video', [face({ staticVideo: true })], 'reject', ['STATIC_VIDEO']],
  [
    'static video, mouth not in step with the voice: still static',
    [
      face({ staticVideo: true }),
      (s) => (s.lipSync = { decision: 'mismatch', score: 0.1, lagSec: 0, framesUsed: 30, mouthStd: 0.005 }),
    ],
    'reject',
    ['LIPSYNC_MISMATCH', 'STATIC_VIDEO'],
  ],
  [
    // The 8 sparse face frames caught a speaker's mouth shut each time; the dense lip-sync track saw it speak.
    'static cue overruled by a mouth moving in step with the voice',
    [
      face({ staticVideo: true }),
      (s) =>
        (s.lipSync = { decision: 'consistent', score: 0.8, lagSec: 0, framesUsed: 30, mouthStd: 0.0475 }),
    ],
    'approve',
    [],
  ],
  ['two people', [face({ multiplePeople: true })], 'reject', ['MULTIPLE_PEOPLE']],
  [
    'static and no face: reject wins',
    [face({ staticVideo: true, noFace: true, similarity: null })],
    'reject',
    ['FACE_NOT_FOUND', 'STATIC_VIDEO'],
  ],
  ['wrong digits', [(s) => (s.speech = { decision: 'mismatch' })], 'reject', ['DIGITS_MISMATCH']],
  ['uncertain digits', [(s) => (s.speech = { decision: 'uncertain' })], 'review', ['DIGITS_UNCERTAIN']],
  ['no speech', [(s) => (s.speech = { decision: 'no_speech' })], 'resubmit', ['NO_SPEECH']],
  [
    'mouth does not follow the voice',
    [(s) => (s.lipSync = { decision: 'mismatch', score: 0.1, lagSec: 0, framesUsed: 30 })],
    'review',
    ['LIPSYNC_MISMATCH'],
  ],
  [
    'lip-sync consistent',
    [(s) => (s.lipSync = { decision: 'consistent', score: 0.8, lagSec: 0.04, framesUsed: 30 })],
    'approve',
    [],
  ],
  [
    'lip-sync inconclusive holds nothing back',
    [(s) => (s.lipSync = { decision: 'inconclusive', score: 0, lagSec: 0, framesUsed: 3 })],
    'approve',
    [],
  ],
  // The lip-sync check failed (null) while the digits were heard: the mouth was never checked against the
  // voice (a held-up photo was approved exactly so), a human looks. Absent (a result stored before the check
  // existed) or nothing said: nothing held back.
  [
    'lip-sync check failed while the digits were heard',
    [(s) => (s.lipSync = null)],
    'review',
    ['PROCESSING_FAILED'],
  ],
  [
    'lip-sync check failed, digits uncertain',
    [(s) => (s.lipSync = null), (s) => (s.speech = { decision: 'uncertain' })],
    'review',
    ['DIGITS_UNCERTAIN', 'PROCESSING_FAILED'],
  ],
  ['lip-sync step absent', [(s) => delete s.lipSync], 'approve', []],
  [
    'lip-sync null when nothing was said',
    [(s) => (s.lipSync = null), (s) => (s.speech = { decision: 'no_speech' })],
    'resubmit',
    ['NO_SPEECH'],
  ],
  [
    'mrz unreadable',
    [finding('MRZ_UNREADABLE'), (s) => delete s.document!.identity],
    'resubmit',
    ['MRZ_UNREADABLE'],
  ],
  [
    'mrz unreadable ignores partial identity',
    [finding('MRZ_UNREADABLE'), (s) => (s.document!.identity = { lastName: 'X' })],
    'resubmit',
    ['MRZ_UNREADABLE'],
  ],
  ['check digit', [finding('MRZ_CHECK_DIGIT')], 'review', ['MRZ_CHECK_DIGIT']],
  [
    'card front without its back',
    [finding('MRZ_SIDE_MISSING'), (s) => delete s.document!.identity],
    'resubmit',
    ['MRZ_SIDE_MISSING'],
  ],
  ['ambiguous mrz', [finding('MRZ_AMBIGUOUS')], 'review', ['MRZ_AMBIGUOUS']],
  ['unknown finding', [finding('SOMETHING_NEW')], 'review', ['DOCUMENT_UNVERIFIED']],
  ['no identity and no finding', [(s) => delete s.document!.identity], 'review', ['DOCUMENT_UNVERIFIED']],
  ['expired', [finding('DOCUMENT_EXPIRED')], 'reject', ['DOCUMENT_EXPIRED']],
  ['minor', [finding('APPLICANT_MINOR')], 'reject', ['APPLICANT_MINOR']],
  ['type not allowed', [finding('DOCUMENT_TYPE_NOT_ALLOWED')], 'reject', ['DOCUMENT_TYPE_NOT_ALLOWED']],
  [
    'reject beats review',
    [finding('DOCUMENT_EXPIRED'), face({ similarity: 0.1 })],
    'reject',
    ['DOCUMENT_EXPIRED', 'FACE_MISMATCH'],
  ],
  [
    'review beats resubmit',
    [face({ cardNotSeen: true, similarity: 0.6 })],
    'review',
    ['CARD_NOT_IN_VIDEO', 'FACE_BORDERLINE'],
  ],
  [
    'reject beats resubmit',
    [face({ cardNotSeen: true, similarity: 0.1 })],
    'reject',
    ['CARD_NOT_IN_VIDEO', 'FACE_MISMATCH'],
  ],
  [
    'a clear failure stands when another stage failed',
    [face({ similarity: 0.1 }), (s) => (s.speech = null)],
    'reject',
    ['FACE_MISMATCH', 'PROCESSING_FAILED'],
  ],
  ['other last name', [(s) => (s.declared!.lastName = 'Durand')], 'review', ['NAME_MISMATCH']],
  ['other first name', [(s) => (s.declared!.firstNames = 'Paul')], 'review', ['NAME_MISMATCH']],
  [
    'accents and hyphens',
    [(s) => ((s.declared!.lastName = 'Dùpônt'), (s.document!.identity!.lastName = 'DUPONT'))],
    'approve',
    [],
  ],
  [
    'truncated MRZ surname',
    [
      (s) => (
        (s.declared!.lastName = 'Dupont-Aignan de la Roche'),
        (s.document!.identity!.lastName = 'DUPONT AIGNAN DE LA')
      ),
    ],
    'approve',
    [],
  ],
  ['other birth date', [(s) => (s.declared!.birthDate = '1991-04-12')], 'review', ['BIRTH_DATE_MISMATCH']],
  ['birth date not declared', [(s) => delete s.declared!.birthDate], 'approve', []],
  [
    'no declared identity: names not compared',
    [(s) => delete s.declared, (s) => (s.document!.identity!.lastName = 'OTHER')],
    'approve',
    [],
  ],
  ['document stage failed', [(s) => (s.document = null)], 'review', ['PROCESSING_FAILED']],
  ['face stage failed', [(s) => (s.face = null)], 'review', ['PROCESSING_FAILED']],
  ['speech stage failed', [(s) => (s.speech = null)], 'review', ['PROCESSING_FAILED']],
  [
    'resubmit on attempt 2 of 3',
    [(s) => (s.attempt = 2), (s) => (s.speech = { decision: 'no_speech' })],
    'resubmit',
    ['NO_SPEECH'],
  ],
  [
    'resubmit on last attempt becomes reject',
    [(s) => (s.attempt = 3), (s) => (s.speech = { decision: 'no_speech' })],
    'reject',
    ['ATTEMPTS_EXHAUSTED', 'NO_SPEECH'],
  ],
  ['last attempt clean still approves', [(s) => (s.attempt = 3)], 'approve', []],
];

describe('decide', () => {
  it.each(cases)('%s', (_name, patches, outcome, reasons) => {
    const s = clean();
    for (const p of patches) p(s);
    const d = decide(s, policy);
    expect(d).toEqual({ outcome, reasons, policyVersion: POLICY_VERSION });
  });

  it.each(cases)(
    'REVIEW_ALL sends "%s" to review with the same reasons',
    (_name, patches, _outcome, reasons) => {
      const s = clean();
      for (const p of patches) p(s);
      const d = decide(s, { ...policy, reviewAll: true });
      expect(d.outcome).toBe('review');
      expect(d.reasons).toEqual(reasons);
    },
  );

  it('every reason code has a class and is reachable from the table or policy', () => {
    const seen = new Set(cases.flatMap((c) => c[3]));
    seen.add(processingFailed().reasons[0]!);
    expect(REASON_CODES.filter((c) => !seen.has(c))).toEqual([]);
    for (const c of REASON_CODES) expect(['reject', 'review', 'resubmit']).toContain(REASONS[c]);
  });

  it('is pure: same input, same output, input untouched', () => {
    const s = clean();
    const copy = structuredClone(s);
    expect(decide(s, policy)).toEqual(decide(s, policy));
    expect(s).toEqual(copy);
  });
});

describe('names', () => {
  it.each([
    ["Jean-Noël d'Arc", 'JEAN NOEL DARC'],
    ['  Ærøskøbing ', 'AEROSKOBING'],
    ['Strauß', 'STRAUSS'],
    ['DUPONT<<MARIE', 'DUPONT MARIE'],
  ])('normalises %s', (input, out) => expect(normaliseName(input)).toBe(out));

  it('matches last names modulo case, accents, hyphens and truncation', () => {
    expect(lastNameMatches('Le Gall', 'LE GALL')).toBe(true);
    expect(lastNameMatches('Lé-Gall', 'LE<GALL')).toBe(true);
    expect(lastNameMatches('Le Gall', 'LE GAL')).toBe(true); // truncation
    expect(lastNameMatches('Le', 'LE GALL')).toBe(false);
    expect(lastNameMatches('Martin', 'MA')).toBe(false); // too short to be a truncation
    expect(lastNameMatches('', '')).toBe(false);
  });

  it('matches on the first given name', () => {
    expect(firstNamesMatch('Marie', 'MARIE CLAIRE')).toBe(true);
    expect(firstNamesMatch('Marie-Claire', 'MARIE CLAIRE')).toBe(true);
    expect(firstNamesMatch('Claire', 'MARIE CLAIRE')).toBe(false);
  });
});
