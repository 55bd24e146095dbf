// Ed25519 signatures over canonical JSON (sorted keys), the one signing convention of evidence files and audit
// anchors. Pure: node:crypto only, so the verifier runs offline with nothing but a published public key.
import { createHash, sign, verify, type KeyObject } from 'node:crypto';
import { canonicalJson } from '../audit/chain.js';
import { publicKeyFromJwk, type PublishedKeySet, type SigningKey } from './keys.js';

export { canonicalJson };

export const sha256Hex = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

export function signCanonical(value: unknown, key: SigningKey): string {
  return sign(null, Buffer.from(canonicalJson(value)), key.privateKey).toString('base64');
}

export type SignatureCheck = { ok: true } | { ok: false; problem: string };

/** Checks a signature by key id against a published key set (current or retired keys). */
export function verifyCanonical(
  value: unknown,
  signatureB64: string,
  keyId: string,
  keys: PublishedKeySet,
): SignatureCheck {
  const jwk = keys.keys.find((k) => k.kid === keyId);
  if (!jwk) return { ok: false, problem: `signing key ${keyId} is not among the published keys` };
  let pub: KeyObject;
  try {
    pub = publicKeyFromJwk(jwk);
  } catch {
    return { ok: false, problem: `published key ${keyId} is not a valid Ed25519 key` };
  }
  const ok = verify(null, Buffer.from(canonicalJson(value)), pub, Buffer.from(signatureB64, 'base64'));
  return ok
    ? { ok: true }
    : { ok: false, problem: `signature does not verify with key ${keyId} (signed content altered)` };
}
