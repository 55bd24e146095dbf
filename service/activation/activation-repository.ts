// Data access for activation: cases (read only), activation state, codes, letters, deliveries.
// Every function takes a Queryable so it can run inside the caller's transaction.
import type { Queryable } from '../db/index.js';

export type Lang = 'fr' | 'en';
export type CodeStatus = 'active' | 'used' | 'superseded' | 'locked';

export interface ApplicantContact {
  lastName?: string;
  firstNames?: string;
  email?: string;
  mobile?: string;
}

export interface CaseRow {
  id: string;
  reference: string;
  status: string;
  lang: Lang;
  applicant: ApplicantContact;
}

export interface ActivationRow {
  case_id: string;
  status: 'issued' | 'activated';
  resends: number;
  activated_at: Date | null;
}

export interface CodeRow {
  id: string;
  case_id: string;
  generation: number;
  code_hmac: string;
  code_sealed: string;
  status: CodeStatus;
  failed_attempts: number;
  expires_at: Date;
  expired: boolean;
}

const json = <T>(v: unknown): T => (typeof v === 'string' ? (JSON.parse(v) as T) : (v as T));

export async function caseById(q: Queryable, id: string, lock = false): Promise<CaseRow | undefined> {
  const r = await q.query<CaseRow>(
    `SELECT id, reference, status, lang, applicant FROM cases WHERE id = $1${lock ? ' FOR UPDATE' : ''}`,
    [id],
  );
  const row = r.rows[0];
  return row && { ...row, applicant: json<ApplicantContact>(row.applicant) };
}

/** The applicant knows their session id (the case id); the business service knows the reference. Accept both. */
export async function caseIdByReference(q: Queryable, ref: string): Promise<string | undefined> {
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(ref);
  const r = await q.query<{ id: string }>(
    uuid
      ? 'SELECT id FROM cases WHERE id = $1 OR reference = $1::text'
      : 'SELECT id FROM cases WHERE reference = $1',
    [ref],
  );
  return r.rows[0]?.id;
}

export async function activationOf(
  q: Queryable,
  caseId: string,
  lock = false,
): Promise<ActivationRow | undefined> {
  const r = await q.query<ActivationRow>(
    `SELECT case_id, status, resends, activated_at FROM activations WHERE case_id = $1${lock ? ' FOR UPDATE' : ''}`,
    [caseId],
  );
  return r.rows[0];
}

export async function insertActivation(q: Queryable, caseId: string): Promise<boolean> {
  const r = await q.query('INSERT INTO activations (case_id) VALUES ($1) ON CONFLICT (case_id) DO NOTHING', [
    caseId,
  ]);
  return r.rowCount > 0;
}

export async function bumpResends(q: Queryable, caseId: string): Promise<number> {
  const r = await q.query<{ resends: number }>(
    'UPDATE activations SET resends = resends + 1, updated_at = now() WHERE case_id = $1 RETURNING resends',
    [caseId],
  );
  return r.rows[0]!.resends;
}

export async function markActivated(q: Queryable, caseId: string): Promise<Date> {
  const r = await q.query<{ activated_at: Date }>(
    `UPDATE activations SET status = 'activated', activated_at = now(), updated_at = now() WHERE case_id = $1 RETURNING activated_at`,
    [caseId],
  );
  return new Date(r.rows[0]!.activated_at);
}

const CODE_COLS = `id, case_id, generation, code_hmac, code_sealed, status, failed_attempts, expires_at, (expires_at <= now()) AS expired`;

/** The newest code of a case (whatever its status), locked when asked. */
export async function latestCode(q: Queryable, caseId: string, lock = false): Promise<CodeRow | undefined> {
  const r = await q.query<CodeRow>(
    `SELECT ${CODE_COLS} FROM activation_codes WHERE case_id = $1 ORDER BY generation DESC LIMIT 1${lock ? ' FOR UPDATE' : ''}`,
    [caseId],
  );
  return r.rows[0];
}

export async function codeById(q: Queryable, id: string): Promise<CodeRow | undefined> {
  return (await q.query<CodeRow>(`SELECT ${CODE_COLS} FROM activation_codes WHERE id = $1`, [id])).rows[0];
}

export async function insertCode(
  q: Queryable,
  c: {
    id: string;
    caseId: string;
    generation: number;
    codeHmac: string;
    codeSealed: string;
    ttlDays: number;
  },
): Promise<void> {
  await q.query(
    `INSERT INTO activation_codes (id, case_id, generation, code_hmac, code_sealed, expires_at)
     VALUES ($1, $2, $3, $4, $5, now() + make_interval(days => $6::int))`,
    [c.id, c.caseId, c.generation, c.codeHmac, c.codeSealed, c.ttlDays],
  );
}

export async function setCodeStatus(q: Queryable, id: string, status: CodeStatus): Promise<void> {
  await q.query(
    `UPDATE activation_codes SET status = $2, used_at = CASE WHEN $2 = 'used' THEN now() ELSE used_at END WHERE id = $1`,
    [id, status],
  );
}

/** Counts one wrong attempt; locks the code when the limit is reached. Returns the new count. */
export async function recordWrongAttempt(q: Queryable, id: string, maxAttempts: number): Promise<number> {
  const r = await q.query<{ failed_attempts: number }>(
    `UPDATE activation_codes SET failed_attempts = failed_attempts + 1,
       status = CASE WHEN failed_attempts + 1 >= $2 THEN 'locked' ELSE status END
     WHERE id = $1 RETURNING failed_attempts`,
    [id, maxAttempts],
  );
  return r.rows[0]!.failed_attempts;
}

export interface LetterRow {
  id: string;
  case_id: string;
  code_id: string;
  token_sealed: string;
  opened_at: Date | null;
}

export async function insertLetter(
  q: Queryable,
  l: { id: string; caseId: string; codeId: string; tokenHash: string; tokenSealed: string },
): Promise<void> {
  await q.query(
    'INSERT INTO letters (id, case_id, code_id, token_hash, token_sealed) VALUES ($1, $2, $3, $4, $5)',
    [l.id, l.caseId, l.codeId, l.tokenHash, l.tokenSealed],
  );
}

export async function letterByTokenHash(q: Queryable, tokenHash: string): Promise<LetterRow | undefined> {
  return (
    await q.query<LetterRow>(
      'SELECT id, case_id, code_id, token_sealed, opened_at FROM letters WHERE token_hash = $1 FOR UPDATE',
      [tokenHash],
    )
  ).rows[0];
}

export async function letterByCode(q: Queryable, codeId: string): Promise<LetterRow | undefined> {
  return (
    await q.query<LetterRow>(
      'SELECT id, case_id, code_id, token_sealed, opened_at FROM letters WHERE code_id = $1',
      [codeId],
    )
  ).rows[0];
}

/** Records an opening; the first one is the proof of receipt. Returns true on the first opening. */
export async function recordLetterOpen(
  q: Queryable,
  id: string,
  receipt: { at: Date; ipSha256: string; uaSha256: string },
): Promise<boolean> {
  const r = await q.query<{ first: boolean }>(
    `UPDATE letters SET open_count = open_count + 1,
       opened_at = COALESCE(opened_at, $2), opened_ip_sha256 = COALESCE(opened_ip_sha256, $3),
       opened_ua_sha256 = COALESCE(opened_ua_sha256, $4)
     WHERE id = $1 RETURNING (open_count = 1) AS first`,
    [id, receipt.at.toISOString(), receipt.ipSha256, receipt.uaSha256],
  );
  return r.rows[0]?.first === true;
}

/** Generation number of each of a case's activation codes, by code id. */
export async function codeGenerations(q: Queryable, caseId: string): Promise<Map<string, number>> {
  const r = await q.query<{ id: string; generation: number }>(
    'SELECT id, generation FROM activation_codes WHERE case_id = $1',
    [caseId],
  );
  return new Map(r.rows.map((x) => [x.id, x.generation]));
}
