// Authentication of the two callers of the applicant API: the business service (API key) and the
// applicant (the one-time link token; only its sha256 is stored).
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Queryable } from '../../db/index.js';
import { findCaseByTokenHash, type CaseRow } from '../../cases/index.js';
import { HttpError, unauthorized } from '../errors.js';

export function newApplicantToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashToken(token) };
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function bearer(req: Request): string | undefined {
  const h = req.get('authorization');
  const m = h && /^Bearer\s+(\S+)$/i.exec(h);
  return m?.[1];
}

/** Constant-time comparison of the presented key with each configured key (hashing equalises lengths). */
function keyMatches(presented: string, keys: readonly string[]): boolean {
  const p = createHash('sha256').update(presented).digest();
  let ok = false;
  for (const k of keys) ok = timingSafeEqual(p, createHash('sha256').update(k).digest()) || ok;
  return ok;
}

export function requireApiKey(keys: readonly string[]) {
  return (req: Request, _res: Response, next: NextFunction) => {
    const presented = req.get('x-api-key') ?? bearer(req);
    if (!presented || !keyMatches(presented, keys))
      return next(unauthorized('A valid API key is required (X-API-Key header)'));
    next();
  };
}

export type ApplicantRequest = Request & { case: CaseRow };

export function requireApplicant(db: Queryable) {
  return async (req: Request, _res: Response, next: NextFunction) => {
    const token = bearer(req);
    if (!token || token.length > 200)
      return next(unauthorized('The applicant link token is required (Authorization: Bearer)'));
    const c = await findCaseByTokenHash(db, hashToken(token));
    if (!c) return next(new HttpError(401, 'invalid_token', 'This link is not valid'));
    (req as ApplicantRequest).case = c;
    next();
  };
}
