// The service's Ed25519 signing key (evidence files, audit anchors) and the published set of public keys.
// Key id = first 16 hex chars of sha256(raw 32-byte public key): stable, derived, nothing to keep in sync.
// Rotation: a new private key replaces the old one; the old public key moves to the retired-keys directory and
// stays published, so evidence signed years ago still verifies.
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  type KeyObject,
} from 'node:crypto';
import {
  existsSync,
  linkSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';

/** One public key as published at /.well-known/idv-evidence-keys.json (a JWK with its key id). */
export interface PublishedKey {
  kty: 'OKP';
  crv: 'Ed25519';
  /** Raw public key, base64url (RFC 8037). */
  x: string;
  kid: string;
  alg: 'EdDSA';
  use: 'sig';
  /** `current` signs new files; `retired` keys verify older ones. */
  status: 'current' | 'retired';
}

export interface PublishedKeySet {
  keys: PublishedKey[];
}

export interface SigningKey {
  keyId: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

export interface EvidenceKeys {
  signing: SigningKey;
  published: PublishedKeySet;
}

function rawPublic(pub: KeyObject): Buffer {
  const jwk = pub.export({ format: 'jwk' }) as { x?: string; crv?: string };
  if (jwk.crv !== 'Ed25519' || !jwk.x) throw new Error('not an Ed25519 public key');
  return Buffer.from(jwk.x, 'base64url');
}

export function keyIdOf(pub: KeyObject): string {
  return createHash('sha256').update(rawPublic(pub)).digest('hex').slice(0, 16);
}

export function toPublished(pub: KeyObject, status: PublishedKey['status']): PublishedKey {
  return {
    kty: 'OKP',
    crv: 'Ed25519',
    x: rawPublic(pub).toString('base64url'),
    kid: keyIdOf(pub),
    alg: 'EdDSA',
    use: 'sig',
    status,
  };
}

export function publicKeyFromJwk(k: Pick<PublishedKey, 'x'>): KeyObject {
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: k.x }, format: 'jwk' });
}

/** Reads the private key; outside production a missing file is generated (mode 0600), like the other dev secrets. */
export function loadSigningKey(file: string, opts: { generate: boolean }): SigningKey {
  if (!existsSync(file)) {
    if (!opts.generate) throw new Error(`evidence signing key file not found: ${file}`);
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    const { privateKey } = generateKeyPairSync('ed25519');
    // Written whole under a private name, then linked into place (atomic; fails if it exists): processes of one
    // deployment starting together never read a half-written key, and the first one's key wins.
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
    writeFileSync(tmp, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600, flag: 'wx' });
    try {
      linkSync(tmp, file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    } finally {
      unlinkSync(tmp);
    }
  }
  const privateKey = createPrivateKey(readFileSync(file));
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error(`not an Ed25519 private key: ${file}`);
  const publicKey = createPublicKey(privateKey);
  return { keyId: keyIdOf(publicKey), privateKey, publicKey };
}

/** Public keys (*.pem, SPKI) of earlier signing keys. */
export function loadRetiredKeys(dir: string): KeyObject[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.pem'))
    .sort()
    .map((f) => createPublicKey(readFileSync(join(dir, f))));
}

export function loadEvidenceKeys(c: {
  EVIDENCE_SIGNING_KEY_FILE: string;
  EVIDENCE_RETIRED_KEYS_DIR: string;
  NODE_ENV: string;
}): EvidenceKeys {
  const signing = loadSigningKey(c.EVIDENCE_SIGNING_KEY_FILE, { generate: c.NODE_ENV !== 'production' });
  const retired = loadRetiredKeys(c.EVIDENCE_RETIRED_KEYS_DIR)
    .map((k) => toPublished(k, 'retired'))
    .filter((k) => k.kid !== signing.keyId);
  return { signing, published: { keys: [toPublished(signing.publicKey, 'current'), ...retired] } };
}
