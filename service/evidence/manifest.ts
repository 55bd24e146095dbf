// The evidence manifest ("dossier de preuve"): everything a third party needs to see why a verification ended
// as it did, without the service's database. Pure: built from the case's rows, no I/O.
// Personal data kept out on purpose: no name, birth date, contact data or MRZ reading (the business service
// holds the identity; `reference` links the two); media appear as sha256 digests only.
import type { AuditRecord } from '../audit/audit-repository.js';

export const MANIFEST_FORMAT = 'idv-evidence-manifest/1';

export interface ManifestCheck {
  stage: string;
  /** `ok`: the stage ran; `failed`: it failed after its last retry. */
  status: 'ok' | 'failed';
  /** The stage's verdict (document status, face decision, speech decision, policy outcome). */
  result: string | null;
  /** The stage's score: face similarity (0..1), speech confidence (0..1); null where none applies. */
  score: number | null;
  details: Record<string, unknown>;
}

export interface ManifestMedia {
  kind: string;
  mime: string;
  sizeBytes: number;
  /** sha256 of the plaintext bytes as uploaded or produced. */
  sha256: string;
  createdAt: string;
}

export interface ManifestAttempt {
  attempt: number;
  challenge: {
    digits: string;
    lang: string;
    issuedAt: string | null;
    expiresAt: string;
    usedAt: string | null;
  } | null;
  /**
   * What the speech check heard: `restsOn` is the digit string the verdict rests on (the segments' digits: the
   * challenge located in the audio when it matched, else the free decode), `recognised` the free decode.
   */
  transcript: {
    restsOn: string;
    recognised: string;
    segments: Array<{ digit: string; startSec: number; endSec: number; score: number | null }>;
  } | null;
  checks: ManifestCheck[];
  media: ManifestMedia[];
}

export interface ManifestDecision {
  id: string;
  attempt: number;
  source: string;
  outcome: string;
  reasons: string[];
  policyVersion: string | null;
  reviewerId: string | null;
  /** A free-text note exists (its text stays in the service: it may name the applicant). */
  withNote: boolean;
  at: string;
}

export interface EvidenceManifest {
  format: typeof MANIFEST_FORMAT;
  case: {
    id: string;
    reference: string;
    lang: string;
    status: string;
    outcome: string | null;
    reasons: string[];
    attempts: number;
    createdAt: string;
    submittedAt: string | null;
    reviewDeadline: string | null;
    decidedAt: string | null;
  };
  /** Policy version of the decision the outcome rests on. */
  policyVersion: string | null;
  /** The decision this file was built for (the last final one). */
  decisionId: string;
  timeline: Array<{ at: string; event: string; actor: string | null }>;
  attempts: ManifestAttempt[];
  decisions: ManifestDecision[];
  /** The case's audit entries with their chain hashes (each re-hashable offline; the chain's links in between
   * belong to other cases and are not included). */
  audit: AuditRecord[];
  generatedAt: string;
  retainUntil: string;
}

/** Rows the builder reads (service/evidence/evidence-repository.ts loads them). */
export interface CaseRecord {
  case: {
    id: string;
    reference: string;
    lang: string;
    status: string;
    outcome: string | null;
    reasons: string[];
    attempt: number;
    createdAt: Date;
    submittedAt: Date | null;
    reviewDeadline: Date | null;
    decidedAt: Date | null;
  };
  challenges: Array<{
    attempt: number;
    digits: string;
    lang: string;
    createdAt: Date | null;
    expiresAt: Date;
    usedAt: Date | null;
  }>;
  stageResults: Array<{
    attempt: number;
    stage: string;
    status: 'ok' | 'failed';
    result: unknown;
    createdAt: Date;
  }>;
  media: Array<{
    attempt: number;
    kind: string;
    mime: string;
    sizeBytes: number;
    sha256: string;
    createdAt: Date;
  }>;
  decisions: Array<{
    id: string;
    attempt: number;
    source: string;
    outcome: string;
    reasons: string[];
    policyVersion: string | null;
    reviewerId: string | null;
    hasNote: boolean;
    createdAt: Date;
  }>;
  audit: AuditRecord[];
}

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);
const obj = (v: unknown): Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** The verdict, score and non-personal details of one stage result (shapes from service/pipeline/engines). */
export function summariseStage(stage: string, status: 'ok' | 'failed', raw: unknown): ManifestCheck {
  const r = obj(raw);
  const signals = obj(r.signals);
  const base = { stage, status };
  if (status === 'failed')
    return { ...base, result: null, score: null, details: { error: str(r.error) ?? str(r.message) } };
  switch (stage) {
    case 'document': {
      const findings = Array.isArray(r.findings)
        ? r.findings.map((f) => str(obj(f).code)).filter(Boolean)
        : [];
      return {
        ...base,
        result: str(r.status),
        score: null,
        details: { documentType: str(r.documentType), findings },
      };
    }
    case 'face': {
      const card = obj(r.cardInVideo);
      return {
        ...base,
        result: str(r.decision),
        score: num(signals.similarity),
        details: {
          noFace: signals.noFace ?? null,
          faceTooSmall: signals.faceTooSmall ?? null,
          multiplePeople: signals.multiplePeople ?? null,
          staticVideo: signals.staticVideo ?? null,
          cardNotSeen: signals.cardNotSeen ?? null,
          cardInVideoSimilarity: num(card.similarity),
        },
      };
    }
    case 'speech':
      return { ...base, result: str(signals.decision), score: num(r.confidence), details: {} };
    case 'decide':
      return {
        ...base,
        result: str(r.outcome),
        score: null,
        details: { reasons: Array.isArray(r.reasons) ? r.reasons : [], policyVersion: str(r.policyVersion) },
      };
    case 'ingest': {
      const video = obj(r.video);
      return { ...base, result: 'ok', score: null, details: { durationSec: num(video.durationSec) } };
    }
    default:
      return { ...base, result: null, score: null, details: {} };
  }
}

function transcriptOf(raw: unknown): ManifestAttempt['transcript'] {
  const r = obj(raw);
  if (typeof r.recognised !== 'string') return null;
  const segments = Array.isArray(r.segments)
    ? r.segments.map((s) => {
        const o = obj(s);
        return {
          digit: String(o.digit ?? ''),
          startSec: num(o.startSec) ?? 0,
          endSec: num(o.endSec) ?? 0,
          score: num(o.score),
        };
      })
    : [];
  return { restsOn: segments.map((s) => s.digit).join(''), recognised: r.recognised, segments };
}

const STAGE_ORDER = ['ingest', 'document', 'face', 'speech', 'decide'];

export function buildManifest(
  rec: CaseRecord,
  decisionId: string,
  now: Date,
  retainUntil: Date,
): EvidenceManifest {
  const c = rec.case;
  const decision = rec.decisions.find((d) => d.id === decisionId);
  const attempts: ManifestAttempt[] = [];
  for (let a = 1; a <= c.attempt; a++) {
    const ch = rec.challenges.find((x) => x.attempt === a);
    const stages = rec.stageResults
      .filter((s) => s.attempt === a)
      .sort((x, y) => STAGE_ORDER.indexOf(x.stage) - STAGE_ORDER.indexOf(y.stage));
    const speech = stages.find((s) => s.stage === 'speech' && s.status === 'ok');
    attempts.push({
      attempt: a,
      challenge: ch
        ? {
            digits: ch.digits,
            lang: ch.lang,
            issuedAt: iso(ch.createdAt),
            expiresAt: ch.expiresAt.toISOString(),
            usedAt: iso(ch.usedAt),
          }
        : null,
      transcript: speech ? transcriptOf(speech.result) : null,
      checks: stages.map((s) => summariseStage(s.stage, s.status, s.result)),
      media: rec.media
        .filter((m) => m.attempt === a)
        .map((m) => ({
          kind: m.kind,
          mime: m.mime,
          sizeBytes: m.sizeBytes,
          sha256: m.sha256,
          createdAt: m.createdAt.toISOString(),
        })),
    });
  }
  const timeline: EvidenceManifest['timeline'] = [
    { at: c.createdAt.toISOString(), event: 'verification.created', actor: 'service' },
    ...rec.audit.map((e) => ({
      at: e.createdAt,
      event: e.action,
      actor: e.actorId ? `${e.actorType}:${e.actorId}` : e.actorType,
    })),
    ...rec.decisions.map((d) => ({
      at: d.createdAt.toISOString(),
      event: `decision.${d.outcome}`,
      actor: d.reviewerId ? `reviewer:${d.reviewerId}` : d.source,
    })),
  ];
  if (c.submittedAt)
    timeline.push({ at: c.submittedAt.toISOString(), event: 'verification.submitted', actor: 'applicant' });
  timeline.sort((x, y) => (x.at < y.at ? -1 : x.at > y.at ? 1 : 0));
  return {
    format: MANIFEST_FORMAT,
    case: {
      id: c.id,
      reference: c.reference,
      lang: c.lang,
      status: c.status,
      outcome: c.outcome,
      reasons: c.reasons,
      attempts: c.attempt,
      createdAt: c.createdAt.toISOString(),
      submittedAt: iso(c.submittedAt),
      reviewDeadline: iso(c.reviewDeadline),
      decidedAt: iso(c.decidedAt),
    },
    policyVersion: decision?.policyVersion ?? null,
    decisionId,
    timeline,
    attempts,
    decisions: rec.decisions.map((d) => ({
      id: d.id,
      attempt: d.attempt,
      source: d.source,
      outcome: d.outcome,
      reasons: d.reasons,
      policyVersion: d.policyVersion,
      reviewerId: d.reviewerId,
      withNote: d.hasNote,
      at: d.createdAt.toISOString(),
    })),
    audit: rec.audit,
    generatedAt: now.toISOString(),
    retainUntil: retainUntil.toISOString(),
  };
}
