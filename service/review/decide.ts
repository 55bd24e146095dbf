// Reviewer decisions. Everything happens in one transaction with the case row locked:
// status and deadline checks, the lease check, the four-eyes rule, the decision row, the outbox rows
// (activation + webhook on approval) and the audit entry all commit together or not at all.
import {
  addPendingApproval,
  dropLease,
  dropPendingApprovals,
  firstApprover,
  leaseHolder,
} from './lease-repository.js';
import type { Db, Queryable } from '../db/index.js';
import { appendAudit } from '../audit/audit-repository.js';
import { isReasonCode, POLICY_VERSION } from '../decision/reason-codes.js';
import { lockCase as lockCaseRow, recordDecision, type CaseRow } from '../cases/index.js';
import { newChallenge } from '../cases/challenge.js';
import { can, type Reviewer } from '../auth/account-repository.js';
import { ReviewError } from './errors.js';
import { assertChecksDone } from './review-checks.js';

export type ReviewAction = 'approve' | 'reject' | 'resubmit';

/** Automatic reasons after which an approval needs a second approval by a supervisor. */
export const FOUR_EYES_REASONS: readonly string[] = ['FACE_MISMATCH', 'DIGITS_MISMATCH'];

export interface DecisionInput {
  caseId: string;
  reviewer: Reviewer;
  action: ReviewAction;
  /** Reason codes (closed vocabulary); at least one for reject and resubmit. */
  reasons?: string[];
  /** Free-text note for the case file (never sent to the applicant). */
  note?: string;
}

export interface DecideOptions {
  /** Lifetime of the new challenge when a resubmission is requested. Default 30 minutes. */
  challengeTtlMinutes?: number;
}

export type DecisionResult =
  | { status: 'decided'; caseStatus: 'approved' | 'rejected' | 'resubmission_requested' }
  | { status: 'awaiting_second_approval' };

type DecidedStatus = 'approved' | 'rejected' | 'resubmission_requested';

export function needsFourEyes(autoReasons: readonly string[]): boolean {
  return autoReasons.some((r) => FOUR_EYES_REASONS.includes(r));
}

export async function decideCase(
  db: Db,
  input: DecisionInput,
  now = new Date(),
  opts: DecideOptions = {},
): Promise<DecisionResult> {
  const reasons = [...new Set(input.reasons ?? [])];
  const bad = reasons.filter((r) => !isReasonCode(r));
  if (bad.length) throw new ReviewError('invalid_reasons', `Unknown reason code(s): ${bad.join(', ')}`);
  if (input.action !== 'approve' && reasons.length === 0) {
    throw new ReviewError(
      'invalid_reasons',
      'A rejection or resubmission request needs at least one reason code',
    );
  }
  const note = input.note?.slice(0, 2000) || null;

  return db.tx(async (q) => {
    const c = await lockCase(q, input.caseId);
    assertDecidable(c, now);
    if ((await leaseHolder(q, c.id, now)) !== input.reviewer.id) {
      throw new ReviewError(
        'lease_required',
        'Claim this case before deciding (your claim may have expired or another reviewer holds it)',
      );
    }
    // What the reviewer looked at is recorded by the console; a decision without it is refused here, not only
    // in the form.
    await assertChecksDone(q, c.id, c.attempt, input.reviewer.id);

    if (input.action === 'approve' && needsFourEyes(c.reasons)) {
      const first = await firstApprover(q, c.id, c.attempt);
      if (!first) {
        await addPendingApproval(q, {
          caseId: c.id,
          attempt: c.attempt,
          reviewerId: input.reviewer.id,
          note,
        });
        // The first approver steps aside so that a supervisor can claim the case.
        await dropLease(q, c.id);
        await appendAudit(q, {
          actorType: 'reviewer',
          actorId: input.reviewer.id,
          action: 'case.approval.first',
          caseId: c.id,
          details: {
            attempt: c.attempt,
            fourEyesReasons: c.reasons.filter((r) => FOUR_EYES_REASONS.includes(r)),
          },
        });
        return { status: 'awaiting_second_approval' } as const;
      }
      if (first === input.reviewer.id) {
        throw new ReviewError('same_approver', 'The second approval must come from a different person');
      }
      if (!can(input.reviewer.role, 'supervise')) {
        throw new ReviewError('supervisor_required', 'This case needs a second approval by a supervisor');
      }
    }

    // The shared data layer writes the decision row, the case state and the outbox rows (webhook; activation on
    // approval); a resubmission opens the next attempt with a fresh challenge, as automatic resubmissions do.
    const status = await recordDecision(q, c, {
      outcome: input.action,
      reasons,
      source: 'reviewer',
      policyVersion: POLICY_VERSION,
      reviewerId: input.reviewer.id,
      note: note ?? undefined,
      now,
      ...(input.action === 'resubmit'
        ? { nextChallenge: newChallenge(c.lang, opts.challengeTtlMinutes ?? 30, now) }
        : {}),
    });

    await dropLease(q, c.id);
    await dropPendingApprovals(q, c.id);
    await appendAudit(q, {
      actorType: 'reviewer',
      actorId: input.reviewer.id,
      action: 'case.decided',
      caseId: c.id,
      details: { attempt: c.attempt, outcome: input.action, reasons, withNote: note !== null },
    });
    return { status: 'decided', caseStatus: status as DecidedStatus } as const;
  });
}

async function lockCase(q: Queryable, caseId: string): Promise<CaseRow> {
  const c = await lockCaseRow(q, caseId);
  if (!c) throw new ReviewError('case_not_found', 'No such case');
  return c;
}

/** Refuses decisions on cases not in review and after the deadline (even before the expiry job has run). */
export function assertDecidable(c: Pick<CaseRow, 'status' | 'reviewDeadline'>, now: Date): void {
  if (c.status === 'expired') {
    throw new ReviewError(
      'case_expired',
      'The 48-working-hour review deadline has passed: this case has expired and can no longer be decided; the applicant must start again',
    );
  }
  if (c.status !== 'in_review')
    throw new ReviewError('not_in_review', `This case is not awaiting review (status ${c.status})`);
  if (c.reviewDeadline && c.reviewDeadline.getTime() <= now.getTime()) {
    throw new ReviewError(
      'deadline_passed',
      'The 48-working-hour review deadline has passed: this case can no longer be decided; the applicant must start again',
    );
  }
}
