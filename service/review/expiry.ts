// Expiry at the review deadline: the case becomes `expired` (the applicant must start again), the breach is
// recorded, the business service is told. Run by a delayed BullMQ job per case and by a periodic sweeper
// (the safety net if a job is lost); both are idempotent.
import type { Db } from '../db/index.js';
import { appendAudit } from '../audit/audit-repository.js';
import { POLICY_VERSION } from '../decision/reason-codes.js';
import { lockCase, recordDecision } from '../cases/index.js';
import { dropLease, dropPendingApprovals, listOverdue, recordBreach } from './lease-repository.js';

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
    await recordBreach(q, { caseId: c.id, attempt: c.attempt, deadline, expiredAt: now });
    await dropLease(q, c.id);
    await dropPendingApprovals(q, c.id);
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
  let n = 0;
  for (const id of await listOverdue(db, now, limit)) if ((await expireCase(db, id, now)) === 'expired') n++;
  return n;
}

export { countBreaches } from './lease-repository.js';
