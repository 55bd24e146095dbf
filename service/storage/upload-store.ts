// A tus DataStore whose partial uploads are ciphertext from the first byte: each run of bytes received is sealed
// (AES-256-GCM) as an independent record as it arrives, so an interrupted or crashed upload leaves only sealed
// records (and possibly a torn last record, cut off at the next look) on disk, never plaintext.
//
// Records file (<id>.parts): record* ; record = u32be plainLen | nonce(12) | ciphertext(plainLen) | tag(16).
// AAD = "IDVU" | upload id | u64be offset of the record's first byte, so records cannot be moved between
// uploads or reordered. Upload facts (size, metadata, creation date) are in <id>.json (no personal data: the
// case id, the slot and the declared type only).
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { open, readFile, readdir, rm, stat, writeFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { DataStore, ERRORS, Upload } from '@tus/utils';

const HEAD = 4 + 12;
const TAG = 16;
/** Plaintext per record while the stream flows; the bytes pending at an abort become a shorter record. */
export const RECORD_BYTES = 256 * 1024;
const ID_RE = /^[0-9a-f]{32}$/;

/** The directory of a deployment's partial uploads. */
export function uploadRootOf(dataDir: string): string {
  return join(dataDir, 'uploads');
}

function aad(id: string, offset: number): Buffer {
  const b = Buffer.alloc(4 + id.length + 8);
  b.write('IDVU', 0, 'latin1');
  b.write(id, 4, 'latin1');
  b.writeBigUInt64BE(BigInt(offset), 4 + id.length);
  return b;
}

function sealRecord(key: Buffer, id: string, offset: number, plain: Buffer): Buffer {
  const nonce = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', key, nonce);
  c.setAAD(aad(id, offset));
  const len = Buffer.alloc(4);
  len.writeUInt32BE(plain.length);
  return Buffer.concat([len, nonce, c.update(plain), c.final(), c.getAuthTag()]);
}

function openRecord(key: Buffer, id: string, offset: number, rec: Buffer): Buffer {
  const len = rec.readUInt32BE(0);
  const d = createDecipheriv('aes-256-gcm', key, rec.subarray(4, HEAD));
  d.setAAD(aad(id, offset));
  d.setAuthTag(rec.subarray(HEAD + len));
  return Buffer.concat([d.update(rec.subarray(HEAD, HEAD + len)), d.final()]);
}

interface UploadFacts {
  id: string;
  size?: number;
  metadata?: Record<string, string | null>;
  creation_date?: string;
}

export interface SealedUploadStoreOptions {
  dir: string;
  /** The media key (hex, 32 bytes); records use a key derived from it for this purpose only. */
  hexKey: string;
  /** Unfinished uploads older than this are expired (tus expiration extension); 0 = never. */
  expirationMs: number;
}

export class SealedUploadStore extends DataStore {
  private readonly key: Buffer;
  private readonly dir: string;
  private readonly expirationMs: number;

  constructor(o: SealedUploadStoreOptions) {
    super();
    const master = Buffer.from(o.hexKey, 'hex');
    if (master.length !== 32) throw new Error('media encryption key must be 32 bytes');
    this.key = Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), 'idv tus upload records v1', 32));
    this.dir = o.dir;
    this.expirationMs = o.expirationMs;
    this.extensions = ['creation', 'termination', 'expiration'];
    mkdirSync(o.dir, { recursive: true, mode: 0o700 });
  }

  private path(id: string, ext: 'json' | 'parts'): string {
    if (!ID_RE.test(id)) throw ERRORS.FILE_NOT_FOUND;
    return join(this.dir, `${id}.${ext}`);
  }

  private async facts(id: string): Promise<UploadFacts> {
    try {
      return JSON.parse(await readFile(this.path(id, 'json'), 'utf8')) as UploadFacts;
    } catch {
      throw ERRORS.FILE_NOT_FOUND;
    }
  }

  /** An upload's metadata, without touching its records (safe outside tus's lock, unlike getUpload). */
  async metadataOf(id: string): Promise<Record<string, string | null> | null> {
    return (await this.facts(id).catch(() => null))?.metadata ?? null;
  }

  override async create(file: Upload): Promise<Upload> {
    const facts: UploadFacts = {
      id: file.id,
      ...(file.size !== undefined ? { size: file.size } : {}),
      ...(file.metadata ? { metadata: file.metadata } : {}),
      ...(file.creation_date ? { creation_date: file.creation_date } : {}),
    };
    await writeFile(this.path(file.id, 'parts'), Buffer.alloc(0), { mode: 0o600, flag: 'wx' });
    const tmp = `${this.path(file.id, 'json')}.tmp`;
    await writeFile(tmp, JSON.stringify(facts), { mode: 0o600 });
    await rename(tmp, this.path(file.id, 'json'));
    return file;
  }

  /**
   * Walks the record headers and returns the plaintext bytes held. A torn last record (a crash in the middle of
   * its write) is cut off, so that the client resumes from the last whole record.
   */
  private async scan(id: string): Promise<{ offset: number; records: Array<{ at: number; len: number }> }> {
    const fh = await open(this.path(id, 'parts'), 'r+').catch(() => {
      throw ERRORS.FILE_NOT_FOUND;
    });
    try {
      const size = (await fh.stat()).size;
      const records: Array<{ at: number; len: number }> = [];
      const head = Buffer.alloc(4);
      let pos = 0;
      let offset = 0;
      while (pos + HEAD + TAG <= size) {
        await fh.read(head, 0, 4, pos);
        const len = head.readUInt32BE(0);
        if (pos + HEAD + len + TAG > size) break;
        records.push({ at: pos, len });
        pos += HEAD + len + TAG;
        offset += len;
      }
      if (pos < size) await fh.truncate(pos);
      return { offset, records };
    } finally {
      await fh.close();
    }
  }

  override async getUpload(id: string): Promise<Upload> {
    const f = await this.facts(id);
    const { offset } = await this.scan(id);
    return new Upload({
      id,
      offset,
      ...(f.size !== undefined ? { size: f.size } : {}),
      ...(f.metadata ? { metadata: f.metadata } : {}),
      ...(f.creation_date ? { creation_date: f.creation_date } : {}),
      storage: { type: 'sealed', path: this.path(id, 'parts') },
    });
  }

  override async write(stream: Readable, id: string, offset: number): Promise<number> {
    const fh = await open(this.path(id, 'parts'), 'a');
    let at = offset;
    let pending: Buffer[] = [];
    let pendingLen = 0;
    const flush = async () => {
      if (!pendingLen) return;
      const plain = Buffer.concat(pending, pendingLen);
      pending = [];
      pendingLen = 0;
      await fh.write(sealRecord(this.key, id, at, plain));
      at += plain.length;
    };
    try {
      try {
        for await (const chunk of stream) {
          const b = chunk as Buffer;
          pending.push(b);
          pendingLen += b.length;
          if (pendingLen >= RECORD_BYTES) await flush();
        }
      } finally {
        // Bytes received before a drop are kept (sealed): the client resumes after them.
        await flush();
      }
      return at;
    } finally {
      await fh.close();
    }
  }

  /** The plaintext of a whole upload, decrypted record by record (for moving it into the media store). */
  read(id: string): Readable {
    return Readable.from(this.records(id));
  }

  private async *records(id: string): AsyncGenerator<Buffer> {
    const { records } = await this.scan(id);
    const fh = await open(this.path(id, 'parts'), 'r');
    try {
      let offset = 0;
      for (const r of records) {
        const rec = Buffer.alloc(HEAD + r.len + TAG);
        await fh.read(rec, 0, rec.length, r.at);
        yield openRecord(this.key, id, offset, rec);
        offset += r.len;
      }
    } finally {
      await fh.close();
    }
  }

  override async remove(id: string): Promise<void> {
    await rm(this.path(id, 'parts'), { force: true });
    await rm(this.path(id, 'json'), { force: true });
  }

  override getExpiration(): number {
    return this.expirationMs;
  }

  /** Removes unfinished uploads past their expiration, and stray files of torn creations. */
  override async deleteExpired(now = Date.now()): Promise<number> {
    if (this.expirationMs <= 0) return 0;
    let removed = 0;
    for (const f of await readdir(this.dir).catch(() => [] as string[])) {
      const m = /^([0-9a-f]{32})\.(json|parts|json\.tmp)$/.exec(f);
      if (!m) continue;
      const id = m[1]!;
      const st = await stat(join(this.dir, f)).catch(() => null);
      if (!st) continue;
      if (m[2] === 'json') {
        const facts = await this.facts(id).catch(() => null);
        const created = facts?.creation_date ? Date.parse(facts.creation_date) : st.mtimeMs;
        if (created + this.expirationMs < now) {
          await this.remove(id);
          removed++;
        }
      } else if (st.mtimeMs + this.expirationMs < now) {
        // A records file whose facts are gone, or a facts file never renamed into place.
        const hasFacts = await stat(this.path(id, 'json')).then(
          () => true,
          () => false,
        );
        if (!hasFacts || m[2] === 'json.tmp') {
          await rm(join(this.dir, f), { force: true });
          removed++;
        }
      }
    }
    return removed;
  }
}
