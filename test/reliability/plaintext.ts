// Finds decrypted copies of stored media anywhere under some directories: a file whose size and sha256 equal a
// media row's plaintext size and hash (the rows keep both) is a plaintext copy, whatever its name.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Queryable } from '../../service/db/index.js';

export interface Plain {
  size: number;
  sha256: string;
}

/** The plaintext fingerprints of every stored medium of the given cases (all when none given). */
export async function plaintextsOf(db: Queryable, caseIds?: string[]): Promise<Plain[]> {
  const r = await db.query<{ size_bytes: string | number; sha256: string }>(
    caseIds
      ? 'SELECT size_bytes, sha256 FROM media WHERE case_id = ANY($1::uuid[])'
      : 'SELECT size_bytes, sha256 FROM media',
    caseIds ? [caseIds] : [],
  );
  return r.rows.map((x) => ({ size: Number(x.size_bytes), sha256: x.sha256 }));
}

async function sha256(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const c of createReadStream(path)) h.update(c as Buffer);
  return h.digest('hex');
}

/** The fingerprint of a file's bytes. */
export async function fingerprint(path: string): Promise<Plain> {
  return { size: (await stat(path)).size, sha256: await sha256(path) };
}

/** Paths under `roots` holding one of `plain` (symbolic links not followed; unreadable entries skipped). */
export async function findPlaintext(roots: string[], plain: Plain[]): Promise<string[]> {
  const bySize = new Map<number, Set<string>>();
  for (const p of plain) bySize.set(p.size, (bySize.get(p.size) ?? new Set()).add(p.sha256));
  const found: string[] = [];
  const walk = async (dir: string, depth: number): Promise<void> => {
    if (depth > 12) return;
    const entries = await readdir(dir).catch(() => [] as string[]);
    for (const e of entries) {
      const path = join(dir, e);
      const st = await lstat(path).catch(() => undefined);
      if (!st) continue;
      if (st.isDirectory()) await walk(path, depth + 1);
      else if (st.isFile() && bySize.has(st.size)) {
        const h = await sha256(path).catch(() => '');
        if (bySize.get(st.size)!.has(h)) found.push(path);
      }
    }
  };
  for (const r of roots) await walk(r, 0);
  return found;
}
