// Text PostgreSQL cannot store: a NUL byte (text) or an unpaired UTF-16 surrogate (jsonb refuses its escape).
// Refused for every request up front with one 400, rather than as a database error (a 500 whose message quoted
// the value) deep inside a route.
import type { NextFunction, Request, Response } from 'express';
import { badRequest } from './errors.js';

// eslint-disable-next-line no-control-regex
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** True when some string (key or value) in `v` holds unstorable text. Depth-bounded (bodies are small). */
export function hasUnstorableText(v: unknown, depth = 0): boolean {
  if (depth > 32) return true;
  if (typeof v === 'string') return UNSTORABLE.test(v);
  if (Array.isArray(v)) return v.some((x) => hasUnstorableText(x, depth + 1));
  if (v && typeof v === 'object')
    return Object.entries(v).some(([k, x]) => UNSTORABLE.test(k) || hasUnstorableText(x, depth + 1));
  return false;
}

export function inputGuard(req: Request, _res: Response, next: NextFunction): void {
  // The path as sent: %00 anywhere (a decoded NUL would reach a query through a route parameter).
  if (/%00/.test(req.originalUrl))
    return next(badRequest('invalid_request', 'Invalid characters in the URL'));
  if (hasUnstorableText(req.body) || hasUnstorableText(req.query))
    return next(badRequest('invalid_text', 'Text with invalid characters (NUL or unpaired surrogate)'));
  next();
}
