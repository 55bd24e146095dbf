// Seen before (pure): the keyed hashes that let the decision step find the same document number or the same
// declared identity on another case without storing either in clear, and the face-closeness rule.
import { createHmac, hkdfSync } from 'node:crypto';
import { euclidean, similarityFromDistance } from '../face/calibration.js';

export interface SeenBeforeKeys {
  /** HMAC key of the document-number and identity hashes. */
  hmac: Buffer;
  /** AES-256-GCM key sealing the face descriptors at rest. */
  seal: Buffer;
}

/** Two keys derived from one configured secret, so the hash key and the encryption key are never the same bytes. */
export function seenBeforeKeys(secret: string): SeenBeforeKeys {
  const derive = (info: string) => Buffer.from(hkdfSync('sha256', secret, 'idv-seen-before', info, 32));
  return { hmac: derive('hash-v1'), seal: derive('seal-v1') };
}

const fold = (s: string) =>
  s
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, ' ')
    .trim();

/** Keyed hash of a document number (type-independent: the same number read from two documents is the same person). */
export function documentHash(keys: SeenBeforeKeys, documentNumber: string): string | null {
  const n = fold(documentNumber).replace(/ /g, '').replace(/</g, '');
  if (n.length < 5) return null;
  return createHmac('sha256', keys.hmac).update(`doc:${n}`).digest('hex');
}

/** Keyed hash of a declared identity (last name, first names, birth date), compared between cases. */
export function identityHash(
  keys: SeenBeforeKeys,
  id: { lastName?: string | null; firstNames?: string | null; birthDate?: string | null },
): string {
  const parts = [fold(id.lastName ?? ''), fold(id.firstNames ?? ''), (id.birthDate ?? '').trim()];
  return createHmac('sha256', keys.hmac)
    .update(`id:${parts.join('|')}`)
    .digest('hex');
}

/** The document number of a document stage's parsed MRZ fields, when it has one. */
export function documentNumberOf(fields: Record<string, unknown> | undefined): string | null {
  const n = fields?.documentNumber;
  return typeof n === 'string' && n.trim() ? n : null;
}

export interface FaceCandidate {
  caseId: string;
  descriptor: number[];
}

/**
 * The other cases whose live face is close to this one: calibrated similarity at or above `minSimilarity`
 * (FACE_ACCEPT_SIMILARITY: the level at which the engine itself would call two faces the same person).
 */
export function closeFaces(
  descriptor: number[],
  candidates: readonly FaceCandidate[],
  minSimilarity: number,
): Array<{ caseId: string; similarity: number }> {
  return candidates
    .filter((c) => c.descriptor.length === descriptor.length && descriptor.length > 0)
    .map((c) => ({
      caseId: c.caseId,
      similarity: similarityFromDistance(euclidean(descriptor, c.descriptor)),
    }))
    .filter((m) => m.similarity >= minSimilarity)
    .sort((a, b) => b.similarity - a.similarity);
}

/** Float descriptor <-> compact text (base64 of float32), sealed before it reaches the database. */
export function packDescriptor(d: readonly number[]): string {
  return Buffer.from(new Float32Array(d).buffer).toString('base64');
}

export function unpackDescriptor(s: string): number[] {
  const b = Buffer.from(s, 'base64');
  return [...new Float32Array(b.buffer, b.byteOffset, Math.floor(b.length / 4))];
}
