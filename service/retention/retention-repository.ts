// Every SQL statement of the retention area: what is due, purge bookkeeping, legal holds, erasure of personal data.
import type { Queryable } from '../db/index.js';
import type { PurgePolicy } from './policy.js';

export interface RetentionCase {
  id: string;
  status: string;
  legalHold: boolean;
  decidedAt: Date | null;
  mediaPurgedAt: Date | null;
  personalDataErasedAt: Date | null;
}

type CaseDbRow = {
  id: string;
  status: string;
  legal_hold: boolean;
  decided_at: Date | null;
  media_purged_at: Date | null;
  personal_data_erased_at: Date | null;
};
const toDate = (v: unknown): Date | null => (v === null || v === undefined ? null : new Date(v as string));
const toCase = (r: CaseDbRow): RetentionCase => ({
  id: r.id,
  status: r.status,
  legalHold: r.legal_hold,
  decidedAt: toDate(r.decided_at),
  mediaPurgedAt: toDate(r.media_purged_at),
  personalDataErasedAt: toDate(r.personal_data_erased_at),
});

const CASE_COLS = 'id, status, legal_hold, decided_at, media_purged_at, personal_data_erased_at';

export async function lockRetentionCase(q: Queryable, caseId: string): Promise<RetentionCase | undefined> {
  const r = await q.query<CaseDbRow>(`SELECT ${CASE_COLS} FROM cases WHERE id = $1 FOR UPDATE`, [caseId]);
  return r.rows[0] && toCase(r.rows[0]);
}

export async function getRetentionCase(q: Queryable, caseId: string): Promise<RetentionCase | undefined> {
  const r = await q.query<CaseDbRow>(`SELECT ${CASE_COLS} FROM cases WHERE id = $1`, [caseId]);
  return r.rows[0] && toCase(r.rows[0]);
}

/**
 * Final cases decided at or before the cut-off whose media are still there (never in review, never on hold), and
 * whose evidence file exists: the proof is secured before the data it summarises go.
 */
export async function listMediaDue(q: Queryable, decidedBefore: Date, limit: number): Promise<string[]> {
  const r = await q.query<{ id: string }>(
    `SELECT id FROM cases
      WHERE status IN ('approved','rejected','expired') AND decided_at IS NOT NULL AND decided_at <= $1
        AND media_purged_at IS NULL AND NOT legal_hold
        AND EXISTS (SELECT 1 FROM evidence_files e WHERE e.case_id = cases.id)
      ORDER BY decided_at LIMIT $2`,
    [decidedBefore, limit],
  );
  return r.rows.map((x) => x.id);
}

/** Verifications never submitted or abandoned (no final decision) whose link expired at or before the cut-off. */
export async function listUnfinishedDue(q: Queryable, expiredBefore: Date, limit: number): Promise<string[]> {
  const r = await q.query<{ id: string }>(
    `SELECT id FROM cases
      WHERE status IN ('created','resubmission_requested','expired') AND decided_at IS NULL AND expires_at <= $1
        AND (media_purged_at IS NULL OR personal_data_erased_at IS NULL) AND NOT legal_hold
      ORDER BY expires_at LIMIT $2`,
    [expiredBefore, limit],
  );
  return r.rows.map((x) => x.id);
}

/** Storage keys of the case's media not yet purged (uploads and face crops). */
export async function liveMediaKeys(
  q: Queryable,
  caseId: string,
): Promise<Array<{ kind: string; storageKey: string }>> {
  const r = await q.query<{ kind: string; storage_key: string }>(
    'SELECT kind, storage_key FROM media WHERE case_id = $1 AND purged_at IS NULL ORDER BY attempt, kind',
    [caseId],
  );
  return r.rows.map((x) => ({ kind: x.kind, storageKey: x.storage_key }));
}

export async function markMediaPurged(q: Queryable, caseId: string, now: Date): Promise<void> {
  await q.query('UPDATE media SET purged_at = $2 WHERE case_id = $1 AND purged_at IS NULL', [caseId, now]);
  await q.query('UPDATE cases SET media_purged_at = $2, updated_at = now() WHERE id = $1', [caseId, now]);
}

/**
 * Removes what identifies the applicant: declared identity and contact data, the MRZ reading, free-text reviewer
 * notes (they may name the applicant), the applicant link. Reference, status, outcome, reason codes, scores and
 * timestamps stay: the evidence file and the audit trail refer to them.
 */
export async function erasePersonalData(q: Queryable, caseId: string, now: Date): Promise<void> {
  await q.query(
    `UPDATE cases SET applicant = '{"lastName":"","firstNames":"","birthDate":"","email":"","mobile":""}'::jsonb,
       applicant_token_hash = NULL, personal_data_erased_at = $2, updated_at = now()
     WHERE id = $1`,
    [caseId, now],
  );
  await q.query(
    `UPDATE stage_results SET result = (result - 'fields') || jsonb_build_object('signals', COALESCE(result->'signals', '{}'::jsonb) - 'identity')
      WHERE case_id = $1 AND stage = 'document'`,
    [caseId],
  );
  await q.query('UPDATE decisions SET note = NULL WHERE case_id = $1', [caseId]);
  await q.query('UPDATE pending_approvals SET note = NULL WHERE case_id = $1', [caseId]);
  // The letter's opening time stays (proof of receipt); the hashes of who opened it go.
  await q.query('UPDATE letters SET opened_ip_sha256 = NULL, opened_ua_sha256 = NULL WHERE case_id = $1', [
    caseId,
  ]);
}

/** An unfinished verification that is purged can no longer be resumed. */
export async function closeUnfinished(q: Queryable, caseId: string): Promise<void> {
  await q.query(
    `UPDATE cases SET status = 'expired', updated_at = now() WHERE id = $1 AND status IN ('created','resubmission_requested')`,
    [caseId],
  );
}

export async function insertPurgeReceipt(
  q: Queryable,
  r: {
    caseId: string | null;
    policy: PurgePolicy | 'sessions' | 'delivery_logs';
    objects: number;
    auditSeq: number;
    at: Date;
  },
): Promise<void> {
  await q.query(
    'INSERT INTO retention_purges (case_id, policy, objects, audit_seq, purged_at) VALUES ($1,$2,$3,$4,$5)',
    [r.caseId, r.policy, r.objects, r.auditSeq, r.at],
  );
}

/** Cases purged per policy (each case counted once per policy), for the metrics. */
export async function purgedCasesByPolicy(q: Queryable): Promise<Record<string, number>> {
  const r = await q.query<{ policy: string; n: string | number }>(
    `SELECT policy, count(DISTINCT case_id) AS n FROM retention_purges WHERE case_id IS NOT NULL GROUP BY policy`,
  );
  return Object.fromEntries(r.rows.map((x) => [x.policy, Number(x.n)]));
}

export async function countLegalHolds(q: Queryable): Promise<number> {
  const r = await q.query<{ n: string | number }>('SELECT count(*) AS n FROM cases WHERE legal_hold');
  return Number(r.rows[0]?.n ?? 0);
}

export async function setLegalHold(
  q: Queryable,
  caseId: string,
  hold: boolean,
  reason: string | null,
): Promise<boolean> {
  const r = await q.query(
    'UPDATE cases SET legal_hold = $2, legal_hold_reason = $3, updated_at = now() WHERE id = $1',
    [caseId, hold, hold ? reason : null],
  );
  return r.rowCount > 0;
}

/** Evidence files past their retention date (cases on hold excepted). */
export async function listEvidenceDue(
  q: Queryable,
  retainedUntil: Date,
  limit: number,
): Promise<Array<{ id: string; caseId: string; storageKey: string }>> {
  const r = await q.query<{ id: string; case_id: string; storage_key: string }>(
    `SELECT e.id, e.case_id, e.storage_key FROM evidence_files e JOIN cases c ON c.id = e.case_id
      WHERE e.purged_at IS NULL AND e.retain_until <= $1 AND NOT c.legal_hold ORDER BY e.retain_until LIMIT $2`,
    [retainedUntil, limit],
  );
  return r.rows.map((x) => ({ id: x.id, caseId: x.case_id, storageKey: x.storage_key }));
}

/** Whether a case still has an evidence file not purged (its evidence data key must then stay). */
export async function hasLiveEvidence(q: Queryable, caseId: string): Promise<boolean> {
  const r = await q.query('SELECT 1 FROM evidence_files WHERE case_id = $1 AND purged_at IS NULL LIMIT 1', [
    caseId,
  ]);
  return r.rows.length > 0;
}

export async function markEvidencePurged(q: Queryable, id: string, now: Date): Promise<void> {
  await q.query('UPDATE evidence_files SET purged_at = $2 WHERE id = $1', [id, now]);
}

export async function deleteOldSessions(q: Queryable, before: Date): Promise<number> {
  const s = await q.query('DELETE FROM reviewer_sessions WHERE expires_at <= $1', [before]);
  const l = await q.query('DELETE FROM login_attempts WHERE created_at <= $1', [before]);
  return s.rowCount + l.rowCount;
}

export async function deleteOldDeliveryLogs(q: Queryable, before: Date): Promise<number> {
  const o = await q.query(`DELETE FROM outbox WHERE status = 'delivered' AND updated_at <= $1`, [before]);
  const d = await q.query(
    `DELETE FROM deliveries WHERE status IN ('sent','cancelled') AND updated_at <= $1`,
    [before],
  );
  return o.rowCount + d.rowCount;
}
