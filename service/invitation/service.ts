// Invitation e-letters: created with the verification (or re-sent, bounded), delivered through the outbox
// (topic `invitation`: retries with backoff, the row kept as failed for ops after the last attempt), read on
// a page whose button records the proof of receipt (POST only) and leads to the applicant app.
import { randomBytes } from 'node:crypto';
import type { Db, Queryable } from '../db/index.js';
import type { Logger } from '../logger.js';
import { insertOutbox } from '../cases/index.js';
import { appendAudit } from '../audit/audit-repository.js';
import { seal, sealingKey, sha256Hex, unseal } from '../activation/code.js';
import type { Mailer } from '../notify/mailer.js';
import type { SmsSender } from '../notify/sms.js';
import * as repo from './invitation-repository.js';
import { renderInvitationMail, renderInvitationPage, renderInvitationSms } from './templates.js';

export const INVITATION_TOPIC = 'invitation';
/** Invitations per verification (the first and up to 3 re-sends). */
export const MAX_INVITATIONS = 4;
/** Delivery attempts before a channel is flagged failed (the outbox dispatcher's default budget). */
export const INVITATION_ATTEMPTS = 8;

export type Channel = 'email' | 'sms';

export interface InvitationKeys {
  /** The activation sealing secret (CODE_HMAC_SECRET): the same key seals both letters' tokens. */
  secret: string;
}

const TOKEN_RE = /^[A-Za-z0-9_-]{43}$/;

/** Creates an invitation and queues its deliveries, inside the caller's transaction. */
export async function inviteInTx(
  q: Queryable,
  keys: InvitationKeys,
  i: { caseId: string; applicantToken: string; channels: Channel[] },
): Promise<{ generation: number }> {
  const key = sealingKey(keys.secret);
  const token = randomBytes(32).toString('base64url');
  const inv = await repo.insertInvitation(q, {
    caseId: i.caseId,
    tokenHash: sha256Hex(token),
    tokenSealed: seal(key, token, `invitation:${i.caseId}`),
    applicantTokenSealed: seal(key, i.applicantToken, `applicant:${i.caseId}`),
  });
  for (const channel of i.channels) {
    const deliveryId = await repo.insertInvitationDelivery(q, {
      invitationId: inv.id,
      caseId: i.caseId,
      channel,
    });
    await insertOutbox(q, INVITATION_TOPIC, i.caseId, { deliveryId });
  }
  return { generation: inv.generation };
}

export interface InvitationSummary {
  sentCount: number;
  resendsLeft: number;
  receivedAt: string | null;
  email: 'pending' | 'sent' | 'failed' | null;
  sms: 'pending' | 'sent' | 'failed' | null;
}

/** What the business service and the console see: delivery per channel of the latest invitation, receipt. */
export async function invitationSummary(q: Queryable, caseId: string): Promise<InvitationSummary | null> {
  const latest = await repo.latestInvitation(q, caseId);
  if (!latest) return null;
  const ds = (await repo.deliveriesOfCase(q, caseId)).filter((d) => d.invitation_id === latest.id);
  const first = await q.query<{ acted_at: Date | null }>(
    'SELECT min(acted_at) AS acted_at FROM invitations WHERE case_id = $1',
    [caseId],
  );
  const n = latest.generation;
  return {
    sentCount: n,
    resendsLeft: Math.max(0, MAX_INVITATIONS - n),
    receivedAt: first.rows[0]?.acted_at ? new Date(first.rows[0].acted_at).toISOString() : null,
    email: ds.find((d) => d.channel === 'email')?.status ?? null,
    sms: ds.find((d) => d.channel === 'sms')?.status ?? null,
  };
}

export interface DeliverDeps {
  db: Db;
  logger: Logger;
  mailer: () => Mailer;
  sms: SmsSender;
  secret: string;
  publicUrl: string;
  verificationTtlHours: number;
}

/** Outbox handler of topic `invitation`: one delivery; throws to retry. */
export async function deliverInvitation(deps: DeliverDeps, deliveryId: number): Promise<void> {
  const d = await repo.deliveryById(deps.db, deliveryId);
  if (!d || d.status !== 'pending') return;
  const inv = (await repo.invitationById(deps.db, d.invitation_id))!;
  const contact = await repo.caseContact(deps.db, d.case_id);
  if (!contact) return;
  const key = sealingKey(deps.secret);
  const token = unseal(key, inv.token_sealed, `invitation:${d.case_id}`);
  const link = `${deps.publicUrl}/invitations/${token}`;
  try {
    if (d.channel === 'email') {
      const expiresAt = new Date(new Date(inv.created_at).getTime() + deps.verificationTtlHours * 3600_000);
      const m = renderInvitationMail({ lang: contact.lang, firstNames: contact.firstNames, link, expiresAt });
      await deps.mailer().send({ to: contact.email, ...m });
    } else {
      await deps.sms.send({
        to: contact.mobile.replace(/[\s.-]/g, ''),
        text: renderInvitationSms(contact.lang, link),
      });
    }
    await repo.markDeliverySent(deps.db, d.id);
  } catch (err) {
    // A label only: provider messages may echo the address.
    const label = (err as { code?: string; name?: string }).code ?? (err as Error).name ?? 'error';
    const final = d.attempts + 1 >= INVITATION_ATTEMPTS;
    await deps.db.tx(async (q) => {
      await repo.markDeliveryAttemptFailed(q, d.id, String(label).slice(0, 100), final);
      if (final)
        await appendAudit(q, {
          actorType: 'system',
          actorId: 'notify',
          action: 'invitation.delivery.failed',
          caseId: d.case_id,
          details: { deliveryId: d.id, channel: d.channel, error: String(label).slice(0, 100) },
        });
    });
    deps.logger.warn(
      { deliveryId: d.id, channel: d.channel, error: label, final },
      'invitation delivery failed',
    );
    throw new Error(`invitation delivery failed: ${String(label)}`);
  }
}

/** The letter page (GET: nothing recorded). Undefined for an unknown token. */
export async function letterPage(db: Db, token: string): Promise<string | undefined> {
  if (!TOKEN_RE.test(token)) return undefined;
  const inv = await repo.invitationByTokenHash(db, sha256Hex(token));
  if (!inv) return undefined;
  const contact = (await repo.caseContact(db, inv.case_id))!;
  const latest = await repo.latestInvitation(db, inv.case_id);
  const valid =
    latest?.id === inv.id &&
    (contact.status === 'created' ||
      contact.status === 'resubmission_requested' ||
      contact.status === 'processing' ||
      contact.status === 'in_review' ||
      contact.status === 'approved');
  return renderInvitationPage({
    lang: contact.lang,
    firstNames: contact.firstNames,
    action: `/invitations/${token}/confirm`,
    valid,
  });
}

/**
 * The person pressed "Confirm my identity": the first time, the proof of receipt (time, sha256 of IP and
 * user agent) goes to the audit trail. Returns the app URL path (/v/<applicant token>).
 */
export async function confirmLetter(
  db: Db,
  secret: string,
  token: string,
  reader: { ip: string; userAgent: string },
): Promise<string | undefined> {
  if (!TOKEN_RE.test(token)) return undefined;
  return db.tx(async (q) => {
    const inv = await repo.invitationByTokenHash(q, sha256Hex(token));
    if (!inv) return undefined;
    const now = new Date();
    if (await repo.markActed(q, inv.id, now)) {
      await appendAudit(q, {
        actorType: 'applicant',
        actorId: null,
        action: 'invitation.letter.received',
        caseId: inv.case_id,
        details: {
          invitationId: inv.id,
          receivedAt: now.toISOString(),
          ipSha256: sha256Hex(reader.ip),
          uaSha256: sha256Hex(reader.userAgent),
        },
      });
    }
    const applicantToken = unseal(sealingKey(secret), inv.applicant_token_sealed, `applicant:${inv.case_id}`);
    return `/v/${applicantToken}`;
  });
}

/** POST /v1/verifications/:id/invite: a new letter (the previous ones stay readable until the case closes). */
export async function resendInvitation(
  db: Db,
  keys: InvitationKeys,
  caseId: string,
  channels: Channel[],
): Promise<{ generation: number } | 'limit' | 'not_found' | 'closed'> {
  return db.tx(async (q) => {
    const latest = await repo.latestInvitation(q, caseId);
    const contact = await repo.caseContact(q, caseId);
    if (!contact) return 'not_found';
    if (contact.status !== 'created' && contact.status !== 'resubmission_requested') return 'closed';
    if ((latest?.generation ?? 0) >= MAX_INVITATIONS) return 'limit';
    // The applicant token is only known sealed: re-use it from the previous invitation.
    if (!latest) return 'not_found';
    const applicantToken = unseal(
      sealingKey(keys.secret),
      latest.applicant_token_sealed,
      `applicant:${caseId}`,
    );
    return inviteInTx(q, keys, { caseId, applicantToken, channels });
  });
}
