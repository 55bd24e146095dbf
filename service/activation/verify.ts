// Checking a code entered by the applicant. The comparison is on keyed hashes in constant time; each
// wrong attempt is counted in the same transaction as the check (row locked), so parallel guesses
// cannot exceed the limit. Success marks the identity activated and writes the `webhook` outbox row
// (event identity.activated) in that same transaction.
import type { Db } from '../db/index.js';
import { appendAudit } from '../audit/audit-repository.js';
import { insertOutbox } from '../cases/outbox-repository.js';
import { codeMatches, normaliseCode } from './code.js';
import { ActivationError } from './errors.js';
import * as store from './activation-repository.js';

/** Wrong attempts allowed per code before it is locked (issue 9). */
export const MAX_WRONG_ATTEMPTS = 5;

export interface VerifyDeps {
  db: Db;
  hmacSecret: string;
}

export interface Activated {
  caseId: string;
  reference: string;
  activatedAt: string;
}

type Outcome = { ok: true; value: Activated } | { ok: false; error: ActivationError };

export interface ActivateOptions {
  /** Count a wrong code against the code's attempt budget (and lock it at the limit). Only the applicant's own
   * link does: a bare reference is no secret, and whoever knows it must not be able to lock the applicant out. */
  countAttempts: boolean;
}

export async function activate(
  deps: VerifyDeps,
  reference: string,
  rawCode: string,
  opts: ActivateOptions = { countAttempts: true },
): Promise<Activated> {
  // A malformed entry is a typo, not a guess: refused before any lookup (same answer for every reference).
  const code = normaliseCode(rawCode);
  if (!code) throw new ActivationError('malformed_code', 'An activation code is 6 digits');
  const outcome = await deps.db.tx(async (q): Promise<Outcome> => {
    const fail = (e: ActivationError): Outcome => ({ ok: false, error: e });
    const caseId = await store.caseIdByReference(q, reference);
    const act = caseId ? await store.activationOf(q, caseId, true) : undefined;
    if (!caseId || !act)
      return fail(new ActivationError('not_found', 'No activation is pending for this reference'));
    if (act.status === 'activated') {
      return fail(
        new ActivationError(
          'already_activated',
          'This identity is already activated; a code cannot be used twice',
        ),
      );
    }
    const current = await store.latestCode(q, caseId, true);
    if (!current)
      return fail(new ActivationError('not_found', 'No activation is pending for this reference'));
    if (current.status === 'locked') {
      return fail(
        new ActivationError(
          'code_locked',
          'This code is locked after too many wrong attempts; ask for a new code',
        ),
      );
    }
    if (current.status !== 'active')
      return fail(new ActivationError('not_found', 'No activation is pending for this reference'));
    if (current.expired)
      return fail(new ActivationError('code_expired', 'This code has expired; ask for a new code'));

    if (!codeMatches(deps.hmacSecret, caseId, code, current.code_hmac)) {
      if (!opts.countAttempts) {
        await appendAudit(q, {
          actorType: 'applicant',
          actorId: null,
          action: 'activation.code.rejected',
          caseId,
          details: { generation: current.generation, counted: false },
        });
        return fail(new ActivationError('invalid_code', 'Wrong activation code'));
      }
      const n = await store.recordWrongAttempt(q, current.id, MAX_WRONG_ATTEMPTS);
      const left = Math.max(0, MAX_WRONG_ATTEMPTS - n);
      await appendAudit(q, {
        actorType: 'applicant',
        actorId: null,
        action: left === 0 ? 'activation.code.locked' : 'activation.code.rejected',
        caseId,
        details: { generation: current.generation, failedAttempts: n },
      });
      return fail(
        left === 0
          ? new ActivationError(
              'code_locked',
              'Too many wrong codes: this code is now locked; ask for a new code',
            )
          : new ActivationError('invalid_code', 'Wrong activation code', left),
      );
    }

    await store.setCodeStatus(q, current.id, 'used');
    const kase = (await store.caseById(q, caseId))!;
    const activatedAt = (await store.markActivated(q, caseId)).toISOString();
    // Same shape as the pipeline's `verification.updated` webhook, so the business service parses one format.
    await insertOutbox(q, 'webhook', caseId, {
      event: 'identity.activated',
      verificationId: caseId,
      reference: kase.reference,
      status: 'activated',
      at: activatedAt,
    });
    await appendAudit(q, {
      actorType: 'applicant',
      actorId: null,
      action: 'activation.activated',
      caseId,
      details: { generation: current.generation },
    });
    return { ok: true, value: { caseId, reference: kase.reference, activatedAt } };
  });
  if (!outcome.ok) throw outcome.error;
  return outcome.value;
}
