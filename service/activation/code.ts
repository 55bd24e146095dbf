// Activation code primitives (pure, no I/O): generation, the keyed hash used for verification, and
// sealing for the two places that must show the code again (the e-letter page and the SMS).
//
// Why both a hash and a sealed copy: verification only ever compares keyed hashes, so a database
// leak alone does not let anyone activate (the HMAC key is not in the database, and 10^6 codes
// cannot be brute-forced offline without it). But the registered e-letter is read *after* the
// e-mail was sent (the e-mail itself must not carry the code) and the SMS job may be retried later,
// so the code must be recoverable: it is sealed with AES-256-GCM under a key derived (HKDF) from
// CODE_HMAC_SECRET, which also never reaches the database. The sealed copy is bound to the case id
// (GCM additional data) so it cannot be moved to another case's row.
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  hkdfSync,
  randomBytes,
  randomInt,
  timingSafeEqual,
} from 'node:crypto';

export const CODE_LENGTH = 6;

/** A fresh 6-digit code, uniformly drawn from 000000-999999 with a CSPRNG. */
export function generateCode(): string {
  return randomInt(0, 1_000_000).toString().padStart(CODE_LENGTH, '0');
}

/** Input accepted from applicants: exactly six ASCII digits (spaces tolerated and dropped). */
export function normaliseCode(input: string): string | null {
  const s = input.replace(/\s+/g, '');
  return /^[0-9]{6}$/.test(s) ? s : null;
}

/** HMAC-SHA256(secret, caseId || code), hex. */
export function hashCode(secret: string, caseId: string, code: string): string {
  return createHmac('sha256', secret)
    .update(caseId + code)
    .digest('hex');
}

/** Constant-time comparison of the candidate's keyed hash with the stored one. */
export function codeMatches(secret: string, caseId: string, candidate: string, storedHex: string): boolean {
  const a = Buffer.from(hashCode(secret, caseId, candidate), 'hex');
  const b = Buffer.from(storedHex, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The 32-byte sealing key, derived so the HMAC key and the encryption key are never the same bytes. */
export function sealingKey(secret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, 'idv-activation', 'activation-at-rest-v1', 32));
}

/** AES-256-GCM: "v1.<iv>.<tag>.<ciphertext>" (base64url parts); `aad` binds it to its owner. */
export function seal(key: Buffer, plaintext: string, aad: string): string {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', key, iv);
  c.setAAD(Buffer.from(aad));
  const ct = Buffer.concat([c.update(plaintext, 'utf8'), c.final()]);
  return [
    'v1',
    iv.toString('base64url'),
    c.getAuthTag().toString('base64url'),
    ct.toString('base64url'),
  ].join('.');
}

export function unseal(key: Buffer, sealed: string, aad: string): string {
  const [v, iv, tag, ct] = sealed.split('.');
  if (v !== 'v1' || !iv || !tag || ct === undefined) throw new Error('unknown sealed format');
  const d = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  d.setAAD(Buffer.from(aad));
  d.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([d.update(Buffer.from(ct, 'base64url')), d.final()]).toString('utf8');
}

/** A random URL-safe token for the letter link (256 bits). */
export function newLetterToken(): string {
  return randomBytes(32).toString('base64url');
}

/** sha256 hex, used for the letter token lookup and the receipt's IP and user-agent fingerprints. */
export function sha256Hex(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}
