// Cases and challenges: creation, lookup by applicant token, status changes.
import { randomUUID } from 'node:crypto';
import type { Queryable } from '../db/index.js';
import type {
  Applicant,
  CaseRow,
  CaseStatus,
  ChallengeRow,
  DeclaredDocumentType,
  Lang,
  Stage,
  StageProgress,
} from './types.js';

interface CaseDbRow {
  id: string;
  reference: string;
  status: CaseStatus;
  lang: Lang;
  applicant: Applicant;
  attempt: number;
  expires_at: Date;
  submitted_at: Date | null;
  review_deadline: Date | null;
  decided_at: Date | null;
  outcome: string | null;
  reasons: string[];
  progress: CaseRow['progress'];
  created_at: Date;
  declared_document_type: DeclaredDocumentType | null;
}

const toDate = (v: unknown): Date | null =>
  v === null || v === undefined ? null : v instanceof Date ? v : new Date(String(v));

function toCase(r: CaseDbRow): CaseRow {
  return {
    id: r.id,
    reference: r.reference,
    status: r.status,
    lang: r.lang,
    applicant: r.applicant,
    attempt: r.attempt,
    expiresAt: toDate(r.expires_at)!,
    submittedAt: toDate(r.submitted_at),
    reviewDeadline: toDate(r.review_deadline),
    decidedAt: toDate(r.decided_at),
    outcome: r.outcome,
    reasons: r.reasons ?? [],
    progress: r.progress ?? {},
    createdAt: toDate(r.created_at)!,
    declaredDocumentType: r.declared_document_type ?? null,
  };
}

export interface NewCase {
  reference: string;
  lang: Lang;
  applicant: Applicant;
  tokenHash: string;
  expiresAt: Date;
  /** The document type the business service expects, when it says (the applicant's choice replaces it). */
  declaredDocumentType?: DeclaredDocumentType;
}

export async function insertCase(q: Queryable, c: NewCase): Promise<CaseRow> {
  const id = randomUUID();
  const r = await q.query<CaseDbRow>(
    `INSERT INTO cases (id, reference, status, lang, applicant, applicant_token_hash, expires_at,
       declared_document_type)
     VALUES ($1, $2, 'created', $3, $4, $5, $6, $7) RETURNING *`,
    [
      id,
      c.reference,
      c.lang,
      JSON.stringify(c.applicant),
      c.tokenHash,
      c.expiresAt,
      c.declaredDocumentType ?? null,
    ],
  );
  return toCase(r.rows[0]!);
}

/** The document type the applicant chose in the app (photo pre-check, submit): replaces the one declared before. */
export async function setDeclaredDocumentType(
  q: Queryable,
  id: string,
  type: DeclaredDocumentType,
): Promise<void> {
  await q.query(
    `UPDATE cases SET declared_document_type = $2, updated_at = now()
     WHERE id = $1 AND declared_document_type IS DISTINCT FROM $2`,
    [id, type],
  );
}

export async function getCase(q: Queryable, id: string): Promise<CaseRow | undefined> {
  const r = await q.query<CaseDbRow>('SELECT * FROM cases WHERE id = $1', [id]);
  return r.rows[0] && toCase(r.rows[0]);
}

/** Row lock for a state change inside a transaction. */
export async function lockCase(q: Queryable, id: string): Promise<CaseRow | undefined> {
  const r = await q.query<CaseDbRow>('SELECT * FROM cases WHERE id = $1 FOR UPDATE', [id]);
  return r.rows[0] && toCase(r.rows[0]);
}

export async function findCaseByTokenHash(q: Queryable, hash: string): Promise<CaseRow | undefined> {
  const r = await q.query<CaseDbRow>('SELECT * FROM cases WHERE applicant_token_hash = $1', [hash]);
  return r.rows[0] && toCase(r.rows[0]);
}

export async function setStatus(
  q: Queryable,
  id: string,
  status: CaseStatus,
  extra: { submittedAt?: Date; resetProgress?: boolean } = {},
): Promise<void> {
  await q.query(
    `UPDATE cases SET status = $2, updated_at = now(),
       submitted_at = COALESCE($3, submitted_at),
       progress = CASE WHEN $4 THEN '{}'::jsonb ELSE progress END
     WHERE id = $1`,
    [id, status, extra.submittedAt ?? null, extra.resetProgress ?? false],
  );
}

/** Merges one stage's progress into the case (jsonb merge: concurrent stages do not overwrite each other). */
export async function setStageProgress(
  q: Queryable,
  id: string,
  stage: Stage,
  p: StageProgress,
): Promise<void> {
  await q.query(
    `UPDATE cases SET progress = progress || jsonb_build_object($2::text, $3::jsonb), updated_at = now() WHERE id = $1`,
    [id, stage, JSON.stringify(p)],
  );
}

export async function expireStaleCases(q: Queryable, now: Date): Promise<number> {
  const r = await q.query(
    `UPDATE cases SET status = 'expired', updated_at = now()
     WHERE status IN ('created','resubmission_requested') AND expires_at <= $1`,
    [now],
  );
  return r.rowCount;
}

export async function insertChallenge(q: Queryable, c: Omit<ChallengeRow, 'usedAt'>): Promise<void> {
  await q.query(
    `INSERT INTO challenges (id, case_id, attempt, digits, lang, expires_at) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (case_id, attempt) DO UPDATE SET digits = EXCLUDED.digits, lang = EXCLUDED.lang, expires_at = EXCLUDED.expires_at, used_at = NULL`,
    [randomUUID(), c.caseId, c.attempt, c.digits, c.lang, c.expiresAt],
  );
}

export async function getChallenge(
  q: Queryable,
  caseId: string,
  attempt: number,
): Promise<ChallengeRow | undefined> {
  const r = await q.query<{
    case_id: string;
    attempt: number;
    digits: string;
    lang: Lang;
    expires_at: Date;
    used_at: Date | null;
  }>('SELECT * FROM challenges WHERE case_id = $1 AND attempt = $2', [caseId, attempt]);
  const c = r.rows[0];
  return (
    c && {
      caseId: c.case_id,
      attempt: c.attempt,
      digits: c.digits,
      lang: c.lang,
      expiresAt: toDate(c.expires_at)!,
      usedAt: toDate(c.used_at),
    }
  );
}

export async function markChallengeUsed(q: Queryable, caseId: string, attempt: number): Promise<void> {
  await q.query('UPDATE challenges SET used_at = now() WHERE case_id = $1 AND attempt = $2', [
    caseId,
    attempt,
  ]);
}

/** Cases left in `processing` (for the recovery sweep after a crash). */
export async function listProcessing(
  q: Queryable,
  olderThan: Date,
): Promise<Array<{ id: string; attempt: number }>> {
  const r = await q.query<{ id: string; attempt: number }>(
    `SELECT id, attempt FROM cases WHERE status = 'processing' AND updated_at < $1 ORDER BY submitted_at`,
    [olderThan],
  );
  return r.rows;
}

/** Replaces the digits of a case's challenges (load tests and benchmarks replay recorded videos). */
export async function setChallengeDigits(q: Queryable, caseId: string, digits: string): Promise<void> {
  await q.query('UPDATE challenges SET digits = $1 WHERE case_id = $2', [digits, caseId]);
}

/** A case's status, submission time and latest decision time (benchmarks and load tests wait on it). */
export async function decisionTiming(
  q: Queryable,
  caseId: string,
): Promise<{ status: CaseStatus; submittedAt: Date | null; decidedAt: Date | null } | undefined> {
  const r = await q.query<{ status: CaseStatus; submitted_at: Date | null; decided: Date | null }>(
    `SELECT c.status, c.submitted_at, (SELECT max(created_at) FROM decisions d WHERE d.case_id = c.id) AS decided FROM cases c WHERE c.id = $1`,
    [caseId],
  );
  const x = r.rows[0];
  return x && { status: x.status, submittedAt: toDate(x.submitted_at), decidedAt: toDate(x.decided) };
}
