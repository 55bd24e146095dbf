// The console's search, seen-before panel, QA queue, development outbox and per-reviewer figures (issue #20
// items 7, 8 and 10). Same guards as the review API: a session, CSRF on state changes, JSON, a capability;
// every look at another case's data and at the outbox is written to the audit trail.
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import cookieParser from 'cookie-parser';
import { z } from 'zod';
import type { Db } from '../../db/index.js';
import { appendAudit } from '../../audit/audit-repository.js';
import { reviewerEmails } from '../../auth/account-repository.js';
import { loadSession, requireAuth, requireJson, type AuthedRequest } from '../../auth/middleware.js';
import { seenBeforeOf } from '../../fraud/seen-before-repository.js';
import { listDevOutbox } from '../../notify/dev-outbox.js';
import { listQa, qaFigures, qaOf, recordQa } from '../../review/qa-repository.js';
import { searchCases } from '../../review/search-repository.js';
import { badRequest, conflict, forbidden, notFound } from '../errors.js';

export interface DeskApiDeps {
  db: Db;
  sessionSecret: string;
  /** Key of the development outbox; absent when the outbox is not in use (production). */
  devOutboxKey?: Buffer;
  now?: () => Date;
}

export const searchQuery = z.object({ q: z.string().trim().min(1).max(80) });
export const qaQuery = z.object({ state: z.enum(['pending', 'done']).optional() });
export const qaBody = z.object({
  verdict: z.enum(['agree', 'disagree']),
  note: z.string().max(2000).optional(),
});
const uuid = z.string().uuid();

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const r = schema.safeParse(value);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw badRequest('invalid_request', `${i.path.join('.') || 'request'}: ${i.message}`);
  }
  return r.data;
}

type Handler = (req: AuthedRequest, res: Response) => Promise<void>;
const h = (fn: Handler) => (req: Request, res: Response, next: NextFunction) => {
  fn(req as AuthedRequest, res).catch(next);
};

/** Mounted at /api: paths under /review (reviewers) and /ops (the ops view). */
export function createDeskRouter(deps: DeskApiDeps): Router {
  const { db } = deps;
  const now = deps.now ?? (() => new Date());
  const r = express.Router();
  r.use(['/review', '/ops/reviewers'], cookieParser(), requireJson, loadSession(db, deps.sessionSecret));
  r.use(['/review', '/ops/reviewers'], (_req, res, next) => {
    res.setHeader('Cache-Control', 'private, no-store');
    next();
  });
  const me = (req: AuthedRequest) => req.session!.reviewer;

  r.get(
    '/review/search',
    requireAuth('review'),
    h(async (req, res) => {
      const { q } = parse(searchQuery, req.query);
      res.json({ items: await searchCases(db, q) });
    }),
  );

  r.get(
    '/review/cases/:id/seen-before',
    requireAuth('review'),
    h(async (req, res) => {
      const id = parse(uuid, req.params.id);
      const matches = await seenBeforeOf(db, id);
      // Looking at other applicants' identities is an access to their personal data: audited on both cases.
      if (matches.length) {
        await appendAudit(db, {
          actorType: 'reviewer',
          actorId: me(req).id,
          action: 'case.seen_before.viewed',
          caseId: id,
          details: { otherCases: matches.map((m) => m.otherCaseId) },
        });
        for (const m of matches)
          await appendAudit(db, {
            actorType: 'reviewer',
            actorId: me(req).id,
            action: 'case.viewed_as_seen_before',
            caseId: m.otherCaseId,
            details: { fromCase: id },
          });
      }
      res.json({ caseId: id, matches });
    }),
  );

  r.get(
    '/review/qa',
    requireAuth('review'),
    h(async (req, res) => {
      const { state } = parse(qaQuery, req.query);
      res.json({ items: await listQa(db, { pending: state !== 'done' }) });
    }),
  );
  r.get(
    '/review/qa/:id',
    requireAuth('review'),
    h(async (req, res) => {
      const item = await qaOf(db, parse(uuid, req.params.id));
      if (!item) throw notFound('This case is not in the QA sample');
      res.json(item);
    }),
  );
  r.post(
    '/review/qa/:id',
    requireAuth('review'),
    h(async (req, res) => {
      const id = parse(uuid, req.params.id);
      const body = parse(qaBody, req.body);
      const out = await recordQa(db, { caseId: id, reviewerId: me(req).id, ...body }, now());
      if (out === 'not_sampled') throw notFound('This case is not in the QA sample');
      if (out === 'already') throw conflict('qa_done', 'This case already has its QA verdict');
      res.json({ caseId: id, verdict: body.verdict });
    }),
  );

  r.get(
    '/review/dev-outbox',
    requireAuth(),
    h(async (req, res) => {
      if (me(req).role !== 'admin') throw forbidden('Only an admin reads the development outbox');
      if (!deps.devOutboxKey)
        throw notFound('The development outbox is not in use (mail and SMS are configured)');
      const items = await listDevOutbox(db, deps.devOutboxKey);
      await appendAudit(db, {
        actorType: 'reviewer',
        actorId: me(req).id,
        action: 'dev_outbox.viewed',
        details: { items: items.length },
      });
      res.json({ items });
    }),
  );

  r.get(
    '/ops/reviewers',
    requireAuth('ops'),
    h(async (_req, res) => {
      const f = await qaFigures(db);
      const names = await reviewerEmails(
        db,
        f.reviewers.map((x) => x.reviewerId).filter((x) => uuid.safeParse(x).success),
      );
      res.json({ ...f, names: Object.fromEntries(names.map((n) => [n.id, n.email])) });
    }),
  );
  return r;
}
