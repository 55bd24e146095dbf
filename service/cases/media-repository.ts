// Media metadata (the bytes live encrypted in the media store, under a random key).
import { randomUUID } from 'node:crypto';
import type { Queryable } from '../db/index.js';
import type { MediaKind, MediaRow } from './types.js';

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
