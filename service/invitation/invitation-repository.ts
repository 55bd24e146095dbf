// Every SQL statement of the invitation area (tables invitations, invitation_deliveries).
import { randomUUID } from 'node:crypto';
import type { Queryable } from '../db/index.js';
import { deliveryAttempts } from '../notify/delivery-repository.js';

export interface InvitationRow {
  id: string;
  case_id: string;
  generation: number;
  applicant_token_sealed: string;
  token_sealed: string;
  created_at: Date;
  acted_at: Date | null;
}

export interface InvitationDeliveryRow {
  id: number;
  invitation_id: string;
  case_id: string;
  channel: 'email' | 'sms';
  status: 'pending' | 'sent' | 'failed';
  attempts: number;
  last_error: string | null;
  sent_at: Date | null;
  updated_at: Date;
}

export async function insertInvitation(
  q: Queryable,
  i: { caseId: string; tokenHash: string; tokenSealed: string; applicantTokenSealed: string },
): Promise<InvitationRow> {
  const r = await q.query<InvitationRow>(
    `INSERT INTO invitations (id, case_id, generation, token_hash, token_sealed, applicant_token_sealed)
     VALUES ($1, $2, (SELECT coalesce(max(generation), 0) + 1 FROM invitations WHERE case_id = $2), $3, $4, $5)
     RETURNING id, case_id, generation, applicant_token_sealed, token_sealed, created_at, acted_at`,
    [randomUUID(), i.caseId, i.tokenHash, i.tokenSealed, i.applicantTokenSealed],
  );
  return r.rows[0]!;
}

export async function insertInvitationDelivery(
  q: Queryable,
  d: { invitationId: string; caseId: string; channel: 'email' | 'sms' },
): Promise<number> {
  const r = await q.query<{ id: string }>(
    'INSERT INTO invitation_deliveries (invitation_id, case_id, channel) VALUES ($1, $2, $3) RETURNING id',
    [d.invitationId, d.caseId, d.channel],
  );
  return Number(r.rows[0]!.id);
}

export async function invitationByTokenHash(
  q: Queryable,
  tokenHash: string,
): Promise<InvitationRow | undefined> {
  return (
    await q.query<InvitationRow>(
      'SELECT id, case_id, generation, applicant_token_sealed, token_sealed, created_at, acted_at FROM invitations WHERE token_hash = $1',
      [tokenHash],
    )
  ).rows[0];
}

export async function invitationById(q: Queryable, id: string): Promise<InvitationRow | undefined> {
  return (
    await q.query<InvitationRow>(
      'SELECT id, case_id, generation, applicant_token_sealed, token_sealed, created_at, acted_at FROM invitations WHERE id = $1',
      [id],
    )
  ).rows[0];
}

/** Sets acted_at once; true when this call was the first action. */
export async function markActed(q: Queryable, id: string, at: Date): Promise<boolean> {
  const r = await q.query('UPDATE invitations SET acted_at = $2 WHERE id = $1 AND acted_at IS NULL', [
    id,
    at,
  ]);
  return (r.rowCount ?? 0) > 0;
}

export async function deliveryById(q: Queryable, id: number): Promise<InvitationDeliveryRow | undefined> {
  return (await q.query<InvitationDeliveryRow>('SELECT * FROM invitation_deliveries WHERE id = $1', [id]))
    .rows[0];
}

export const { markSent: markDeliverySent, markAttemptFailed: markDeliveryAttemptFailed } =
  deliveryAttempts('invitation_deliveries');

export async function deliveriesOfCase(q: Queryable, caseId: string): Promise<InvitationDeliveryRow[]> {
  return (
    await q.query<InvitationDeliveryRow>(
      'SELECT * FROM invitation_deliveries WHERE case_id = $1 ORDER BY id',
      [caseId],
    )
  ).rows;
}

export async function latestInvitation(q: Queryable, caseId: string): Promise<InvitationRow | undefined> {
  return (
    await q.query<InvitationRow>(
      'SELECT id, case_id, generation, applicant_token_sealed, token_sealed, created_at, acted_at FROM invitations WHERE case_id = $1 ORDER BY generation DESC LIMIT 1',
      [caseId],
    )
  ).rows[0];
}

export async function invitationCount(q: Queryable, caseId: string): Promise<number> {
  const r = await q.query<{ n: string }>('SELECT count(*) AS n FROM invitations WHERE case_id = $1', [
    caseId,
  ]);
  return Number(r.rows[0]!.n);
}

/** The applicant's contact and language, for rendering (never logged). */
export async function caseContact(
  q: Queryable,
  caseId: string,
): Promise<
  { lang: 'fr' | 'en'; firstNames: string; email: string; mobile: string; status: string } | undefined
> {
  const r = await q.query<{
    lang: 'fr' | 'en';
    applicant: { firstNames: string; email: string; mobile: string };
    status: string;
  }>('SELECT lang, applicant, status FROM cases WHERE id = $1', [caseId]);
  const row = r.rows[0];
  if (!row) return undefined;
  const a = typeof row.applicant === 'string' ? JSON.parse(row.applicant) : row.applicant;
  return { lang: row.lang, firstNames: a.firstNames, email: a.email, mobile: a.mobile, status: row.status };
}

/** When the applicant first acted on any of the case's invitations (null: not yet). */
export async function firstActedAt(q: Queryable, caseId: string): Promise<Date | null> {
  const r = await q.query<{ acted_at: Date | null }>(
    'SELECT min(acted_at) AS acted_at FROM invitations WHERE case_id = $1',
    [caseId],
  );
  const v = r.rows[0]?.acted_at;
  return v ? new Date(v) : null;
}
