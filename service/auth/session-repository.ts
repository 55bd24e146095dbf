// Server-side reviewer sessions. The cookie carries a random token; the database keeps only
// HMAC(SESSION_SECRET, token), so neither a database leak nor a guessed id yields a live session.
// Each session has its own CSRF token (sent back by the console in the X-CSRF-Token header).
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Queryable } from '../db/index.js';
import { DEFAULT_LOCKOUT, type LockoutPolicy, type Reviewer, type Role } from './account-repository.js';

export interface SessionPolicy {
  /** Absolute lifetime. Default 12 hours (one working day). */
  ttlMinutes: number;
  /** Idle timeout: a session unused this long ends. Default 60 minutes. */
  idleMinutes: number;
}

export const DEFAULT_SESSION_POLICY: SessionPolicy = { ttlMinutes: 12 * 60, idleMinutes: 60 };

export interface Session {
  reviewer: Reviewer;
  csrfToken: string;
  expiresAt: Date;
}

function tokenHash(secret: string, token: string): string {
  return createHmac('sha256', secret).update(token).digest('hex');
}

export async function createSession(
  db: Queryable,
  secret: string,
  reviewer: Reviewer,
  policy: SessionPolicy = DEFAULT_SESSION_POLICY,
  now = new Date(),
): Promise<{ token: string; session: Session }> {
  const token = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(24).toString('base64url');
  const expiresAt = new Date(now.getTime() + policy.ttlMinutes * 60_000);
  await db.query(
    'INSERT INTO reviewer_sessions (id_hash, reviewer_id, csrf_token, expires_at, last_seen_at) VALUES ($1, $2, $3, $4, $5)',
    [tokenHash(secret, token), reviewer.id, csrfToken, expiresAt, now],
  );
  return { token, session: { reviewer, csrfToken, expiresAt } };
}

export async function getSession(
  db: Queryable,
  secret: string,
  token: string,
  policy: SessionPolicy = DEFAULT_SESSION_POLICY,
  now = new Date(),
): Promise<Session | null> {
  if (!/^[\w-]{43}$/.test(token)) return null;
  const idle = new Date(now.getTime() - policy.idleMinutes * 60_000);
  const { rows } = await db.query<{
    reviewer_id: string;
    email: string;
    role: Role;
    csrf_token: string;
    expires_at: Date;
  }>(
    `UPDATE reviewer_sessions s SET last_seen_at = $2
       FROM reviewers r
      WHERE s.id_hash = $1 AND r.id = s.reviewer_id AND NOT r.disabled AND s.expires_at > $2 AND s.last_seen_at > $3
      RETURNING s.reviewer_id, r.email, r.role, s.csrf_token, s.expires_at`,
    [tokenHash(secret, token), now, idle],
  );
  const r = rows[0];
  if (!r) return null;
  return {
    reviewer: { id: r.reviewer_id, email: r.email, role: r.role },
    csrfToken: r.csrf_token,
    expiresAt: new Date(r.expires_at),
  };
}

export async function deleteSession(db: Queryable, secret: string, token: string): Promise<void> {
  await db.query('DELETE FROM reviewer_sessions WHERE id_hash = $1', [tokenHash(secret, token)]);
}

/** Housekeeping: ended sessions and login attempts older than a day. Returns the sessions removed. */
export async function purgeExpiredSessions(db: Queryable, now = new Date()): Promise<number> {
  const r = await db.query('DELETE FROM reviewer_sessions WHERE expires_at <= $1', [now]);
  await db.query('DELETE FROM login_attempts WHERE created_at < $1', [
    new Date(now.getTime() - 24 * 3600_000),
  ]);
  return r.rowCount;
}

/** Constant-time comparison of the CSRF header with the session's token. */
export function csrfMatches(expected: string, given: string | undefined): boolean {
  if (!given) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

export interface ThrottlePolicy {
  /** Failed attempts allowed per client address in the window. Default 20. */
  maxFailuresPerIp: number;
  windowMinutes: number;
}

export const DEFAULT_THROTTLE: ThrottlePolicy = { maxFailuresPerIp: 20, windowMinutes: 15 };

/** True when the client address has too many recent failures and must wait. */
export async function ipThrottled(
  db: Queryable,
  ip: string,
  policy: ThrottlePolicy = DEFAULT_THROTTLE,
  now = new Date(),
): Promise<boolean> {
  const since = new Date(now.getTime() - policy.windowMinutes * 60_000);
  const { rows } = await db.query<{ n: string | number }>(
    'SELECT count(*) AS n FROM login_attempts WHERE ip = $1 AND NOT ok AND created_at > $2',
    [ip, since],
  );
  return Number(rows[0]?.n ?? 0) >= policy.maxFailuresPerIp;
}

export async function recordLoginAttempt(
  db: Queryable,
  ip: string,
  ok: boolean,
  email: string,
  now = new Date(),
): Promise<void> {
  await db.query('INSERT INTO login_attempts (ip, ok, account, created_at) VALUES ($1, $2, $3, $4)', [
    ip,
    ok,
    loginAccountKey(email),
    now,
  ]);
}

/** The attempted e-mail as stored in login_attempts: a hash (most attempted addresses are nobody's). */
export function loginAccountKey(email: string): string {
  return createHash('sha256').update(email.trim().toLowerCase()).digest('hex');
}

/**
 * True when this e-mail has too many failures from this address since its last success there. Counted the same
 * for unknown e-mails (no enumeration by the lock answer) and per address (a remote attacker locks only
 * himself out; the address throttle above bounds him across accounts).
 */
export async function accountLocked(
  db: Queryable,
  email: string,
  ip: string,
  policy: LockoutPolicy = DEFAULT_LOCKOUT,
  now = new Date(),
): Promise<boolean> {
  const since = new Date(now.getTime() - policy.lockMinutes * 60_000);
  const { rows } = await db.query<{ n: string | number }>(
    `SELECT count(*) AS n FROM login_attempts a
      WHERE a.account = $1 AND a.ip = $2 AND NOT a.ok AND a.created_at > $3
        AND a.created_at > COALESCE(
          (SELECT max(created_at) FROM login_attempts WHERE account = $1 AND ip = $2 AND ok), $3)`,
    [loginAccountKey(email), ip, since],
  );
  return Number(rows[0]?.n ?? 0) >= policy.maxFailures;
}
