// Recording a decision: the decision row, the case's new state and the outbox rows that announce it,
// all in the caller's transaction (so a webhook or an activation is never sent for a state that rolled back).
import type { Queryable } from '../db/index.js';
import { insertChallenge } from './case-repository.js';
import { insertOutbox } from './outbox-repository.js';
import type { CaseRow, CaseStatus, Lang } from './types.js';

export type DecisionOutcome = 'approve' | 'reject' | 'review' | 'resubmit' | 'expire';
export type DecisionSource = 'auto' | 'reviewer' | 'system';

export const OUTCOME_STATUS: Record<DecisionOutcome, CaseStatus> = {
  approve: 'approved',
  reject: 'rejected',
  review: 'in_review',
  resubmit: 'resubmission_requested',
  expire: 'expired',
};

/** Statuses the business service is told about by webhook. */
export const FINAL_STATUSES: ReadonlySet<CaseStatus> = new Set([
  'approved',
  'rejected',
  'resubmission_requested',
  'expired',
]);

export interface DecisionInput {
  outcome: DecisionOutcome;
  reasons: string[];
  source: DecisionSource;
  policyVersion?: string;
  reviewerId?: string;
  note?: string;
  /** Required when outcome is `review`. */
  reviewDeadline?: Date;
  /** Required when outcome is `resubmit`: the next attempt's challenge. */
  nextChallenge?: { digits: string; lang: Lang; expiresAt: Date };
  now: Date;
}

export async function recordDecision(q: Queryable, c: CaseRow, d: DecisionInput): Promise<CaseStatus> {
  const status = OUTCOME_STATUS[d.outcome];
  await q.query(
    `INSERT INTO decisions (case_id, attempt, source, outcome, reasons, policy_version, reviewer_id, note) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)`,
    [
      c.id,
      c.attempt,
      d.source,
      d.outcome,
      d.reasons,
      d.policyVersion ?? null,
      d.reviewerId ?? null,
      d.note ?? null,
    ],
  );
  const final = status === 'approved' || status === 'rejected' || status === 'expired';
  const nextAttempt = d.outcome === 'resubmit' ? c.attempt + 1 : c.attempt;
  await q.query(
    `UPDATE cases SET status = $2, outcome = $3, reasons = $4, attempt = $5, updated_at = now(),
       decided_at = CASE WHEN $6 THEN $7::timestamptz ELSE decided_at END,
       review_deadline = COALESCE($8::timestamptz, review_deadline)
     WHERE id = $1`,
    [c.id, status, d.outcome, d.reasons, nextAttempt, final, d.now, d.reviewDeadline ?? null],
  );
  if (d.outcome === 'resubmit') {
    if (!d.nextChallenge) throw new Error('resubmit needs the next challenge');
    await insertChallenge(q, { caseId: c.id, attempt: nextAttempt, ...d.nextChallenge });
  }
  if (FINAL_STATUSES.has(status)) {
    // Same shape as the reviewer decisions' webhook (service/review/decide.ts): ids, status and reason codes only.
    await insertOutbox(q, 'webhook', c.id, {
      event: 'verification.decided',
      caseId: c.id,
      reference: c.reference,
      status,
      reasons: d.reasons,
      decidedAt: d.now.toISOString(),
    });
  }
  if (status === 'approved') await insertOutbox(q, 'activation', c.id, { caseId: c.id });
  // The signed evidence file of the final outcome (service/evidence), built after this transaction commits.
  if (final) await insertOutbox(q, 'evidence', c.id, { caseId: c.id });
  return status;
}

// ---- figures (ops metrics and summaries) ---------------------------------------------------------------

/** Decisions since a time, counted by outcome. */
export async function countDecisionsSince(
  q: Queryable,
  since: Date,
): Promise<Array<{ outcome: string; count: number }>> {
  const r = await q.query<{ outcome: string; n: string | number }>(
    `SELECT outcome, count(*) AS n FROM decisions WHERE created_at > $1 GROUP BY outcome ORDER BY outcome`,
    [since],
  );
  return r.rows.map((d) => ({ outcome: d.outcome, count: Number(d.n) }));
}

/** Every persisted decision counted by outcome and reason code (null: a decision without reasons). */
export async function countDecisionsByReason(
  q: Queryable,
): Promise<Array<{ outcome: string; reason: string | null; count: number }>> {
  const r = await q.query<{ outcome: string; reason: string | null; n: string | number }>(
    `SELECT d.outcome, r.reason, count(*) AS n
       FROM decisions d LEFT JOIN LATERAL unnest(d.reasons) AS r(reason) ON true
      GROUP BY d.outcome, r.reason`,
  );
  return r.rows.map((x) => ({ outcome: x.outcome, reason: x.reason, count: Number(x.n) }));
}

/** The newest decision's sequence number (0 when none). */
export async function lastDecisionId(q: Queryable): Promise<number> {
  const r = await q.query<{ id: string | null }>('SELECT max(id) AS id FROM decisions');
  return Number(r.rows[0]?.id ?? 0);
}

/**
 * Seconds from submission to decision of the decisions in (afterId, upToId] with one of these outcomes, with who
 * decided (`auto`, `reviewer`, `system`).
 */
export async function decisionLatencies(
  q: Queryable,
  afterId: number,
  upToId: number,
  outcomes: readonly string[],
): Promise<Array<{ seconds: number; source: string }>> {
  const { rows } = await q.query<{ seconds: number | string | null; source: string }>(
    `SELECT EXTRACT(EPOCH FROM (d.created_at - c.submitted_at)) AS seconds, d.source
       FROM decisions d JOIN cases c ON c.id = d.case_id
      WHERE d.id > $1 AND d.id <= $2 AND d.outcome = ANY($3)`,
    [afterId, upToId, outcomes],
  );
  return rows.flatMap((r) =>
    r.seconds !== null && Number(r.seconds) >= 0 ? [{ seconds: Number(r.seconds), source: r.source }] : [],
  );
}
