// Where sealed objects live. A backend stores opaque ciphertext under a storage key; sealing, keys and
// plaintext stay in media-store.ts, so that no backend (and no bucket) ever sees plaintext.
import { createReadStream, createWriteStream, mkdirSync } from 'node:fs';
import { readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export interface ByteRange {
  /** First byte, inclusive. */
  start: number;
  /** Last byte, inclusive. */
  end: number;
}

export interface BlobBackend {
  readonly kind: 'local' | 's3';
  /**
   * Streams `source` into object `key`; the object appears whole or not at all. Must attach to `source` in the
   * calling tick (an early source error would otherwise go unheard). Rejects and leaves nothing when it errors.
   */
  write(key: string, source: Readable): Promise<void>;
  /** The object's bytes (or one range of them). */
  read(key: string, range?: ByteRange): Promise<Readable>;
  /** Size in bytes of the stored object. */
  size(key: string): Promise<number>;
  /** Deletes the object; no error when it does not exist. */
  remove(key: string): Promise<void>;
  /** Every object, with its modification time. */
  list(): Promise<Array<{ key: string; mtime: Date }>>;
}

export const KEY_RE = /^[0-9a-f]{32}$/;

export function checkKey(k: string): string {
  if (!KEY_RE.test(k)) throw new Error('invalid storage key');
  return k;
}

/** DATA_DIR/media/<first two hex>/<key>.sealed: the on-disk layout since the first release. */
export function createLocalBackend(dir: string): BlobBackend {
  const pathOf = (k: string) => join(dir, checkKey(k).slice(0, 2), `${k}.sealed`);
  return {
    kind: 'local',
    async write(k, source) {
      const final = pathOf(k);
      mkdirSync(join(dir, k.slice(0, 2)), { recursive: true, mode: 0o700 });
      const tmp = `${final}.part`;
      try {
        await pipeline(source, createWriteStream(tmp, { mode: 0o600 }));
        await rename(tmp, final);
      } catch (e) {
        await rm(tmp, { force: true });
        throw e;
      }
    },
    async read(k, range) {
      const path = pathOf(k);
      // Open first so that a missing object rejects here rather than as a stream error.
      await stat(path);
      return createReadStream(path, range ? { start: range.start, end: range.end } : {});
    },
    async size(k) {
      return (await stat(pathOf(k))).size;
    },
    async remove(k) {
      await rm(pathOf(k), { force: true });
    },
    async list() {
      const out: Array<{ key: string; mtime: Date }> = [];
      for (const sub of await readdir(dir).catch(() => [] as string[])) {
        if (!/^[0-9a-f]{2}$/.test(sub)) continue;
        for (const f of await readdir(join(dir, sub))) {
          const m = /^([0-9a-f]{32})\.sealed$/.exec(f);
          if (m) out.push({ key: m[1]!, mtime: (await stat(join(dir, sub, f))).mtime });
        }
      }
      return out;
    },
  };
}
