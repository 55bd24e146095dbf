// Per-case data keys (envelope encryption). Media are sealed with a random data key per case and purpose; the
// data key is stored only wrapped by a master key (AES-256-GCM, the key's row id as AAD so a wrapped key cannot
// be moved to another row), with the master key's id. Rotation re-wraps rows, never media; deleting a row
// destroys the key and so makes every copy of its objects (backups, replicas, bucket versions) unreadable.
import { createCipheriv, createDecipheriv, createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Queryable } from '../db/index.js';
import { SealedFormatError, type KeyResolver, type SealedHeader } from './sealed-stream.js';
import {
  countKeysUnder,
  findCaseKey,
  findKeyById,
  insertCaseKeyIfAbsent,
  keysNotUnder,
  otherMasterKeyIds,
  rewrapKey,
  type KeyPurpose,
  type KeyRow,
} from './media-key-repository.js';

export type { KeyPurpose };
/** Destroys a case's data keys (crypto-shredding): run inside the purge transaction. */
export { deleteCaseKeys } from './media-key-repository.js';

export interface MasterKey {
  /** Public id of the key (a hash prefix): stored beside each wrapped key. */
  id: string;
  key: Buffer;
}

export interface MasterKeys {
  /** Wraps new data keys; the target of `idv keys rotate`. */
  current: MasterKey;
  /** Still unwraps (until rotation has moved every row off them) and opens v1 objects. */
  previous: MasterKey[];
}

export class CaseKeyDestroyedError extends SealedFormatError {
  override name = 'CaseKeyDestroyedError';
}

export function masterKeyId(key: Buffer): string {
  return createHash('sha256').update('idv media master key\0').update(key).digest('hex').slice(0, 16);
}

function masterKey(hex: string): MasterKey {
  const key = Buffer.from(hex, 'hex');
  if (key.length !== 32) throw new Error('media master keys must be 32 bytes (64 hex characters)');
  return { id: masterKeyId(key), key };
}

export function masterKeysOf(c: {
  MEDIA_ENCRYPTION_KEY: string;
  MEDIA_PREVIOUS_KEYS?: string[];
}): MasterKeys {
  const current = masterKey(c.MEDIA_ENCRYPTION_KEY);
  const previous = (c.MEDIA_PREVIOUS_KEYS ?? []).map(masterKey).filter((k) => k.id !== current.id);
  return { current, previous };
}

function refBytes(id: string): Buffer {
  return Buffer.from(id.replace(/-/g, ''), 'hex');
}

function refId(b: Buffer): string {
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export function wrapKey(master: MasterKey, rowId: string, dataKey: Buffer): Buffer {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', master.key, iv);
  c.setAAD(Buffer.from(rowId));
  return Buffer.concat([iv, c.update(dataKey), c.final(), c.getAuthTag()]);
}

export function unwrapKey(master: MasterKey, rowId: string, wrapped: Buffer): Buffer {
  const d = createDecipheriv('aes-256-gcm', master.key, wrapped.subarray(0, 12));
  d.setAAD(Buffer.from(rowId));
  d.setAuthTag(wrapped.subarray(wrapped.length - 16));
  return Buffer.concat([d.update(wrapped.subarray(12, wrapped.length - 16)), d.final()]);
}

export interface Keyring {
  readonly master: MasterKeys;
  /** The data key of a case for a purpose, created on first use. */
  dataKeyFor(caseId: string, purpose: KeyPurpose): Promise<{ ref: Buffer; key: Buffer }>;
  /** Keys that may open an object with this header (v1: the master keys; v2: its data key). */
  resolve: KeyResolver;
}

export function createKeyring(db: Queryable, master: MasterKeys): Keyring {
  const byId = new Map([master.current, ...master.previous].map((k) => [k.id, k]));
  const unwrap = (row: KeyRow): Buffer => {
    const mk = byId.get(row.master_key_id);
    if (!mk) throw new SealedFormatError('the master key that wraps this data key is not configured');
    return unwrapKey(mk, row.id, Buffer.from(row.wrapped));
  };
  return {
    master,
    async dataKeyFor(caseId, purpose) {
      let row = await findCaseKey(db, caseId, purpose);
      if (!row) {
        const id = randomUUID();
        // Two uploads of one case may race: the unique constraint keeps one key, both then read it.
        await insertCaseKeyIfAbsent(db, {
          id,
          caseId,
          purpose,
          masterKeyId: master.current.id,
          wrapped: wrapKey(master.current, id, randomBytes(32)),
        });
        row = (await findCaseKey(db, caseId, purpose))!;
      }
      return { ref: refBytes(row.id), key: unwrap(row) };
    },
    async resolve(h: SealedHeader) {
      if (h.version === 1) return [master.current.key, ...master.previous.map((k) => k.key)];
      const row = await findKeyById(db, refId(h.keyRef!));
      if (!row) throw new CaseKeyDestroyedError('the data key of this media has been destroyed');
      return [unwrap(row)];
    },
  };
}

export interface RotationReport {
  currentKeyId: string;
  rewrapped: number;
  alreadyCurrent: number;
  /** Master key ids still referenced after the run (empty: every previous key can be retired). */
  stillReferenced: string[];
}

/** Re-wraps every data key not under the current master key; media are not touched. */
export async function rotateMasterKey(
  db: Queryable,
  master: MasterKeys,
  batch = 500,
): Promise<RotationReport> {
  const byId = new Map([master.current, ...master.previous].map((k) => [k.id, k]));
  let rewrapped = 0;
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const rows = await keysNotUnder(db, master.current.id, after, batch);
    for (const row of rows) {
      after = row.id;
      const old = byId.get(row.master_key_id);
      if (!old) continue; // wrapped by a key not configured: reported in stillReferenced
      const key = unwrapKey(old, row.id, Buffer.from(row.wrapped));
      // Conditional on the old wrapping: a concurrent rotation does not get overwritten with a stale read.
      const changed = await rewrapKey(db, {
        id: row.id,
        fromMasterKeyId: row.master_key_id,
        toMasterKeyId: master.current.id,
        wrapped: wrapKey(master.current, row.id, key),
      });
      if (changed) rewrapped++;
    }
    if (rows.length < batch) break;
  }
  const stillReferenced = await otherMasterKeyIds(db, master.current.id);
  const current = await countKeysUnder(db, master.current.id);
  return {
    currentKeyId: master.current.id,
    rewrapped,
    alreadyCurrent: current - rewrapped,
    stillReferenced,
  };
}
