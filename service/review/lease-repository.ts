// Claims: a reviewer takes a time-limited lease on a case; only the holder of an unexpired lease may decide.
// One SQL statement takes or renews the lease atomically, so two reviewers can never both hold it.
import type { Queryable } from '../db/index.js';
import { appendAudit } from '../audit/audit-repository.js';
import { ReviewError } from './errors.js';

export interface Lease {
  caseId: string;
  reviewerId: string;
  expiresAt: Date;
}

export async function claimCase(
  db: Queryable,
  caseId: string,
  reviewerId: string,
  leaseMinutes: number,
  now = new Date(),
): Promise<Lease> {
  const c = await db.query<{ status: string; review_deadline: Date | null }>(
    'SELECT status, review_deadline FROM cases WHERE id = $1',
    [caseId],
  );
  const row = c.rows[0];
  if (!row) throw new ReviewError('case_not_found', 'No such case');
  if (row.status === 'expired')
    throw new ReviewError(
      'case_expired',
      'The review deadline has passed: this case has expired and can no longer be reviewed',
    );
  if (row.status !== 'in_review')
    throw new ReviewError('not_in_review', `This case is not awaiting review (status ${row.status})`);
  const expiresAt = new Date(now.getTime() + leaseMinutes * 60_000);
  const r = await db.query<{ reviewer_id: string; expires_at: Date }>(
    `INSERT INTO review_leases (case_id, reviewer_id, expires_at, claimed_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (case_id) DO UPDATE SET reviewer_id = EXCLUDED.reviewer_id, expires_at = EXCLUDED.expires_at,
       claimed_at = CASE WHEN review_leases.reviewer_id = EXCLUDED.reviewer_id THEN review_leases.claimed_at ELSE EXCLUDED.claimed_at END
     WHERE review_leases.reviewer_id = EXCLUDED.reviewer_id OR review_leases.expires_at <= $4
     RETURNING reviewer_id, expires_at`,
    [caseId, reviewerId, expiresAt, now],
  );
  if (r.rowCount === 0 || r.rows[0]?.reviewer_id !== reviewerId) {
    throw new ReviewError('lease_held', 'Another reviewer is working on this case');
  }
  await appendAudit(db, {
    actorType: 'reviewer',
    actorId: reviewerId,
    action: 'case.claimed',
    caseId,
    details: { leaseMinutes },
  });
  return { caseId, reviewerId, expiresAt };
}

/**
 * A supervisor takes over the lease another reviewer holds (a reviewer gone for lunch with a case claimed),
 * audited with the previous holder. Without a current lease it is an ordinary claim.
 */
export async function takeOverLease(
  db: Queryable,
  caseId: string,
  supervisorId: string,
  leaseMinutes: number,
  now = new Date(),
): Promise<Lease & { previousReviewerId: string | null }> {
  const previous = await currentLease(db, caseId, now);
  if (!previous || previous.reviewerId === supervisorId) {
    const l = await claimCase(db, caseId, supervisorId, leaseMinutes, now);
    return { ...l, previousReviewerId: null };
  }
  const expiresAt = new Date(now.getTime() + leaseMinutes * 60_000);
  // Only the lease seen above is replaced: a lease renewed or handed over in between is not taken silently.
  const r = await db.query(
    `UPDATE review_leases SET reviewer_id = $2, expires_at = $3, claimed_at = $4
      WHERE case_id = $1 AND reviewer_id = $5 AND expires_at > $4`,
    [caseId, supervisorId, expiresAt, now, previous.reviewerId],
  );
  if (r.rowCount === 0)
    throw new ReviewError('lease_held', 'The lease changed hands meanwhile: reload the case');
  await appendAudit(db, {
    actorType: 'reviewer',
    actorId: supervisorId,
    action: 'case.lease.taken_over',
    caseId,
    details: { fromReviewerId: previous.reviewerId, leaseMinutes },
  });
  return { caseId, reviewerId: supervisorId, expiresAt, previousReviewerId: previous.reviewerId };
}

export async function releaseCase(db: Queryable, caseId: string, reviewerId: string): Promise<boolean> {
  const r = await db.query('DELETE FROM review_leases WHERE case_id = $1 AND reviewer_id = $2', [
    caseId,
    reviewerId,
  ]);
  if (r.rowCount > 0)
    await appendAudit(db, { actorType: 'reviewer', actorId: reviewerId, action: 'case.released', caseId });
  return r.rowCount > 0;
}

export async function currentLease(db: Queryable, caseId: string, now = new Date()): Promise<Lease | null> {
  const r = await db.query<{ reviewer_id: string; expires_at: Date }>(
    'SELECT reviewer_id, expires_at FROM review_leases WHERE case_id = $1 AND expires_at > $2',
    [caseId, now],
  );
  const l = r.rows[0];
  return l ? { caseId, reviewerId: l.reviewer_id, expiresAt: new Date(l.expires_at) } : null;
}

/** The reviewer holding an unexpired lease on the case, if any. */
export async function leaseHolder(q: Queryable, caseId: string, now: Date): Promise<string | undefined> {
  const r = await q.query<{ reviewer_id: string }>(
    'SELECT reviewer_id FROM review_leases WHERE case_id = $1 AND expires_at > $2',
    [caseId, now],
  );
  return r.rows[0]?.reviewer_id;
}

export async function dropLease(q: Queryable, caseId: string): Promise<void> {
  await q.query('DELETE FROM review_leases WHERE case_id = $1', [caseId]);
}

// ---- four-eyes: the first approval waiting for a supervisor's second one ----------------------------------

export async function firstApprover(
  q: Queryable,
  caseId: string,
  attempt: number,
): Promise<string | undefined> {
  const r = await q.query<{ reviewer_id: string }>(
    'SELECT reviewer_id FROM pending_approvals WHERE case_id = $1 AND attempt = $2',
    [caseId, attempt],
  );
  return r.rows[0]?.reviewer_id;
}

export async function addPendingApproval(
  q: Queryable,
  a: { caseId: string; attempt: number; reviewerId: string; note: string | null },
): Promise<void> {
  await q.query(
    'INSERT INTO pending_approvals (case_id, attempt, reviewer_id, note) VALUES ($1, $2, $3, $4)',
    [a.caseId, a.attempt, a.reviewerId, a.note],
  );
}

export async function dropPendingApprovals(q: Queryable, caseId: string): Promise<void> {
  await q.query('DELETE FROM pending_approvals WHERE case_id = $1', [caseId]);
}

// ---- SLA breaches ------------------------------------------------------------------------------------

export async function recordBreach(
  q: Queryable,
  b: { caseId: string; attempt: number; deadline: Date; expiredAt: Date },
): Promise<void> {
  await q.query(
    'INSERT INTO sla_breaches (case_id, attempt, deadline, expired_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING',
    [b.caseId, b.attempt, b.deadline, b.expiredAt],
  );
}

/** Cases in review whose deadline has passed, most overdue first. */
export async function listOverdue(q: Queryable, now: Date, limit: number): Promise<string[]> {
  const { rows } = await q.query<{ id: string }>(
    `SELECT id FROM cases WHERE status = 'in_review' AND review_deadline <= $1 ORDER BY review_deadline LIMIT $2`,
    [now, limit],
  );
  return rows.map((r) => r.id);
}

/** Total SLA breaches recorded (for metrics). */
export async function countBreaches(q: Queryable): Promise<number> {
  const r = await q.query<{ n: string | number }>('SELECT count(*) AS n FROM sla_breaches');
  return Number(r.rows[0]?.n ?? 0);
}
