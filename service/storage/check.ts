// Consistency of the media store with the database: objects no row refers to (orphans: leaked plaintext-free but
// personal bytes) and rows whose object is gone (a case that can no longer be processed or reviewed).
import type { MediaStore } from './media-store.js';

export interface StorageReport {
  ok: boolean;
  objects: number;
  rows: number;
  /** Objects no media row refers to, older than the grace period. */
  orphanObjects: string[];
  /** Objects without a row but younger than the grace period (an upload between its write and its row). */
  recentUnreferenced: number;
  /** Media rows whose object does not exist. */
  missingObjects: Array<{ key: string; caseId: string }>;
  /** Orphans deleted (with `deleteOrphans`). */
  deleted: number;
}

export interface StorageCheckOptions {
  /** Objects younger than this are in flight, not orphans. Default 10 minutes. */
  graceMs?: number;
  /** Delete the orphan objects found. */
  deleteOrphans?: boolean;
  now?: Date;
}

export async function checkStorage(
  store: MediaStore,
  rows: Array<{ key: string; caseId: string }>,
  o: StorageCheckOptions = {},
): Promise<StorageReport> {
  const cutoff = (o.now ?? new Date()).getTime() - (o.graceMs ?? 10 * 60_000);
  const objects = await store.list();
  const referenced = new Set(rows.map((r) => r.key));
  const present = new Set(objects.map((x) => x.key));
  const unreferenced = objects.filter((x) => !referenced.has(x.key));
  const orphanObjects = unreferenced.filter((x) => x.mtime.getTime() <= cutoff).map((x) => x.key);
  const missingObjects = rows.filter((r) => !present.has(r.key));
  let deleted = 0;
  if (o.deleteOrphans) {
    for (const k of orphanObjects) {
      await store.delete(k);
      deleted++;
    }
  }
  return {
    ok: (orphanObjects.length === 0 || deleted === orphanObjects.length) && missingObjects.length === 0,
    objects: objects.length,
    rows: rows.length,
    orphanObjects,
    recentUnreferenced: unreferenced.length - orphanObjects.length,
    missingObjects,
    deleted,
  };
}
