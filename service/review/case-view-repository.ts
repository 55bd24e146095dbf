// Everything the case page shows, read in one place. Declared identity is limited to what the reviewer
// compares (names, birth date): contact details stay out of the console.
import type { Queryable } from '../db/index.js';
import { caseAudit, type AuditRecord } from '../audit/audit-repository.js';
import { isAtRisk, workingHoursBetween, type SlaPolicy } from './calendar.js';
import { FOUR_EYES_REASONS } from './decide.js';
import { ReviewError } from './errors.js';

export interface CaseDetail {
  caseId: string;
  reference: string;
  status: string;
  lang: string;
  attempt: number;
  reasons: string[];
  submittedAt: string | null;
  deadline: string | null;
  workingHoursLeft: number | null;
  atRisk: boolean;
  declared: { lastName: string | null; firstNames: string | null; birthDate: string | null };
  challengeDigits: string | null;
  media: Array<{ kind: string; mime: string; sizeBytes: number; capture: Record<string, unknown> | null }>;
  /** Stage results of the current attempt, as written by the pipeline (document, face, speech, decide, ...). */
  stages: Record<string, { status: string; result: unknown; durationMs: number | null }>;
  decisions: Array<{
    source: string;
    outcome: string;
    reasons: string[];
    reviewerId: string | null;
    note: string | null;
    attempt: number;
    at: string;
  }>;
  audit: Array<Pick<AuditRecord, 'seq' | 'actorType' | 'actorId' | 'action' | 'details' | 'createdAt'>>;
  lease: { reviewerId: string; expiresAt: string; claimedAt: string } | null;
  /**
   * Four-eyes process of the current attempt: `not_required`, `first_approval` (an approval will be the first of
   * two), `second_approval` (the first approval is given; a supervisor other than its author must approve).
   */
  fourEyes: {
    required: boolean;
    stage: 'not_required' | 'first_approval' | 'second_approval';
    firstApproverId: string | null;
    firstApprovedAt: string | null;
  };
}

export async function loadCaseDetail(
  db: Queryable,
  caseId: string,
  policy: SlaPolicy,
  now = new Date(),
): Promise<CaseDetail> {
  const c = (
    await db.query<{
      id: string;
      reference: string;
      status: string;
      lang: string;
      attempt: number;
      reasons: string[];
      applicant: Record<string, unknown>;
      submitted_at: Date | null;
      review_deadline: Date | null;
    }>(
      'SELECT id, reference, status, lang, attempt, reasons, applicant, submitted_at, review_deadline FROM cases WHERE id = $1',
      [caseId],
    )
  ).rows[0];
  if (!c) throw new ReviewError('case_not_found', 'No such case');
  const [media, stages, decisions, lease, pending, challenge, audit] = await Promise.all([
    db.query<{
      kind: string;
      mime: string;
      size_bytes: string | number;
      capture: Record<string, unknown> | null;
    }>(
      'SELECT kind, mime, size_bytes, capture FROM media WHERE case_id = $1 AND attempt = $2 ORDER BY kind',
      [c.id, c.attempt],
    ),
    db.query<{ stage: string; status: string; result: unknown; duration_ms: number | null }>(
      'SELECT stage, status, result, duration_ms FROM stage_results WHERE case_id = $1 AND attempt = $2',
      [c.id, c.attempt],
    ),
    db.query<{
      source: string;
      outcome: string;
      reasons: string[];
      reviewer_id: string | null;
      note: string | null;
      attempt: number;
      created_at: Date;
    }>(
      'SELECT source, outcome, reasons, reviewer_id, note, attempt, created_at FROM decisions WHERE case_id = $1 ORDER BY id',
      [c.id],
    ),
    db.query<{ reviewer_id: string; expires_at: Date; claimed_at: Date }>(
      'SELECT reviewer_id, expires_at, claimed_at FROM review_leases WHERE case_id = $1 AND expires_at > $2',
      [c.id, now],
    ),
    db.query<{ reviewer_id: string; created_at: Date | null }>(
      'SELECT reviewer_id, created_at FROM pending_approvals WHERE case_id = $1 AND attempt = $2',
      [c.id, c.attempt],
    ),
    db.query<{ digits: string }>('SELECT digits FROM challenges WHERE case_id = $1 AND attempt = $2', [
      c.id,
      c.attempt,
    ]),
    caseAudit(db, c.id),
  ]);
  const deadline = c.review_deadline ? new Date(c.review_deadline) : null;
  const str = (v: unknown) => (typeof v === 'string' ? v : null);
  return {
    caseId: c.id,
    reference: c.reference,
    status: c.status,
    lang: c.lang,
    attempt: c.attempt,
    reasons: c.reasons ?? [],
    submittedAt: c.submitted_at ? new Date(c.submitted_at).toISOString() : null,
    deadline: deadline?.toISOString() ?? null,
    workingHoursLeft: deadline ? Math.round(workingHoursBetween(now, deadline) * 100) / 100 : null,
    atRisk: deadline && c.status === 'in_review' ? isAtRisk(now, deadline, policy) : false,
    declared: {
      lastName: str(c.applicant.lastName),
      firstNames: str(c.applicant.firstNames),
      birthDate: str(c.applicant.birthDate),
    },
    challengeDigits: challenge.rows[0]?.digits ?? null,
    media: media.rows.map((m) => ({
      kind: m.kind,
      mime: m.mime,
      sizeBytes: Number(m.size_bytes),
      capture: m.capture ?? null,
    })),
    stages: Object.fromEntries(
      stages.rows.map((s) => [s.stage, { status: s.status, result: s.result, durationMs: s.duration_ms }]),
    ),
    decisions: decisions.rows.map((d) => ({
      source: d.source,
      outcome: d.outcome,
      reasons: d.reasons ?? [],
      reviewerId: d.reviewer_id,
      note: d.note,
      attempt: d.attempt,
      at: new Date(d.created_at).toISOString(),
    })),
    audit: audit.map(({ seq, actorType, actorId, action, details, createdAt }) => ({
      seq,
      actorType,
      actorId,
      action,
      details,
      createdAt,
    })),
    lease: lease.rows[0]
      ? {
          reviewerId: lease.rows[0].reviewer_id,
          expiresAt: new Date(lease.rows[0].expires_at).toISOString(),
          claimedAt: new Date(lease.rows[0].claimed_at).toISOString(),
        }
      : null,
    fourEyes: fourEyesOf(c.reasons ?? [], pending.rows[0]),
  };
}

function fourEyesOf(
  reasons: string[],
  pending: { reviewer_id: string; created_at: Date | null } | undefined,
): CaseDetail['fourEyes'] {
  const required = reasons.some((r) => FOUR_EYES_REASONS.includes(r));
  return {
    required,
    stage: !required ? 'not_required' : pending ? 'second_approval' : 'first_approval',
    firstApproverId: pending?.reviewer_id ?? null,
    firstApprovedAt: pending?.created_at ? new Date(pending.created_at).toISOString() : null,
  };
}

/** Storage key and type of one medium of the current attempt. */
export async function mediaOf(
  db: Queryable,
  caseId: string,
  kind: string,
): Promise<{ key: string; mime: string; size: number } | null> {
  const r = await db.query<{ storage_key: string; mime: string; size_bytes: string | number }>(
    `SELECT m.storage_key, m.mime, m.size_bytes FROM media m JOIN cases c ON c.id = m.case_id AND c.attempt = m.attempt
      WHERE m.case_id = $1 AND m.kind = $2`,
    [caseId, kind],
  );
  const m = r.rows[0];
  return m ? { key: m.storage_key, mime: m.mime, size: Number(m.size_bytes) } : null;
}
