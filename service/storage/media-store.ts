// Encrypted media storage. Keys are random (never derived from user input); every byte at rest is
// sealed with AES-256-GCM (see sealed-stream.ts). The local-directory backend is the default.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync } from 'node:fs';
import { mkdtemp, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { PassThrough, Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { decryptStream, encryptStream } from './sealed-stream.js';
import { processWorkDir, workRootOf } from './work-dir.js';

export interface StoredObject {
  key: string;
  /** Plaintext size in bytes. */
  size: number;
  /** sha256 of the plaintext, hex. */
  sha256: string;
}

export interface MediaStore {
  /** Streams `source` through encryption into a new object. Rejects (and leaves nothing) when the source errors. */
  put(source: Readable): Promise<StoredObject>;
  /** Decrypting read stream. */
  get(key: string): Readable;
  delete(key: string): Promise<void>;
  /** Every stored object's key, with its modification time (for the consistency check). */
  list(): Promise<Array<{ key: string; mtime: Date }>>;
  /** Root of the per-process work directories where decrypted copies live (see work-dir.ts). */
  readonly workRoot: string;
}

const KEY_RE = /^[0-9a-f]{32}$/;

export function newStorageKey(): string {
  return randomBytes(16).toString('hex');
}

/** `workRoot` defaults to a `work` directory beside `dir` (DATA_DIR/work for DATA_DIR/media). */
export function createLocalMediaStore(
  dir: string,
  hexKey: string,
  workRoot = join(dirname(dir), 'work'),
): MediaStore {
  const key = Buffer.from(hexKey, 'hex');
  if (key.length !== 32) throw new Error('media encryption key must be 32 bytes');
  const pathOf = (k: string) => {
    if (!KEY_RE.test(k)) throw new Error('invalid storage key');
    return join(dir, k.slice(0, 2), `${k}.sealed`);
  };
  return {
    workRoot,
    async put(source) {
      const k = newStorageKey();
      const final = pathOf(k);
      // Synchronous on purpose: the pipeline must attach to `source` in this tick, or an early source
      // error would be emitted with no listener.
      mkdirSync(join(dir, k.slice(0, 2)), { recursive: true, mode: 0o700 });
      const tmp = `${final}.part`;
      const hash = createHash('sha256');
      let size = 0;
      const meter = new Transform({
        transform(chunk: Buffer, _e, cb) {
          hash.update(chunk);
          size += chunk.length;
          cb(null, chunk);
        },
      });
      try {
        await pipeline(source, meter, encryptStream(key), createWriteStream(tmp, { mode: 0o600 }));
        await rename(tmp, final);
      } catch (e) {
        await rm(tmp, { force: true });
        throw e;
      }
      return { key: k, size, sha256: hash.digest('hex') };
    },
    get(k) {
      const out = new PassThrough();
      pipeline(createReadStream(pathOf(k)), decryptStream(key), out).catch((e: Error) => out.destroy(e));
      return out;
    },
    async delete(k) {
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

/**
 * Decrypts objects into a private directory (0700) inside this process's work directory for tools that need a
 * path (ffmpeg), runs fn, and removes the directory afterwards (after a crash, the start-up or sweep does).
 */
export async function withDecrypted<T>(
  store: MediaStore,
  items: Array<{ key: string; name: string }>,
  fn: (paths: Record<string, string>) => Promise<T>,
): Promise<T> {
  const dir = await mkdtemp(join(processWorkDir(store.workRoot), 'm-'));
  try {
    const paths: Record<string, string> = {};
    for (const it of items) {
      const p = join(dir, it.name.replace(/[^a-z0-9._-]/gi, '_'));
      await pipeline(store.get(it.key), createWriteStream(p, { mode: 0o600 }));
      paths[it.name] = p;
    }
    return await fn(paths);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function readAll(store: MediaStore, key: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of store.get(key)) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

export async function exists(dir: string, k: string): Promise<boolean> {
  return stat(join(dir, k.slice(0, 2), `${k}.sealed`)).then(
    () => true,
    () => false,
  );
}

/** The deployment's media store (DATA_DIR/media, MEDIA_ENCRYPTION_KEY): shared by the API, the pipeline and the console. */
export function mediaStoreFor(c: { DATA_DIR: string; MEDIA_ENCRYPTION_KEY: string }): MediaStore {
  return createLocalMediaStore(join(c.DATA_DIR, 'media'), c.MEDIA_ENCRYPTION_KEY, workRootOf(c.DATA_DIR));
}
