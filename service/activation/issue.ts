// Issuing codes: on approval (outbox topic `activation`) and on resend. Each code comes with a fresh
// registered e-letter and one pending delivery per channel, all written in one transaction; the
// deliveries are queued after commit (a sweeper re-queues any that a crash left behind).
import { randomUUID } from 'node:crypto';
import type { Db, Queryable } from '../db/index.js';
import { appendAudit, type ActorType } from '../audit/audit-repository.js';
import {
  cancelDeliveriesOfCode,
  createDeliveries,
  pendingDeliveriesOfCode,
} from '../notify/delivery-repository.js';
import { generateCode, hashCode, newLetterToken, seal, sha256Hex } from './code.js';
import { ActivationError } from './errors.js';
import * as store from './activation-repository.js';

/** A code may be re-issued at most this many times (issue 9). */
export const MAX_RESENDS = 3;

export interface IssueDeps {
  db: Db;
  /** CODE_HMAC_SECRET. */
  hmacSecret: string;
  /** Key derived from CODE_HMAC_SECRET (see code.ts). */
  sealingKey: Buffer;
  ttlDays: number;
  /** Queues deliveries for sending (the notify queue). */
  schedule(ids: number[]): Promise<void>;
}

export interface IssueResult {
  caseId: string;
  generation: number;
  /** False when the approval had already been handled (idempotent re-delivery of the outbox row). */
  created: boolean;
  deliveryIds: number[];
}

/** Who asked for a resend, for the audit trail. */
export interface Requester {
  actorType: ActorType;
  actorId: string;
}

async function newCode(q: Queryable, deps: IssueDeps, caseId: string, generation: number): Promise<number[]> {
  const code = generateCode();
  const codeId = randomUUID();
  await store.insertCode(q, {
    id: codeId,
    caseId,
    generation,
    codeHmac: hashCode(deps.hmacSecret, caseId, code),
    codeSealed: seal(deps.sealingKey, code, `code:${caseId}`),
    ttlDays: deps.ttlDays,
  });
  const letterId = randomUUID();
  const token = newLetterToken();
  await store.insertLetter(q, {
    id: letterId,
    caseId,
    codeId,
    tokenHash: sha256Hex(token),
    tokenSealed: seal(deps.sealingKey, token, `letter:${letterId}`),
  });
  return createDeliveries(q, caseId, codeId, ['email', 'sms']);
}

/**
 * Handles an approval: issues the first code. Idempotent: a second call for the same case re-queues
 * the pending deliveries of the current code and creates nothing.
 */
export async function issueOnApproval(deps: IssueDeps, caseId: string): Promise<IssueResult> {
  const res = await deps.db.tx(async (q): Promise<IssueResult> => {
    const kase = await store.caseById(q, caseId, true);
    if (!kase) throw new ActivationError('not_found', 'No such case');
    if (kase.status !== 'approved') throw new ActivationError('not_approved', 'The case is not approved');
    if (!(await store.insertActivation(q, caseId))) {
      const current = await store.latestCode(q, caseId);
      return {
        caseId,
        generation: current?.generation ?? 0,
        created: false,
        deliveryIds: current ? await pendingDeliveriesOfCode(q, current.id) : [],
      };
    }
    const deliveryIds = await newCode(q, deps, caseId, 0);
    await appendAudit(q, {
      actorType: 'system',
      actorId: 'activation',
      action: 'activation.code.issued',
      caseId,
      details: { generation: 0, ttlDays: deps.ttlDays },
    });
    return { caseId, generation: 0, created: true, deliveryIds };
  });
  await deps.schedule(res.deliveryIds);
  return res;
}

/** A new code (and letter, and SMS); the previous code stops working at once. At most MAX_RESENDS. */
export async function resendCode(
  deps: IssueDeps,
  caseId: string,
  by: Requester,
): Promise<IssueResult & { resendsLeft: number }> {
  const res = await deps.db.tx(async (q) => {
    const act = await store.activationOf(q, caseId, true);
    if (!act) throw new ActivationError('not_found', 'No activation code was issued for this case');
    if (act.status === 'activated')
      throw new ActivationError('already_activated', 'The identity is already activated');
    if (act.resends >= MAX_RESENDS)
      throw new ActivationError('resend_limit', `At most ${MAX_RESENDS} new codes can be sent`);
    const previous = await store.latestCode(q, caseId, true);
    if (previous) {
      if (previous.status === 'active') await store.setCodeStatus(q, previous.id, 'superseded');
      await cancelDeliveriesOfCode(q, previous.id);
    }
    const generation = await store.bumpResends(q, caseId);
    const deliveryIds = await newCode(q, deps, caseId, generation);
    await appendAudit(q, {
      actorType: by.actorType,
      actorId: by.actorId,
      action: 'activation.code.resent',
      caseId,
      details: { generation, previousGeneration: previous?.generation ?? null },
    });
    return { caseId, generation, created: true, deliveryIds, resendsLeft: MAX_RESENDS - generation };
  });
  await deps.schedule(res.deliveryIds);
  return res;
}
