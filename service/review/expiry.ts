// Expiry at the review deadline: the case becomes `expired` (the applicant must start again), the breach is
// recorded, the business service is told. Run by a delayed BullMQ job per case and by a periodic sweeper
// (the safety net if a job is lost); both are idempotent.
import type { Db } from '../db/index.js';
import { appendAudit } from '../audit/index.js';
import { POLICY_VERSION } from '../decision/reason-codes.js';
import { lockCase, recordDecision } from '../cases/index.js';

export type ExpireOutcome = 'expired' | 'not_due' | 'not_in_review' | 'not_found';

export async function expireCase(db: Db, caseId: string, now = new Date()): Promise<ExpireOutcome> {
  return db.tx(async (q) => {
    const c = await lockCase(q, caseId);
    if (!c) return 'not_found';
    if (c.status !== 'in_review') return 'not_in_review';
    const deadline = c.reviewDeadline;
    if (!deadline || deadline.getTime() > now.getTime()) return 'not_due';
    // Status `expired` (the applicant's status page tells them to start again), decision row, webhook outbox row.
    await recordDecision(q, c, {
      outcome: 'expire',
      reasons: [],
      source: 'system',
      policyVersion: POLICY_VERSION,
      now,
    });
    await q.query(
      'INSERT INTO sla_breaches (case_id, attempt, deadline, expired_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING',
      [c.id, c.attempt, deadline, now],
    );
    await q.query('DELETE FROM review_leases WHERE case_id = $1', [c.id]);
    await q.query('DELETE FROM pending_approvals WHERE case_id = $1', [c.id]);
    await appendAudit(q, {
      actorType: 'system',
      actorId: 'review-expiry',
      action: 'case.expired',
      caseId: c.id,
      details: { attempt: c.attempt, deadline: deadline.toISOString() },
    });
    return 'expired';
  });
}

/** Expires every case whose deadline has passed. Returns how many were expired. */
export async function sweepExpired(db: Db, now = new Date(), limit = 500): Promise<number> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT id FROM cases WHERE status = 'in_review' AND review_deadline <= $1 ORDER BY review_deadline LIMIT $2`,
    [now, limit],
  );
  let n = 0;
  for (const r of rows) if ((await expireCase(db, r.id, now)) === 'expired') n++;
  return n;
}

/** Total SLA breaches recorded (for metrics). */
export async function countBreaches(db: Db): Promise<number> {
  const r = await db.query<{ n: string | number }>('SELECT count(*) AS n FROM sla_breaches');
  return Number(r.rows[0]?.n ?? 0);
}
