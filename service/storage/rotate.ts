// `idv keys rotate`: moves every object and data key onto the current master key. Objects sealed with a master
// key directly (v1, before per-case keys) are first re-sealed under their case's data key (the only step that
// rewrites media); then every data key wrapped by a previous master key is re-wrapped. Afterwards the previous
// master keys can be removed from MEDIA_PREVIOUS_KEYS.
import type { Queryable } from '../db/index.js';
import type { KeyPurpose, MasterKeys, RotationReport } from './keyring.js';
import { rotateMasterKey } from './keyring.js';
import type { MediaStore } from './media-store.js';

export interface KeyRotationReport extends RotationReport {
  /** v1 objects re-sealed under their case's data key. */
  resealed: number;
  /** Rows whose object is missing (see `idv storage check`). */
  missingObjects: number;
}

/**
 * Live objects the database refers to: media (purpose media) and evidence files (purpose evidence), which are in
 * the same store (the storage check must not take an evidence file for an orphan). Purged rows have no object.
 */
export async function liveObjects(
  q: Queryable,
): Promise<Array<{ key: string; caseId: string; purpose: KeyPurpose }>> {
  const r = await q.query<{ storage_key: string; case_id: string; purpose: KeyPurpose }>(
    `SELECT storage_key, case_id, 'media' AS purpose FROM media WHERE purged_at IS NULL
     UNION ALL SELECT storage_key, case_id, 'evidence' FROM evidence_files WHERE purged_at IS NULL`,
  );
  return r.rows.map((x) => ({ key: x.storage_key, caseId: x.case_id, purpose: x.purpose }));
}

export async function rotateKeys(
  db: Queryable,
  store: MediaStore,
  master: MasterKeys,
  onProgress: (done: number, total: number) => void = () => undefined,
): Promise<KeyRotationReport> {
  const objects = await liveObjects(db);
  let resealed = 0;
  let missingObjects = 0;
  let done = 0;
  for (const o of objects) {
    try {
      if (await store.reseal(o.key, { caseId: o.caseId, purpose: o.purpose })) resealed++;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT') throw e;
      missingObjects++;
    }
    onProgress(++done, objects.length);
  }
  return { ...(await rotateMasterKey(db, master)), resealed, missingObjects };
}
