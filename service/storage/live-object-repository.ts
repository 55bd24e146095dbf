// The stored objects the database refers to (for key rotation and the storage check).
import type { Queryable } from '../db/index.js';
import type { KeyPurpose } from './media-key-repository.js';

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
