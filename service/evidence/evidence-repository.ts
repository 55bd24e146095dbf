// Every SQL statement of the evidence area: the rows an evidence file is built from, and the evidence_files table.
import type { Queryable } from '../db/index.js';
import { caseAudit } from '../audit/audit-repository.js';
import type { CaseRecord } from './manifest.js';

const toDate = (v: unknown): Date => (v instanceof Date ? v : new Date(String(v)));
const toDateOrNull = (v: unknown): Date | null => (v === null || v === undefined ? null : toDate(v));

export const FINAL_CASE_STATUSES = ['approved', 'rejected', 'expired'] as const;
const FINAL_OUTCOMES = ['approve', 'reject', 'expire'];

export async function loadCaseRecord(q: Queryable, caseId: string): Promise<CaseRecord | undefined> {
  const c = (
    await q.query<{
      id: string;
      reference: string;
      lang: string;
      status: string;
      outcome: string | null;
      reasons: string[] | null;
      attempt: number;
      created_at: Date;
      submitted_at: Date | null;
      review_deadline: Date | null;
      decided_at: Date | null;
    }>(
      `SELECT id, reference, lang, status, outcome, reasons, attempt, created_at, submitted_at, review_deadline, decided_at
         FROM cases WHERE id = $1`,
      [caseId],
    )
  ).rows[0];
  if (!c) return undefined;
  const challenges = await q.query<{
    attempt: number;
    digits: string;
    lang: string;
    created_at: Date | null;
    expires_at: Date;
    used_at: Date | null;
  }>(
    'SELECT attempt, digits, lang, created_at, expires_at, used_at FROM challenges WHERE case_id = $1 ORDER BY attempt',
    [caseId],
  );
  const stages = await q.query<{
    attempt: number;
    stage: string;
    status: 'ok' | 'failed';
    result: unknown;
    created_at: Date;
  }>(
    'SELECT attempt, stage, status, result, created_at FROM stage_results WHERE case_id = $1 ORDER BY attempt, created_at',
    [caseId],
  );
  const media = await q.query<{
    attempt: number;
    kind: string;
    mime: string;
    size_bytes: string | number;
    sha256: string;
    created_at: Date;
  }>(
    'SELECT attempt, kind, mime, size_bytes, sha256, created_at FROM media WHERE case_id = $1 ORDER BY attempt, kind',
    [caseId],
  );
  const decisions = await q.query<{
    id: string | number;
    attempt: number;
    source: string;
    outcome: string;
    reasons: string[] | null;
    policy_version: string | null;
    reviewer_id: string | null;
    has_note: boolean;
    created_at: Date;
  }>(
    `SELECT id, attempt, source, outcome, reasons, policy_version, reviewer_id, (note IS NOT NULL) AS has_note, created_at
       FROM decisions WHERE case_id = $1 ORDER BY id`,
    [caseId],
  );
  return {
    case: {
      id: c.id,
      reference: c.reference,
      lang: c.lang,
      status: c.status,
      outcome: c.outcome,
      reasons: c.reasons ?? [],
      attempt: c.attempt,
      createdAt: toDate(c.created_at),
      submittedAt: toDateOrNull(c.submitted_at),
      reviewDeadline: toDateOrNull(c.review_deadline),
      decidedAt: toDateOrNull(c.decided_at),
    },
    challenges: challenges.rows.map((x) => ({
      attempt: x.attempt,
      digits: x.digits,
      lang: x.lang,
      createdAt: toDateOrNull(x.created_at),
      expiresAt: toDate(x.expires_at),
      usedAt: toDateOrNull(x.used_at),
    })),
    stageResults: stages.rows.map((x) => ({
      attempt: x.attempt,
      stage: x.stage,
      status: x.status,
      result: x.result,
      createdAt: toDate(x.created_at),
    })),
    media: media.rows.map((x) => ({
      attempt: x.attempt,
      kind: x.kind,
      mime: x.mime,
      sizeBytes: Number(x.size_bytes),
      sha256: x.sha256,
      createdAt: toDate(x.created_at),
    })),
    decisions: decisions.rows.map((x) => ({
      id: String(x.id),
      attempt: x.attempt,
      source: x.source,
      outcome: x.outcome,
      reasons: x.reasons ?? [],
      policyVersion: x.policy_version,
      reviewerId: x.reviewer_id,
      hasNote: x.has_note,
      createdAt: toDate(x.created_at),
    })),
    audit: await caseAudit(q, caseId),
  };
}

/** The last decision that ended the case (approve, reject, expire). */
export function finalDecisionId(rec: CaseRecord): string | undefined {
  return [...rec.decisions].reverse().find((d) => FINAL_OUTCOMES.includes(d.outcome))?.id;
}

export interface EvidenceFileRow {
  id: string;
  caseId: string;
  decisionId: string;
  keyId: string;
  storageKey: string;
  sha256: string;
  sizeBytes: number;
  retainUntil: Date;
  purgedAt: Date | null;
  createdAt: Date;
}

type Row = {
  id: string;
  case_id: string;
  decision_id: string | number;
  key_id: string;
  storage_key: string;
  sha256: string;
  size_bytes: number;
  retain_until: Date;
  purged_at: Date | null;
  created_at: Date;
};
const toRow = (r: Row): EvidenceFileRow => ({
  id: r.id,
  caseId: r.case_id,
  decisionId: String(r.decision_id),
  keyId: r.key_id,
  storageKey: r.storage_key,
  sha256: r.sha256,
  sizeBytes: r.size_bytes,
  retainUntil: toDate(r.retain_until),
  purgedAt: toDateOrNull(r.purged_at),
  createdAt: toDate(r.created_at),
});

/** Inserts unless a file for this decision exists; returns the row that is stored (ours or the earlier one). */
export async function insertEvidenceFile(
  q: Queryable,
  r: Omit<EvidenceFileRow, 'purgedAt'>,
): Promise<{ row: EvidenceFileRow; inserted: boolean }> {
  const ins = await q.query<Row>(
    `INSERT INTO evidence_files (id, case_id, decision_id, key_id, storage_key, sha256, size_bytes, retain_until, created_at)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) ON CONFLICT (case_id, decision_id) DO NOTHING RETURNING *`,
    [r.id, r.caseId, r.decisionId, r.keyId, r.storageKey, r.sha256, r.sizeBytes, r.retainUntil, r.createdAt],
  );
  if (ins.rows[0]) return { row: toRow(ins.rows[0]), inserted: true };
  const existing = await evidenceForDecision(q, r.caseId, r.decisionId);
  return { row: existing!, inserted: false };
}

export async function evidenceForDecision(
  q: Queryable,
  caseId: string,
  decisionId: string,
): Promise<EvidenceFileRow | undefined> {
  const r = await q.query<Row>('SELECT * FROM evidence_files WHERE case_id = $1 AND decision_id = $2', [
    caseId,
    decisionId,
  ]);
  return r.rows[0] && toRow(r.rows[0]);
}

export async function latestEvidence(q: Queryable, caseId: string): Promise<EvidenceFileRow | undefined> {
  const r = await q.query<Row>(
    'SELECT * FROM evidence_files WHERE case_id = $1 ORDER BY decision_id DESC LIMIT 1',
    [caseId],
  );
  return r.rows[0] && toRow(r.rows[0]);
}

export async function listEvidence(q: Queryable, caseId: string): Promise<EvidenceFileRow[]> {
  const r = await q.query<Row>('SELECT * FROM evidence_files WHERE case_id = $1 ORDER BY decision_id', [
    caseId,
  ]);
  return r.rows.map(toRow);
}

/** Storage keys of the evidence files kept (not purged): objects of the media store that no media row names. */
export async function listEvidenceStorageKeys(q: Queryable): Promise<Array<{ key: string; caseId: string }>> {
  const r = await q.query<{ storage_key: string; case_id: string }>(
    'SELECT storage_key, case_id FROM evidence_files WHERE purged_at IS NULL',
  );
  return r.rows.map((x) => ({ key: x.storage_key, caseId: x.case_id }));
}

/** Final cases with no evidence file for their last decision (the outbox builds them; this is the safety net). */
export async function listFinalCasesWithoutEvidence(q: Queryable, limit = 100): Promise<string[]> {
  const r = await q.query<{ id: string }>(
    `SELECT c.id FROM cases c
      WHERE c.status IN ('approved','rejected','expired') AND c.decided_at IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM evidence_files e WHERE e.case_id = c.id)
        AND EXISTS (SELECT 1 FROM decisions d WHERE d.case_id = c.id)
      ORDER BY c.decided_at LIMIT $1`,
    [limit],
  );
  return r.rows.map((x) => x.id);
}
