// Media metadata (the bytes live encrypted in the media store, under a random key).
import { randomUUID } from 'node:crypto';
import type { Db, Queryable } from '../db/index.js';
import { lockCase } from './case-repository.js';
import type { CaseRow, MediaKind, MediaRow } from './types.js';

/** Inserts or replaces the media of one kind for an attempt; returns the storage key it replaced, if any. */
export async function upsertMedia(q: Queryable, m: Omit<MediaRow, 'id'>): Promise<string | undefined> {
  const prev = await q.query<{ storage_key: string }>(
    'SELECT storage_key FROM media WHERE case_id = $1 AND attempt = $2 AND kind = $3',
    [m.caseId, m.attempt, m.kind],
  );
  await q.query(
    `INSERT INTO media (id, case_id, attempt, kind, storage_key, mime, size_bytes, sha256, probe) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)
     ON CONFLICT (case_id, attempt, kind) DO UPDATE SET storage_key = EXCLUDED.storage_key, mime = EXCLUDED.mime,
       size_bytes = EXCLUDED.size_bytes, sha256 = EXCLUDED.sha256, probe = EXCLUDED.probe, created_at = now()`,
    [
      randomUUID(),
      m.caseId,
      m.attempt,
      m.kind,
      m.storageKey,
      m.mime,
      m.sizeBytes,
      m.sha256,
      m.probe === undefined ? null : JSON.stringify(m.probe),
    ],
  );
  return prev.rows[0]?.storage_key;
}

/**
 * Replaces the media of one kind while holding the case's row lock, so that parallel writes to one slot
 * serialise and each replaced storage key is handed back exactly once (for deletion by the caller). `accept`
 * sees the locked case (e.g. still open for uploads); when it says no, nothing changes and 'refused' is returned.
 */
export async function replaceMedia(
  db: Db,
  m: Omit<MediaRow, 'id'>,
  accept: (c: CaseRow) => boolean = () => true,
): Promise<{ replaced?: string } | 'refused'> {
  return db.tx(async (q) => {
    const c = await lockCase(q, m.caseId);
    if (!c || !accept(c)) return 'refused' as const;
    const replaced = await upsertMedia(q, m);
    return replaced && replaced !== m.storageKey ? { replaced } : {};
  });
}

/**
 * Every storage key a media row refers to whose object should exist (for the storage consistency check): a purged
 * row keeps its metadata while its object is gone by design.
 */
export async function listStorageKeys(q: Queryable): Promise<Array<{ key: string; caseId: string }>> {
  const r = await q.query<{ storage_key: string; case_id: string }>(
    'SELECT storage_key, case_id FROM media WHERE purged_at IS NULL',
  );
  return r.rows.map((x) => ({ key: x.storage_key, caseId: x.case_id }));
}

export async function listMedia(q: Queryable, caseId: string, attempt: number): Promise<MediaRow[]> {
  const r = await q.query<{
    id: string;
    case_id: string;
    attempt: number;
    kind: MediaKind;
    storage_key: string;
    mime: string;
    size_bytes: string | number;
    sha256: string;
    probe: unknown;
  }>('SELECT * FROM media WHERE case_id = $1 AND attempt = $2 ORDER BY kind', [caseId, attempt]);
  return r.rows.map((x) => ({
    id: x.id,
    caseId: x.case_id,
    attempt: x.attempt,
    kind: x.kind,
    storageKey: x.storage_key,
    mime: x.mime,
    sizeBytes: Number(x.size_bytes),
    sha256: x.sha256,
    ...(x.probe != null ? { probe: x.probe } : {}),
  }));
}
