// Encrypted media storage. Keys are random (never derived from user input); every byte at rest is sealed with
// AES-256-GCM (see sealed-stream.ts) before it reaches a backend (local directory, the default, or an
// S3-compatible bucket), so no backend ever holds plaintext. With a keyring, each case's objects are sealed with
// that case's data key (envelope encryption, keyring.ts); objects sealed with the master key directly (v1, before
// per-case keys) stay readable.
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { PassThrough, Transform, pipeline as pipelineCb, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { checkKey, createLocalBackend, type BlobBackend } from './backend.js';
import { createS3Backend, s3OptionsOf } from './s3-backend.js';
import { createKeyring, masterKeysOf, type KeyPurpose, type Keyring } from './keyring.js';
import {
  MAX_HEADER,
  SEALED_SEGMENT,
  SEGMENT,
  decryptStream,
  encryptStream,
  parseHeader,
  sealedLayout,
  type KeyResolver,
  type SealedHeader,
} from './sealed-stream.js';
import { processWorkDir, workRootOf } from './work-dir.js';
import type { Queryable } from '../db/index.js';

export interface StoredObject {
  key: string;
  /** Plaintext size in bytes. */
  size: number;
  /** sha256 of the plaintext, hex. */
  sha256: string;
}

export interface PutOptions {
  /** The case the object belongs to: its data key seals it. */
  caseId: string;
  /** 'media' (default) is destroyed with the case's media; 'evidence' outlives it. */
  purpose?: KeyPurpose;
}

export interface MediaStore {
  /** Which backend holds the sealed objects. */
  readonly backend: 'local' | 's3';
  /**
   * Streams `source` through encryption into a new object. Rejects (and leaves nothing) when the source errors.
   * A store with a keyring requires `opts` (the case whose key seals the object).
   */
  put(source: Readable, opts: PutOptions): Promise<StoredObject>;
  /** Decrypting read stream. */
  get(key: string): Readable;
  /** Plaintext size of an object (without reading it). */
  size(key: string): Promise<number>;
  /** Plaintext bytes start..end (inclusive), decrypting only the segments that hold them. */
  getRange(key: string, start: number, end: number): Readable;
  /** Re-seals a v1 object (master key) in place under its case's data key; false when it already has one. */
  reseal(key: string, opts: PutOptions): Promise<boolean>;
  delete(key: string): Promise<void>;
  /** Every stored object's key, with its modification time (for the consistency check). */
  list(): Promise<Array<{ key: string; mtime: Date }>>;
  /** Root of the per-process work directories where decrypted copies live (see work-dir.ts). */
  readonly workRoot: string;
}

export function newStorageKey(): string {
  return randomBytes(16).toString('hex');
}

export interface MediaStoreOptions {
  backend: BlobBackend;
  workRoot: string;
  /** Per-case data keys. Without it, objects are sealed with `masterKey` directly (v1). */
  keyring?: Keyring;
  /** 64 hex chars; used (and required) without a keyring. */
  masterKey?: string;
}

/** Drops `skip` bytes then passes `take` bytes. */
function slice(skip: number, take: number): Transform {
  return new Transform({
    transform(chunk: Buffer, _e, cb) {
      let c = chunk;
      if (skip > 0) {
        const n = Math.min(skip, c.length);
        skip -= n;
        c = c.subarray(n);
      }
      if (take > 0 && c.length > 0) {
        const out = c.subarray(0, take);
        take -= out.length;
        this.push(out);
      }
      cb();
    },
  });
}

export function createMediaStore(o: MediaStoreOptions): MediaStore {
  const { backend, keyring } = o;
  let master: Buffer | undefined;
  if (!keyring) {
    master = Buffer.from(o.masterKey ?? '', 'hex');
    if (master.length !== 32) throw new Error('media encryption key must be 32 bytes');
  }
  const resolve: KeyResolver = keyring ? keyring.resolve : async () => [master!];
  const sealingKey = async (opts?: PutOptions): Promise<{ key: Buffer; ref?: Buffer }> => {
    if (!keyring) return { key: master! };
    if (!opts?.caseId) throw new Error('media store: put needs the case whose key seals the object');
    return keyring.dataKeyFor(opts.caseId, opts.purpose ?? 'media');
  };

  /** Writes `source` sealed as object `k`. Attaches to `source` in this tick. */
  const write = async (k: string, source: Readable, opts?: PutOptions): Promise<StoredObject> => {
    let sourceError: Error | undefined;
    const held = new PassThrough();
    // Until the pipeline below attaches (after the data key is fetched), a source error is recorded here; the
    // listener keeps the destroyed `held` from raising an unhandled 'error'.
    held.on('error', () => undefined);
    source.on('error', (e) => {
      sourceError ??= e;
      held.destroy(e);
    });
    source.pipe(held);
    const hash = createHash('sha256');
    let size = 0;
    try {
      const { key, ref } = await sealingKey(opts);
      const meter = new Transform({
        transform(chunk: Buffer, _e, cb) {
          hash.update(chunk);
          size += chunk.length;
          cb(null, chunk);
        },
      });
      const sealed = pipelineCb(held, meter, encryptStream(key, ref), () => undefined);
      await backend.write(k, sealed);
    } catch (e) {
      source.destroy();
      throw sourceError ?? e;
    }
    if (sourceError) throw sourceError;
    return { key: k, size, sha256: hash.digest('hex') };
  };

  const headerOf = async (k: string): Promise<{ header: SealedHeader; sealedSize: number }> => {
    const sealedSize = await backend.size(k);
    const chunks: Buffer[] = [];
    for await (const c of await backend.read(k, { start: 0, end: Math.min(MAX_HEADER, sealedSize) - 1 }))
      chunks.push(c as Buffer);
    const header = parseHeader(Buffer.concat(chunks));
    if (!header) throw new Error('media object truncated');
    return { header, sealedSize };
  };

  const readInto = (out: PassThrough, start: () => Promise<Readable[]>): PassThrough => {
    start()
      .then((streams) => pipeline([...streams, out]))
      .catch((e: Error) => out.destroy(e));
    return out;
  };

  return {
    backend: backend.kind,
    workRoot: o.workRoot,
    put(source, opts) {
      return write(newStorageKey(), source, opts);
    },
    get(k) {
      checkKey(k);
      return readInto(new PassThrough(), async () => [await backend.read(k), decryptStream(resolve)]);
    },
    async size(k) {
      const { header, sealedSize } = await headerOf(k);
      return sealedLayout(header.length, sealedSize).plainSize;
    },
    getRange(k, start, end) {
      checkKey(k);
      return readInto(new PassThrough(), async () => {
        const { header, sealedSize } = await headerOf(k);
        const { segments, plainSize } = sealedLayout(header.length, sealedSize);
        if (start < 0 || end < start || end >= plainSize) throw new RangeError('range outside the object');
        const first = Math.floor(start / SEGMENT);
        const last = Math.floor(end / SEGMENT);
        const from = header.length + first * SEALED_SEGMENT;
        const to = Math.min(header.length + (last + 1) * SEALED_SEGMENT, sealedSize) - 1;
        return [
          await backend.read(k, { start: from, end: to }),
          decryptStream(resolve, { header, first, end: last + 1, total: segments }),
          slice(start - first * SEGMENT, end - start + 1),
        ];
      });
    },
    async reseal(k, opts) {
      checkKey(k);
      const { header } = await headerOf(k);
      if (header.version !== 1 || !keyring) return false;
      // Same key, whole-object replacement (rename on disk, a new PUT in a bucket): readers see old or new.
      await write(
        k,
        readInto(new PassThrough(), async () => [await backend.read(k), decryptStream(resolve)]),
        opts,
      );
      return true;
    },
    async delete(k) {
      await backend.remove(checkKey(k));
    },
    list() {
      return backend.list();
    },
  };
}

/** The local store of `dir`, sealing with `hexKey` directly (no keyring). `workRoot` defaults beside `dir`. */
export function createLocalMediaStore(
  dir: string,
  hexKey: string,
  workRoot = join(dirname(dir), 'work'),
): MediaStore {
  return createMediaStore({ backend: createLocalBackend(dir), workRoot, masterKey: hexKey });
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

/** The storage settings of the configuration. */
export interface StorageConfig {
  DATA_DIR: string;
  MEDIA_ENCRYPTION_KEY: string;
  MEDIA_PREVIOUS_KEYS?: string[];
  MEDIA_STORAGE?: 'local' | 's3';
  S3_ENDPOINT?: string | undefined;
  S3_REGION?: string | undefined;
  S3_BUCKET?: string | undefined;
  S3_ACCESS_KEY_ID?: string | undefined;
  S3_SECRET_ACCESS_KEY?: string | undefined;
  S3_FORCE_PATH_STYLE?: boolean;
  S3_CHECKSUMS?: 'when_required' | 'when_supported';
}

/** The configured backend: DATA_DIR/media, or the S3 bucket (MEDIA_STORAGE=s3). */
export function backendFor(c: StorageConfig): BlobBackend {
  if (c.MEDIA_STORAGE === 's3')
    return createS3Backend(
      s3OptionsOf({
        ...c,
        S3_FORCE_PATH_STYLE: c.S3_FORCE_PATH_STYLE ?? false,
        S3_CHECKSUMS: c.S3_CHECKSUMS ?? 'when_supported',
      }),
    );
  return createLocalBackend(join(c.DATA_DIR, 'media'));
}

/**
 * The deployment's media store, shared by the API, the pipeline and the console: the configured backend, per-case
 * keys in the database wrapped by the master keys, decrypted copies only in this host's DATA_DIR/work.
 */
export function mediaStoreFor(c: StorageConfig, db: Queryable): MediaStore {
  return createMediaStore({
    backend: backendFor(c),
    workRoot: workRootOf(c.DATA_DIR),
    keyring: createKeyring(db, masterKeysOf(c)),
  });
}

/** Whether the local store of `dir` holds object `k`. */
export async function exists(dir: string, k: string): Promise<boolean> {
  return stat(join(dir, k.slice(0, 2), `${k}.sealed`)).then(
    () => true,
    () => false,
  );
}
