// Express guards for the reviewer API: session from the cookie, CSRF on state-changing calls, role checks.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import cookieParser from 'cookie-parser';
import type { Queryable } from '../db/index.js';
import { forbidden, HttpError, unauthorized } from '../api/errors.js';
import { can, type Capability } from './account-repository.js';
import { csrfMatches, getSession, type Session } from './session-repository.js';

export const SESSION_COOKIE = 'idv_session';
export const CSRF_HEADER = 'x-csrf-token';

export interface AuthedRequest extends Request {
  session?: Session;
  sessionToken?: string;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Loads the session (if any) from the cookie; never refuses by itself. */
export function loadSession(db: Queryable, secret: string): RequestHandler {
  return (req: Request, _res: Response, next: NextFunction) => {
    const token = (req as Request & { cookies?: Record<string, string> }).cookies?.[SESSION_COOKIE];
    if (!token) return next();
    getSession(db, secret, token)
      .then((s) => {
        if (s) {
          (req as AuthedRequest).session = s;
          (req as AuthedRequest).sessionToken = token;
        }
        next();
      })
      .catch(next);
  };
}

/**
 * 401 without a session; on state-changing methods 403 unless the X-CSRF-Token header equals the session's
 * token (a cross-site page cannot read it); then 403 unless the role has the capability.
 */
export function requireAuth(cap?: Capability, opts: { csrf?: boolean } = {}): RequestHandler {
  const checkCsrf = opts.csrf ?? true;
  return (req: Request, _res: Response, next: NextFunction) => {
    const s = (req as AuthedRequest).session;
    if (!s) return next(unauthorized('Sign in to the reviewer console'));
    if (checkCsrf && !SAFE_METHODS.has(req.method) && !csrfMatches(s.csrfToken, req.get(CSRF_HEADER))) {
      return next(new HttpError(403, 'csrf_failed', 'Missing or invalid CSRF token'));
    }
    if (cap && !can(s.reviewer.role, cap)) return next(forbidden());
    next();
  };
}

/** State-changing calls must be JSON: an HTML form on another site cannot send that without a CORS preflight. */
export function requireJson(req: Request, _res: Response, next: NextFunction): void {
  if (SAFE_METHODS.has(req.method) || req.is('application/json')) return next();
  next(new HttpError(415, 'unsupported_media_type', 'Send application/json'));
}

/**
 * Everything needed to protect another area's routes with a reviewer session (e.g. bull-board under /ops/queues
 * for the ops role): `app.use('/ops/queues', ...sessionGuard(db, config.SESSION_SECRET, 'ops'), router)`.
 * Pass `{csrf: false}` only for third-party UIs that cannot send the header (SameSite=Strict still applies).
 */
export function sessionGuard(
  db: Queryable,
  secret: string,
  cap?: Capability,
  opts: { csrf?: boolean } = {},
): RequestHandler[] {
  return [cookieParser(), loadSession(db, secret), requireAuth(cap, opts)];
}
