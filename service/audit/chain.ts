// Pure part of the audit chain: canonical JSON and the hash of one entry. No I/O.
import { createHash } from 'node:crypto';

export type ActorType = 'reviewer' | 'system' | 'applicant' | 'service';

/** The fields covered by an entry's hash. */
export interface AuditEntry {
  seq: number;
  actorType: ActorType;
  actorId: string | null;
  action: string;
  caseId: string | null;
  details: Record<string, unknown>;
  /** ISO-8601 UTC with milliseconds (what PostgreSQL timestamptz round-trips). */
  createdAt: string;
}

export const GENESIS_HASH = '0'.repeat(64);

/** JSON with object keys sorted recursively, so the same entry always hashes the same way. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value))
      throw new TypeError('non-finite number in audit entry');
    return JSON.stringify(value ?? null);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
}

/** sha256(prev_hash + canonical JSON of the entry), hex. */
export function entryHash(prevHash: string, entry: AuditEntry): string {
  return createHash('sha256')
    .update(prevHash + canonicalJson(entry))
    .digest('hex');
}

// Audit details must never carry personal data; these keys are refused outright (defence in depth, not a filter).
const FORBIDDEN_KEYS = new Set([
  'lastname',
  'firstnames',
  'firstname',
  'birthdate',
  'email',
  'mobile',
  'phone',
  'digits',
  'code',
  'password',
  'token',
  'documentnumber',
  'name',
]);

export class AuditDetailsError extends Error {
  constructor(key: string) {
    super(`audit details must not contain personal data (key "${key}")`);
    this.name = 'AuditDetailsError';
  }
}

export function assertNoPersonalData(details: unknown, depth = 0): void {
  if (details === null || typeof details !== 'object' || depth > 4) return;
  for (const [k, v] of Object.entries(details as Record<string, unknown>)) {
    if (FORBIDDEN_KEYS.has(k.toLowerCase())) throw new AuditDetailsError(k);
    assertNoPersonalData(v, depth + 1);
  }
}
