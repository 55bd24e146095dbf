// Authentication of the applicant (the one-time link token; only its sha256 is stored). The business
// service's API key is checked by api/api-key.ts.
import { createHash, randomBytes } from 'node:crypto';
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

export function bearer(req: Request): string | undefined {
  const h = req.get('authorization');
  const m = h && /^Bearer\s+(\S+)$/i.exec(h);
  return m?.[1];
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
