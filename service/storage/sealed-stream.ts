// Streaming authenticated encryption (AES-256-GCM in fixed-size segments), so that media is never held
// whole in memory and a truncated, reordered or altered file fails to decrypt.
//
// Layout: MAGIC(4) | nonce prefix(8) | segments...; each segment = ciphertext(<= SEGMENT) | tag(16).
// Segment i uses nonce = prefix || uint32be(i); its AAD is one byte, 1 for the last segment, so that
// dropping trailing segments is detected (the file no longer ends with a "last" segment).
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

const MAGIC = Buffer.from('IDV1');
const PREFIX = 8;
const TAG = 16;
export const SEGMENT = 64 * 1024;

export class SealedFormatError extends Error {
  override name = 'SealedFormatError';
}

function nonce(prefix: Buffer, i: number): Buffer {
  const n = Buffer.alloc(12);
  prefix.copy(n, 0);
  n.writeUInt32BE(i, PREFIX);
  return n;
}

function seal(key: Buffer, prefix: Buffer, i: number, last: boolean, plain: Buffer): Buffer {
  const c = createCipheriv('aes-256-gcm', key, nonce(prefix, i));
  c.setAAD(Buffer.from([last ? 1 : 0]));
  return Buffer.concat([c.update(plain), c.final(), c.getAuthTag()]);
}

function open(key: Buffer, prefix: Buffer, i: number, last: boolean, sealed: Buffer): Buffer {
  if (sealed.length < TAG) throw new SealedFormatError('segment too short');
  const d = createDecipheriv('aes-256-gcm', key, nonce(prefix, i));
  d.setAAD(Buffer.from([last ? 1 : 0]));
  d.setAuthTag(sealed.subarray(sealed.length - TAG));
  try {
    return Buffer.concat([d.update(sealed.subarray(0, sealed.length - TAG)), d.final()]);
  } catch {
    throw new SealedFormatError('media file failed authentication (altered or truncated)');
  }
}

/** Plaintext in, sealed bytes out. */
export function encryptStream(key: Buffer): Transform {
  const prefix = randomBytes(PREFIX);
  let pending: Buffer = Buffer.alloc(0);
  let i = 0;
  let headerSent = false;
  return new Transform({
    transform(chunk: Buffer, _enc, cb: TransformCallback) {
      if (!headerSent) {
        this.push(Buffer.concat([MAGIC, prefix]));
        headerSent = true;
      }
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      // Keep at least one byte back: the last segment is only known at flush.
      while (pending.length > SEGMENT) {
        this.push(seal(key, prefix, i++, false, pending.subarray(0, SEGMENT)));
        pending = pending.subarray(SEGMENT);
      }
      cb();
    },
    flush(cb: TransformCallback) {
      if (!headerSent) this.push(Buffer.concat([MAGIC, prefix]));
      this.push(seal(key, prefix, i, true, pending));
      cb();
    },
  });
}

/** Sealed bytes in, plaintext out; errors on any tampering or truncation. */
export function decryptStream(key: Buffer): Transform {
  let buf: Buffer = Buffer.alloc(0);
  let prefix: Buffer | undefined;
  let i = 0;
  const full = SEGMENT + TAG;
  return new Transform({
    transform(chunk: Buffer, _enc, cb: TransformCallback) {
      buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
      try {
        if (!prefix) {
          if (buf.length < MAGIC.length + PREFIX) return cb();
          if (!buf.subarray(0, 4).equals(MAGIC)) throw new SealedFormatError('not a sealed media file');
          prefix = Buffer.from(buf.subarray(4, 4 + PREFIX));
          buf = buf.subarray(4 + PREFIX);
        }
        // A full segment followed by more bytes cannot be the last one.
        while (buf.length > full) {
          this.push(open(key, prefix, i++, false, buf.subarray(0, full)));
          buf = buf.subarray(full);
        }
        cb();
      } catch (e) {
        cb(e as Error);
      }
    },
    flush(cb: TransformCallback) {
      try {
        if (!prefix) throw new SealedFormatError('not a sealed media file');
        this.push(open(key, prefix, i, true, buf));
        cb();
      } catch (e) {
        cb(e as Error);
      }
    },
  });
}
