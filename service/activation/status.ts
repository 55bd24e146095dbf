// The activation part of a case's status, for the console and the business service's status API.
import type { Queryable } from '../db/index.js';
import { deliveriesOfCase } from '../notify/delivery-repository.js';
import { MAX_RESENDS } from './issue.js';
import { MAX_WRONG_ATTEMPTS } from './verify.js';
import * as store from './activation-repository.js';

export interface ChannelStatus {
  deliveryId: number;
  status: 'pending' | 'sent' | 'failed' | 'cancelled';
  attempts: number;
  lastError: string | null;
  sentAt: string | null;
  updatedAt: string;
}

export interface ActivationStatus {
  /** none: no code issued yet (not approved, or the approval is still in the outbox). */
  state: 'none' | 'issued' | 'activated';
  activatedAt: string | null;
  code: null | {
    generation: number;
    status: 'active' | 'used' | 'superseded' | 'locked';
    expired: boolean;
    expiresAt: string;
    attemptsLeft: number;
  };
  resendsUsed: number;
  resendsLeft: number;
  letterReceivedAt: string | null;
  /** Delivery of the current code, per channel. */
  delivery: { email: ChannelStatus | null; sms: ChannelStatus | null };
  /** Every delivery of the case, all codes included (history). */
  deliveries: Array<ChannelStatus & { channel: 'email' | 'sms'; generation: number }>;
}

export async function activationStatus(q: Queryable, caseId: string): Promise<ActivationStatus> {
  const act = await store.activationOf(q, caseId);
  const code = await store.latestCode(q, caseId);
  const letter = code ? await store.letterByCode(q, code.id) : undefined;
  const gens = await store.codeGenerations(q, caseId);
  const all = await deliveriesOfCase(q, caseId);
  const view = (d: (typeof all)[number]): ChannelStatus => ({
    deliveryId: d.id,
    status: d.status,
    attempts: d.attempts,
    lastError: d.lastError,
    sentAt: d.sentAt,
    updatedAt: d.updatedAt,
  });
  const current = (ch: 'email' | 'sms') => {
    const d = all.find((x) => x.codeId === code?.id && x.channel === ch);
    return d ? view(d) : null;
  };
  const resendsUsed = act?.resends ?? 0;
  return {
    state: act ? act.status : 'none',
    activatedAt: act?.activated_at ? new Date(act.activated_at).toISOString() : null,
    code: code
      ? {
          generation: code.generation,
          status: code.status,
          expired: code.expired,
          expiresAt: new Date(code.expires_at).toISOString(),
          attemptsLeft: Math.max(0, MAX_WRONG_ATTEMPTS - code.failed_attempts),
        }
      : null,
    resendsUsed,
    resendsLeft: Math.max(0, MAX_RESENDS - resendsUsed),
    letterReceivedAt: letter?.opened_at ? new Date(letter.opened_at).toISOString() : null,
    delivery: { email: current('email'), sms: current('sms') },
    deliveries: all.map((d) => ({ ...view(d), channel: d.channel, generation: gens.get(d.codeId) ?? 0 })),
  };
}
