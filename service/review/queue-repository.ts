// The review queue: cases in review, most urgent deadline first, with filters.
import type { Queryable } from '../db/index.js';
import { isAtRisk, workingHoursBetween, type SlaPolicy } from './calendar.js';

export interface QueueFilters {
  reason?: string;
  lang?: 'fr' | 'en';
  docType?: string;
  atRisk?: boolean;
  /** Only cases waiting for a supervisor's second approval. */
  awaitingSecondApproval?: boolean;
}

export interface QueueItem {
  caseId: string;
  reference: string;
  lang: string;
  attempt: number;
  reasons: string[];
  docType: string | null;
  submittedAt: string | null;
  deadline: string | null;
  /** Working hours left before the deadline (negative once passed). */
  workingHoursLeft: number | null;
  atRisk: boolean;
  claimedBy: string | null;
  claimExpiresAt: string | null;
  awaitingSecondApproval: boolean;
}

/** Where the document type sits in the document stage result (one place, so a shape change is one edit). */
/** The document type of the stored document stage result (contracts/stage-results.ts). */
export const DOC_TYPE_SQL = `doc.result->>'documentType'`;

interface Row {
  id: string;
  reference: string;
  lang: string;
  attempt: number;
  reasons: string[];
  doc_type: string | null;
  submitted_at: Date | null;
  review_deadline: Date | null;
  lease_reviewer: string | null;
  lease_expires: Date | null;
  first_approver: string | null;
}

export async function listQueue(
  db: Queryable,
  filters: QueueFilters,
  policy: SlaPolicy,
  now = new Date(),
  limit = 200,
): Promise<QueueItem[]> {
  const where = [`c.status = 'in_review'`];
  const params: unknown[] = [now];
  if (filters.reason) {
    params.push(filters.reason);
    where.push(`$${params.length} = ANY(c.reasons)`);
  }
  if (filters.lang) {
    params.push(filters.lang);
    where.push(`c.lang = $${params.length}`);
  }
  if (filters.docType) {
    params.push(filters.docType);
    where.push(`${DOC_TYPE_SQL} = $${params.length}`);
  }
  if (filters.awaitingSecondApproval) where.push('pa.reviewer_id IS NOT NULL');
  const { rows } = await db.query<Row>(
    `SELECT c.id, c.reference, c.lang, c.attempt, c.reasons, ${DOC_TYPE_SQL} AS doc_type, c.submitted_at, c.review_deadline,
            l.reviewer_id AS lease_reviewer, l.expires_at AS lease_expires, pa.reviewer_id AS first_approver
       FROM cases c
       LEFT JOIN stage_results doc ON doc.case_id = c.id AND doc.attempt = c.attempt AND doc.stage = 'document'
       LEFT JOIN review_leases l ON l.case_id = c.id AND l.expires_at > $1
       LEFT JOIN pending_approvals pa ON pa.case_id = c.id AND pa.attempt = c.attempt
      WHERE ${where.join(' AND ')}
      ORDER BY c.review_deadline ASC NULLS LAST, c.submitted_at ASC
      LIMIT 2000`,
    params,
  );
  const items = rows.map((r): QueueItem => {
    const deadline = r.review_deadline ? new Date(r.review_deadline) : null;
    return {
      caseId: r.id,
      reference: r.reference,
      lang: r.lang,
      attempt: r.attempt,
      reasons: r.reasons ?? [],
      docType: r.doc_type,
      submittedAt: r.submitted_at ? new Date(r.submitted_at).toISOString() : null,
      deadline: deadline?.toISOString() ?? null,
      workingHoursLeft: deadline ? Math.round(workingHoursBetween(now, deadline) * 100) / 100 : null,
      atRisk: deadline ? isAtRisk(now, deadline, policy) : false,
      claimedBy: r.lease_reviewer,
      claimExpiresAt: r.lease_expires ? new Date(r.lease_expires).toISOString() : null,
      awaitingSecondApproval: r.first_approver !== null,
    };
  });
  return (filters.atRisk ? items.filter((i) => i.atRisk) : items).slice(0, limit);
}

export interface QueueStats {
  depth: number;
  atRisk: number;
  /** Working hours since submission of the oldest case in review. */
  oldestWorkingHours: number;
  breaches: number;
}

/** Figures for dashboards and metrics. */
export async function queueStats(db: Queryable, policy: SlaPolicy, now = new Date()): Promise<QueueStats> {
  const items = await listQueue(db, {}, policy, now, 100_000);
  const oldest = items.reduce<Date | null>((m, i) => {
    const s = i.submittedAt ? new Date(i.submittedAt) : null;
    return s && (!m || s < m) ? s : m;
  }, null);
  const b = await db.query<{ n: string | number }>('SELECT count(*) AS n FROM sla_breaches');
  return {
    depth: items.length,
    atRisk: items.filter((i) => i.atRisk).length,
    oldestWorkingHours: oldest ? Math.round(workingHoursBetween(oldest, now) * 100) / 100 : 0,
    breaches: Number(b.rows[0]?.n ?? 0),
  };
}
