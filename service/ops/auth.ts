// Access rules of the ops endpoints: a bearer token for Prometheus, the ops or admin role for people.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { forbidden, HttpError, unauthorized } from '../api/errors.js';
import type { AuthedRequest } from '../auth/middleware.js';
import type { Role } from '../auth/account-repository.js';

/** Roles that see queues and ops figures. Supervisors see the at-risk list in the review console instead. */
export const OPS_ROLES: readonly Role[] = ['ops', 'admin'];

/** Constant-time comparison (hashing first hides the length of the expected token too). */
export function tokenMatches(expected: string, given: string | undefined): boolean {
  if (!given) return false;
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(given).digest();
  return timingSafeEqual(a, b);
}

/** `Authorization: Bearer <token>`; 401 JSON otherwise. */
export function requireBearer(token: string): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const m = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '');
    if (tokenMatches(token, m?.[1])) return next();
    res.setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
    next(unauthorized('A valid bearer token is required'));
  };
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * 401 without a session, 403 unless the role is ops or admin. State-changing calls (bull-board's retry,
 * clean, ...) must come from the same origin: bull-board cannot send our CSRF header, but browsers always
 * send Origin on cross-origin writes.
 */
export function requireOpsSession(): RequestHandler {
  return (req: Request, _res: Response, next: NextFunction) => {
    const s = (req as AuthedRequest).session;
    if (!s) return next(unauthorized('Sign in with an ops account'));
    if (!OPS_ROLES.includes(s.reviewer.role)) return next(forbidden());
    if (!SAFE_METHODS.has(req.method)) {
      if (originHost(req.get('origin')) !== req.get('host'))
        return next(new HttpError(403, 'csrf_failed', 'Cross-origin request refused'));
    }
    next();
  };
}

function originHost(origin: string | undefined): string | undefined {
  try {
    return origin ? new URL(origin).host : undefined;
  } catch {
    return undefined; // "null" and other opaque origins
  }
}
