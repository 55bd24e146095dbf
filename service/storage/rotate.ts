// `idv keys rotate`: moves every object and data key onto the current master key. Objects sealed with a master
// key directly (v1, before per-case keys) are first re-sealed under their case's data key (the only step that
// rewrites media); then every data key wrapped by a previous master key is re-wrapped. Afterwards the previous
// master keys can be removed from MEDIA_PREVIOUS_KEYS.
import type { Queryable } from '../db/index.js';
import type { MasterKeys, RotationReport } from './keyring.js';
import { rotateMasterKey } from './keyring.js';
import { liveObjects } from './live-object-repository.js';
import type { MediaStore } from './media-store.js';

export { liveObjects };

export interface KeyRotationReport extends RotationReport {
  /** v1 objects re-sealed under their case's data key. */
  resealed: number;
  /** Rows whose object is missing (see `idv storage check`). */
  missingObjects: number;
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
