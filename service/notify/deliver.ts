// One delivery attempt: load what the channel needs, render, send, record the outcome. Idempotent:
// a delivery that is no longer pending is skipped, and one whose code was superseded or used is
// cancelled instead of sent. Nothing personal (addresses, code, names) is logged or stored in errors.
import type { Db } from '../db/index.js';
import type { Logger } from '../logger.js';
import { appendAudit } from '../audit/audit-repository.js';
import { unseal } from '../activation/code.js';
import { caseById, codeById, letterByCode } from '../activation/activation-repository.js';
import {
  cancelDelivery,
  deliveryById,
  markAttemptFailed,
  markSent,
  type Delivery,
} from './delivery-repository.js';
import type { Mailer } from './mailer.js';
import type { SmsSender } from './sms.js';
import { renderLetterMail, renderSms } from './templates.js';

export interface DeliverDeps {
  db: Db;
  logger: Logger;
  mailer: Mailer;
  sms: SmsSender;
  /** AES key sealing the codes and letter tokens. */
  sealingKey: Buffer;
  publicUrl: string;
}

export type DeliverOutcome = 'sent' | 'skipped' | 'cancelled';

/** Thrown for a delivery that can never succeed (no address on file): no retry. */
export class UndeliverableError extends Error {
  override name = 'UndeliverableError';
}

export async function deliver(
  deps: DeliverDeps,
  deliveryId: number,
  attempt: { final: boolean },
): Promise<DeliverOutcome> {
  const d = await deliveryById(deps.db, deliveryId);
  if (!d || d.status !== 'pending') return 'skipped';
  const code = await codeById(deps.db, d.codeId);
  const kase = await caseById(deps.db, d.caseId);
  if (!code || !kase || code.status !== 'active' || code.expired) {
    await cancelDelivery(deps.db, d.id);
    return 'cancelled';
  }
  try {
    await sendOne(deps, d, kase.lang, kase.applicant, code.code_sealed, code.expires_at);
  } catch (err) {
    const final = attempt.final || err instanceof UndeliverableError;
    const label = errorLabel(err);
    await deps.db.tx(async (q) => {
      await markAttemptFailed(q, d.id, label, final);
      if (final) {
        await appendAudit(q, {
          actorType: 'system',
          actorId: 'notify',
          action: 'activation.delivery.failed',
          caseId: d.caseId,
          details: { deliveryId: d.id, channel: d.channel, error: label },
        });
      }
    });
    const log = { deliveryId: d.id, channel: d.channel, caseId: d.caseId, error: label };
    if (final) deps.logger.error(log, 'delivery failed after the last retry: flagged for ops');
    else deps.logger.warn(log, 'delivery attempt failed, will retry');
    throw err;
  }
  await deps.db.tx(async (q) => {
    await markSent(q, d.id);
    await appendAudit(q, {
      actorType: 'system',
      actorId: 'notify',
      action: 'activation.delivery.sent',
      caseId: d.caseId,
      details: { deliveryId: d.id, channel: d.channel },
    });
  });
  deps.logger.info({ deliveryId: d.id, channel: d.channel, caseId: d.caseId }, 'delivery sent');
  return 'sent';
}

async function sendOne(
  deps: DeliverDeps,
  d: Delivery,
  lang: 'fr' | 'en',
  applicant: { firstNames?: string; email?: string; mobile?: string },
  codeSealed: string,
  expiresAt: Date,
): Promise<void> {
  if (d.channel === 'email') {
    if (!applicant.email) throw new UndeliverableError('no e-mail address on file');
    const letter = await letterByCode(deps.db, d.codeId);
    if (!letter) throw new UndeliverableError('no letter for this code');
    const token = unseal(deps.sealingKey, letter.token_sealed, `letter:${letter.id}`);
    const mail = renderLetterMail({
      lang,
      firstNames: applicant.firstNames,
      link: `${deps.publicUrl}/letters/${token}`,
      expiresAt: new Date(expiresAt),
    });
    await deps.mailer.send({ to: applicant.email, ...mail });
  } else {
    if (!applicant.mobile) throw new UndeliverableError('no mobile number on file');
    const code = unseal(deps.sealingKey, codeSealed, `code:${d.caseId}`);
    await deps.sms.send({ to: applicant.mobile, text: renderSms(lang, code) });
  }
}

/**
 * A short, non-personal label for the delivery record and logs. Never the error message: SMTP
 * errors echo recipient addresses and provider errors may echo phone numbers.
 */
export function errorLabel(err: unknown): string {
  const e = err as {
    name?: string;
    code?: unknown;
    responseCode?: unknown;
    status?: unknown;
    cause?: { code?: unknown };
  };
  if (e?.name === 'SmsProviderError') return `sms_http_${String(e.status)}`;
  if (e?.name === 'UndeliverableError') return 'undeliverable';
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return 'timeout';
  // nodemailer reports a connection closed by the server without an error code.
  if (err instanceof Error && /^Unexpected socket close/.test(err.message)) return 'ESOCKETCLOSED';
  const parts = [
    typeof e?.code === 'string'
      ? e.code
      : typeof e?.cause?.code === 'string'
        ? e.cause.code
        : (e?.name ?? 'error'),
  ];
  if (typeof e?.responseCode === 'number') parts.push(String(e.responseCode));
  return parts
    .join(' ')
    .replace(/[^\w .-]/g, '')
    .slice(0, 60);
}
