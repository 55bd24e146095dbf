// Encrypted media storage. Keys are random (never derived from user input); every byte at rest is
// sealed with AES-256-GCM (see sealed-stream.ts). The local-directory backend is the default.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync } from 'node:fs';
import { mkdtemp, rename, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { decryptStream, encryptStream } from './sealed-stream.js';

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
}

const KEY_RE = /^[0-9a-f]{32}$/;

export function newStorageKey(): string {
  return randomBytes(16).toString('hex');
}

export function createLocalMediaStore(dir: string, hexKey: string): MediaStore {
  const key = Buffer.from(hexKey, 'hex');
  if (key.length !== 32) throw new Error('media encryption key must be 32 bytes');
  const pathOf = (k: string) => {
    if (!KEY_RE.test(k)) throw new Error('invalid storage key');
    return join(dir, k.slice(0, 2), `${k}.sealed`);
  };
  return {
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
  };
}

/**
 * Decrypts objects into a private temporary directory (0700) for tools that need a path (ffmpeg),
 * runs fn, and always removes the directory afterwards.
 */
export async function withDecrypted<T>(
  store: MediaStore,
  items: Array<{ key: string; name: string }>,
  fn: (paths: Record<string, string>) => Promise<T>,
): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'idv-media-'));
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
  return createLocalMediaStore(join(c.DATA_DIR, 'media'), c.MEDIA_ENCRYPTION_KEY);
}
