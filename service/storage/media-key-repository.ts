// Rows of media_keys: wrapped per-case data keys (wrapping and unwrapping stay in keyring.ts).
import type { Queryable } from '../db/index.js';

export type KeyPurpose = 'media' | 'evidence';

export interface KeyRow {
  id: string;
  master_key_id: string;
  wrapped: Buffer | Uint8Array;
}

export async function findCaseKey(
  q: Queryable,
  caseId: string,
  purpose: KeyPurpose,
): Promise<KeyRow | undefined> {
  const r = await q.query<KeyRow>(
    'SELECT id, master_key_id, wrapped FROM media_keys WHERE case_id = $1 AND purpose = $2',
    [caseId, purpose],
  );
  return r.rows[0];
}

/** Inserts a data key unless the case already has one for the purpose (racing uploads keep the first). */
export async function insertCaseKeyIfAbsent(
  q: Queryable,
  k: { id: string; caseId: string; purpose: KeyPurpose; masterKeyId: string; wrapped: Buffer },
): Promise<void> {
  await q.query(
    `INSERT INTO media_keys (id, case_id, purpose, master_key_id, wrapped) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (case_id, purpose) DO NOTHING`,
    [k.id, k.caseId, k.purpose, k.masterKeyId, k.wrapped],
  );
}

export async function findKeyById(q: Queryable, id: string): Promise<KeyRow | undefined> {
  const r = await q.query<KeyRow>('SELECT id, master_key_id, wrapped FROM media_keys WHERE id = $1', [id]);
  return r.rows[0];
}

/** Deletes a case's data keys for a purpose; returns how many were deleted. */
export async function deleteCaseKeys(q: Queryable, caseId: string, purpose: KeyPurpose): Promise<number> {
  const r = await q.query('DELETE FROM media_keys WHERE case_id = $1 AND purpose = $2 RETURNING id', [
    caseId,
    purpose,
  ]);
  return r.rows.length;
}

/** One batch, by id after `after`, of the keys not wrapped by `masterKeyId`. */
export async function keysNotUnder(
  q: Queryable,
  masterKeyId: string,
  after: string,
  limit: number,
): Promise<KeyRow[]> {
  const r = await q.query<KeyRow>(
    `SELECT id, master_key_id, wrapped FROM media_keys WHERE master_key_id <> $1 AND id > $2
     ORDER BY id LIMIT $3`,
    [masterKeyId, after, limit],
  );
  return r.rows;
}

/**
 * Replaces a key's wrapping if it is still wrapped by `fromMasterKeyId` (a concurrent rotation is not overwritten
 * with a stale read); returns whether the row changed.
 */
export async function rewrapKey(
  q: Queryable,
  k: { id: string; fromMasterKeyId: string; toMasterKeyId: string; wrapped: Buffer },
): Promise<boolean> {
  const u = await q.query(
    `UPDATE media_keys SET master_key_id = $1, wrapped = $2, rotated_at = now()
     WHERE id = $3 AND master_key_id = $4 RETURNING id`,
    [k.toMasterKeyId, k.wrapped, k.id, k.fromMasterKeyId],
  );
  return u.rows.length > 0;
}

/** The master key ids other than `masterKeyId` that still wrap a data key. */
export async function otherMasterKeyIds(q: Queryable, masterKeyId: string): Promise<string[]> {
  const r = await q.query<{ master_key_id: string }>(
    'SELECT DISTINCT master_key_id FROM media_keys WHERE master_key_id <> $1',
    [masterKeyId],
  );
  return r.rows.map((x) => x.master_key_id);
}

export async function countKeysUnder(q: Queryable, masterKeyId: string): Promise<number> {
  const r = await q.query<{ n: string | number }>(
    'SELECT count(*) AS n FROM media_keys WHERE master_key_id = $1',
    [masterKeyId],
  );
  return Number(r.rows[0]!.n);
}
