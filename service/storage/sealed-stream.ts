// Streaming authenticated encryption (AES-256-GCM in fixed-size segments), so that media is never held
// whole in memory and a truncated, reordered or altered file fails to decrypt.
//
// Layout v1 (sealed with the master key directly, before per-case keys): MAGIC 'IDV1'(4) | nonce prefix(8) | segments.
// Layout v2 (envelope encryption): MAGIC 'IDV2'(4) | data key id(16) | nonce prefix(8) | segments; the data key
// id names the wrapped per-case key (storage/keyring.ts) that seals the segments.
// Each segment = ciphertext(<= SEGMENT) | tag(16). Segment i uses nonce = prefix || uint32be(i); its AAD is one
// byte, 1 for the last segment, so that dropping trailing segments is detected. Segments have a fixed sealed size,
// so any plaintext byte range maps to a sealed byte range: ranged reads decrypt only the segments they need.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

const MAGIC_V1 = Buffer.from('IDV1');
const MAGIC_V2 = Buffer.from('IDV2');
const PREFIX = 8;
const TAG = 16;
export const KEY_REF_BYTES = 16;
export const SEGMENT = 64 * 1024;
/** Sealed size of a full segment. */
export const SEALED_SEGMENT = SEGMENT + TAG;
/** Bytes enough to hold any header. */
export const MAX_HEADER = 4 + KEY_REF_BYTES + PREFIX;

export class SealedFormatError extends Error {
  override name = 'SealedFormatError';
}

export interface SealedHeader {
  version: 1 | 2;
  /** v2: the id of the data key that sealed the segments. */
  keyRef?: Buffer;
  prefix: Buffer;
  /** Header length in bytes (segments start here). */
  length: number;
}

/** Candidate keys for a header: v1 objects may be sealed by any configured master key, so several are tried. */
export type KeyResolver = (h: SealedHeader) => Promise<Buffer[]>;

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

function tryOpen(key: Buffer, prefix: Buffer, i: number, last: boolean, sealed: Buffer): Buffer | undefined {
  if (sealed.length < TAG) throw new SealedFormatError('segment too short');
  const d = createDecipheriv('aes-256-gcm', key, nonce(prefix, i));
  d.setAAD(Buffer.from([last ? 1 : 0]));
  d.setAuthTag(sealed.subarray(sealed.length - TAG));
  try {
    return Buffer.concat([d.update(sealed.subarray(0, sealed.length - TAG)), d.final()]);
  } catch {
    return undefined;
  }
}

const failed = () => new SealedFormatError('media file failed authentication (altered or truncated)');

/** The header at the start of `buf`; undefined while fewer bytes than the header are available. */
export function parseHeader(buf: Buffer): SealedHeader | undefined {
  if (buf.length < 4) return undefined;
  const magic = buf.subarray(0, 4);
  if (magic.equals(MAGIC_V1)) {
    if (buf.length < 4 + PREFIX) return undefined;
    return { version: 1, prefix: Buffer.from(buf.subarray(4, 4 + PREFIX)), length: 4 + PREFIX };
  }
  if (magic.equals(MAGIC_V2)) {
    if (buf.length < MAX_HEADER) return undefined;
    return {
      version: 2,
      keyRef: Buffer.from(buf.subarray(4, 4 + KEY_REF_BYTES)),
      prefix: Buffer.from(buf.subarray(4 + KEY_REF_BYTES, MAX_HEADER)),
      length: MAX_HEADER,
    };
  }
  throw new SealedFormatError('not a sealed media file');
}

/** Number of segments and plaintext size of a sealed object (every object has at least one segment). */
export function sealedLayout(
  headerLength: number,
  sealedSize: number,
): { segments: number; plainSize: number } {
  const body = sealedSize - headerLength;
  if (body < TAG) throw new SealedFormatError('media file truncated');
  const segments = Math.ceil(body / SEALED_SEGMENT);
  return { segments, plainSize: body - segments * TAG };
}

/** Plaintext in, sealed bytes out; `keyRef` (16 bytes) makes a v2 object naming its data key. */
export function encryptStream(key: Buffer, keyRef?: Buffer): Transform {
  if (keyRef && keyRef.length !== KEY_REF_BYTES) throw new Error('key reference must be 16 bytes');
  const prefix = randomBytes(PREFIX);
  const header = keyRef ? Buffer.concat([MAGIC_V2, keyRef, prefix]) : Buffer.concat([MAGIC_V1, prefix]);
  let pending: Buffer = Buffer.alloc(0);
  let i = 0;
  let headerSent = false;
  return new Transform({
    transform(chunk: Buffer, _enc, cb: TransformCallback) {
      if (!headerSent) {
        this.push(header);
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
      if (!headerSent) this.push(header);
      this.push(seal(key, prefix, i, true, pending));
      cb();
    },
  });
}

export interface SegmentWindow {
  header: SealedHeader;
  /** Index of the first segment in the input. */
  first: number;
  /** Index after the last segment in the input (a shorter input is refused). */
  end: number;
  /** Total segments of the object (which one is last). */
  total: number;
}

/**
 * Sealed segments in, plaintext out. Without `window` the input is a whole object (header first); with it, the
 * input starts at segment `window.first` (a ranged read). Errors on any tampering or truncation.
 */
export function decryptStream(keys: Buffer | Buffer[] | KeyResolver, window?: SegmentWindow): Transform {
  const resolve: KeyResolver =
    typeof keys === 'function' ? keys : async () => (Buffer.isBuffer(keys) ? [keys] : keys);
  let buf: Buffer = Buffer.alloc(0);
  let header = window?.header;
  let i = window?.first ?? 0;
  let candidates: Buffer[] | undefined;
  let key: Buffer | undefined;
  const open = (last: boolean, sealed: Buffer): Buffer => {
    if (key) {
      const p = tryOpen(key, header!.prefix, i, last, sealed);
      if (!p) throw failed();
      return p;
    }
    // The first segment picks the key among the candidates (v1: current or a previous master key).
    for (const k of candidates!) {
      const p = tryOpen(k, header!.prefix, i, last, sealed);
      if (p) {
        key = k;
        return p;
      }
    }
    throw failed();
  };
  const drain = async (t: Transform, flushing: boolean): Promise<void> => {
    if (!header) {
      header = parseHeader(buf);
      if (!header) {
        if (flushing) throw new SealedFormatError('not a sealed media file');
        return;
      }
      buf = buf.subarray(header.length);
    }
    if (!candidates) candidates = await resolve(header);
    if (window) {
      // Known layout: segment i is the last one iff i === total - 1.
      while (buf.length >= SEALED_SEGMENT) {
        t.push(open(i === window.total - 1, buf.subarray(0, SEALED_SEGMENT)));
        i++;
        buf = buf.subarray(SEALED_SEGMENT);
      }
      if (flushing) {
        if (buf.length > 0) {
          if (i !== window.total - 1) throw failed();
          t.push(open(true, buf));
          i++;
        }
        if (i !== window.end) throw failed();
      }
      return;
    }
    // A full segment followed by more bytes cannot be the last one.
    while (buf.length > SEALED_SEGMENT) {
      t.push(open(false, buf.subarray(0, SEALED_SEGMENT)));
      i++;
      buf = buf.subarray(SEALED_SEGMENT);
    }
    if (flushing) t.push(open(true, buf));
  };
  return new Transform({
    transform(chunk: Buffer, _enc, cb: TransformCallback) {
      buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
      drain(this, false).then(() => cb(), cb);
    },
    flush(cb: TransformCallback) {
      drain(this, true).then(() => cb(), cb);
    },
  });
}
