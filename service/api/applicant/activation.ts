// The applicant app's activation page: POST /v1/applicant/activation {code}. The bearer is either the applicant
// link token (the app's status page) or the activation letter's token (the letter links to the app with it),
// so the applicant never types a reference. Same checks as POST /v1/activations (rate limits, 5 attempts, lock).
import { Router, type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Db } from '../../db/index.js';
import { findCaseByTokenHash } from '../../cases/index.js';
import { letterByTokenHash } from '../../activation/activation-repository.js';
import type { ActivationService } from '../../activation/service.js';
import { HttpError, badRequest, tooMany, unauthorized } from '../errors.js';
import { toHttpError } from '../activation/routes.js';
import { hashToken } from './auth.js';

export const activationBody = z.object({ code: z.string().min(1).max(32) });
const TOKEN_RE = /^[A-Za-z0-9_-]{20,200}$/;

/** The case behind an applicant token or an activation letter token (both stored as sha256). */
async function caseOf(db: Db, req: Request): Promise<string> {
  const m = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '');
  const token = m?.[1];
  if (!token || !TOKEN_RE.test(token)) throw unauthorized('A link token is required (Authorization: Bearer)');
  const hash = hashToken(token);
  const byApplicant = await findCaseByTokenHash(db, hash);
  if (byApplicant) return byApplicant.id;
  const letter = await db.tx((q) => letterByTokenHash(q, hash));
  if (letter) return letter.case_id;
  throw new HttpError(401, 'invalid_token', 'This link is not valid');
}

export function createApplicantActivationRouter(deps: { db: Db; activation: ActivationService }): Router {
  const r = Router();
  const wrap =
    (f: (req: Request, res: Response) => Promise<void>) =>
    (req: Request, res: Response, next: NextFunction) =>
      f(req, res).catch((e: unknown) => next(toHttpError(e)));

  r.get(
    '/applicant/activation',
    wrap(async (req, res) => {
      const s = await deps.activation.status(await caseOf(deps.db, req));
      res.setHeader('Cache-Control', 'no-store');
      res.json({
        state: s.state,
        attemptsLeft: s.code?.attemptsLeft ?? null,
        locked: s.code?.status === 'locked',
        expired: s.code?.expired ?? false,
        activatedAt: s.activatedAt,
      });
    }),
  );

  r.post(
    '/applicant/activation',
    wrap(async (req, res) => {
      const caseId = await caseOf(deps.db, req);
      const body = activationBody.safeParse(req.body);
      if (!body.success) throw badRequest('invalid_body', 'Expected {code}');
      const limited = await deps.activation.checkRateLimit(req.ip ?? 'unknown', caseId);
      if (limited) {
        res.setHeader('Retry-After', String(limited.retryAfterSec));
        throw tooMany('Too many activation attempts, try again later');
      }
      const done = await deps.activation.activateByLink(caseId, body.data.code);
      res.json({ status: 'activated', activatedAt: done.activatedAt });
    }),
  );
  return r;
}
