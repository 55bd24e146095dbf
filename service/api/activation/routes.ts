// HTTP surface of activation:
//   POST /v1/activations          applicant: {reference, code} -> activated (rate-limited per IP and session)
//   POST /v1/activations/resend   business service (API key): {reference} -> a new code, old one invalid
//   GET  /v1/activations/:ref     business service (API key): activation and delivery status
//   GET  /letters/:token          the registered e-letter (a button until it is opened)
//   POST /letters/:token          the button: the first opening, which records the proof of receipt
// Bodies are never logged (the access log carries the route pattern and status only).
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import { HttpError, badRequest, notFound, tooMany } from '../errors.js';
import { requireApiKey } from '../api-key.js';
import { ActivationError, type ActivationErrorCode } from '../../activation/errors.js';
import type { ActivationService } from '../../activation/service.js';
import { renderNotFoundPage } from '../../notify/templates.js';

const STATUS: Record<ActivationErrorCode, number> = {
  not_found: 404,
  not_approved: 409,
  already_activated: 409,
  code_expired: 410,
  code_locked: 423,
  invalid_code: 400,
  malformed_code: 400,
  resend_limit: 409,
};

export function toHttpError(e: unknown): unknown {
  if (!(e instanceof ActivationError)) return e;
  return new HttpError(
    STATUS[e.code],
    e.code,
    e.message,
    e.attemptsRemaining === undefined ? undefined : { attemptsRemaining: e.attemptsRemaining },
  );
}

const ActivateBody = z.object({
  reference: z.string().min(1).max(200),
  code: z.string().min(1).max(32),
});
const ResendBody = z.object({ reference: z.string().min(1).max(200) });

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const r = schema.safeParse(body);
  if (!r.success)
    throw badRequest(
      'invalid_body',
      'Expected {reference, code} as strings',
      r.error.issues.map((i) => i.path.join('.')),
    );
  return r.data;
}

export function activationRouter(svc: ActivationService, apiKeys: readonly string[]): Router {
  const r = Router();
  const apiKey = requireApiKey(apiKeys);

  r.post('/', async (req, res, next) => {
    try {
      const body = parse(ActivateBody, req.body);
      const limited = await svc.checkRateLimit(req.ip ?? 'unknown', body.reference);
      if (limited) {
        res.setHeader('Retry-After', String(limited.retryAfterSec));
        throw tooMany('Too many activation attempts, try again later');
      }
      const done = await svc.activate(body.reference, body.code);
      res.json({ status: 'activated', reference: done.reference, activatedAt: done.activatedAt });
    } catch (e) {
      next(toHttpError(e));
    }
  });

  r.post('/resend', apiKey, async (req, res, next) => {
    try {
      const body = parse(ResendBody, req.body);
      const caseId = await svc.caseIdOf(body.reference);
      if (!caseId) throw notFound('No such case');
      const out = await svc.resend(caseId, { actorType: 'service', actorId: 'api-key' });
      res.status(202).json({ status: 'resent', generation: out.generation, resendsLeft: out.resendsLeft });
    } catch (e) {
      next(toHttpError(e));
    }
  });

  r.get('/:reference', apiKey, async (req, res, next) => {
    try {
      const caseId = await svc.caseIdOf(String(req.params.reference));
      if (!caseId) throw notFound('No such case');
      res.json(await svc.status(caseId));
    } catch (e) {
      next(toHttpError(e));
    }
  });
  return r;
}

export function letterRouter(svc: ActivationService): Router {
  const r = Router();
  // GET shows the letter once opened, a button before; the button's POST is the opening (proof of receipt).
  const open = (act: boolean) => async (req: Request, res: Response, next: NextFunction) => {
    try {
      const token = String(req.params.token);
      const opened = await svc.openLetter(
        token,
        { ip: req.ip ?? req.socket.remoteAddress ?? 'unknown', userAgent: req.get('user-agent') ?? '' },
        act,
      );
      // The page shows a secret: never cached, never sent as a referrer, never indexed.
      res.setHeader('Cache-Control', 'no-store');
      res.setHeader('Referrer-Policy', 'no-referrer');
      res.setHeader('X-Robots-Tag', 'noindex');
      res.type('html');
      if (!opened) {
        res.status(404).send(renderNotFoundPage());
        return;
      }
      if (act) res.redirect(303, `${req.baseUrl}/${token}`);
      else res.send(opened.html);
    } catch (e) {
      next(e);
    }
  };
  r.get('/:token', open(false));
  r.post('/:token', express.urlencoded({ extended: false, limit: '1kb' }), open(true));
  return r;
}
