// Reviewer accounts: argon2id password hashes. The lockout after repeated failures is per account AND client
// address (session-repository.ts), so that nobody can lock a reviewer out from elsewhere.
// @node-rs/argon2 ships a prebuilt N-API binary per platform; the `argon2` package's prebuild crashed here.
import { type Algorithm, hash as argonHash, verify as argonVerify } from '@node-rs/argon2';
import { randomBytes, randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Queryable } from '../db/index.js';

export const ROLES = ['reviewer', 'supervisor', 'ops', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface Reviewer {
  id: string;
  email: string;
  role: Role;
}

export interface LockoutPolicy {
  /** Failures (for one account from one address, since its last success) that lock that pair. Default 5. */
  maxFailures: number;
  /** How long the lock lasts. Default 15 minutes. */
  lockMinutes: number;
}

export const DEFAULT_LOCKOUT: LockoutPolicy = { maxFailures: 5, lockMinutes: 15 };

// OWASP-recommended argon2id parameters (19 MiB, t=2) keep a login well under 100 ms on one core.
const ARGON2_OPTS = {
  algorithm: 2 satisfies Algorithm.Argon2id,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const;

const emailSchema = z.string().trim().toLowerCase().email();

export class AccountError extends Error {
  constructor(
    readonly code: 'email_taken' | 'invalid_email' | 'weak_password',
    message: string,
  ) {
    super(message);
    this.name = 'AccountError';
  }
}

export function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}

export async function createReviewer(
  db: Queryable,
  input: { email: string; role: Role; password: string },
): Promise<Reviewer> {
  const email = emailSchema.safeParse(input.email);
  if (!email.success) throw new AccountError('invalid_email', 'not a valid e-mail address');
  if (input.password.length < 12)
    throw new AccountError('weak_password', 'password must have at least 12 characters');
  const hash = await argonHash(input.password, ARGON2_OPTS);
  const id = randomUUID();
  const r = await db.query(
    'INSERT INTO reviewers (id, email, role, password_hash) VALUES ($1, $2, $3, $4) ON CONFLICT (email) DO NOTHING',
    [id, email.data, input.role, hash],
  );
  if (r.rowCount === 0) throw new AccountError('email_taken', 'a reviewer with this e-mail already exists');
  return { id, email: email.data, role: input.role };
}

export type LoginResult = { ok: true; reviewer: Reviewer } | { ok: false; reason: 'invalid' };

// A hash to verify against when the e-mail is unknown, so timing does not reveal which accounts exist.
let dummyHash: Promise<string> | undefined;

export async function checkPassword(
  db: Queryable,
  emailInput: string,
  password: string,
): Promise<LoginResult> {
  const email = emailInput.trim().toLowerCase();
  const { rows } = await db.query<{
    id: string;
    email: string;
    role: Role;
    password_hash: string;
    disabled: boolean;
  }>('SELECT id, email, role, password_hash, disabled FROM reviewers WHERE email = $1', [email]);
  const row = rows[0];
  if (!row || row.disabled) {
    dummyHash ??= argonHash('not-a-password-xxxxxxxx', ARGON2_OPTS);
    await argonVerify(await dummyHash, password).catch(() => false);
    return { ok: false, reason: 'invalid' };
  }
  const valid = await argonVerify(row.password_hash, password).catch(() => false);
  if (!valid) return { ok: false, reason: 'invalid' };
  return { ok: true, reviewer: { id: row.id, email: row.email, role: row.role } };
}

/** Roles allowed for each capability. Admin can do everything. */
export const CAPABILITIES = {
  review: ['reviewer', 'supervisor', 'admin'],
  supervise: ['supervisor', 'admin'],
  ops: ['ops', 'supervisor', 'admin'],
} as const satisfies Record<string, readonly Role[]>;

export type Capability = keyof typeof CAPABILITIES;

export function can(role: Role, cap: Capability): boolean {
  return (CAPABILITIES[cap] as readonly Role[]).includes(role);
}

/** E-mail addresses of reviewers by id (the case page names who did what). */
export async function reviewerEmails(
  q: Queryable,
  ids: string[],
): Promise<Array<{ id: string; email: string }>> {
  if (ids.length === 0) return [];
  const r = await q.query<{ id: string; email: string }>(
    'SELECT id, email FROM reviewers WHERE id = ANY($1::uuid[])',
    [ids],
  );
  return r.rows;
}
