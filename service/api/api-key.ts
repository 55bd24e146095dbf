// The one guard of the business service's routes (creating verifications, activation status and resends):
// an API key from `X-API-Key` or `Authorization: Bearer`, compared in constant time with each configured key.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { unauthorized } from './errors.js';

function presentedKey(req: Request): string | undefined {
  const h = req.get('x-api-key');
  if (h) return h;
  const m = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '');
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
    const presented = presentedKey(req);
    if (!presented || !keyMatches(presented, keys))
      return next(unauthorized('A valid API key is required (X-API-Key header)'));
    next();
  };
}
