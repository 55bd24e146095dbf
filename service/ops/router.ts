// HTTP side of ops: /metrics (bearer token), bull-board under /ops/queues (ops or admin session) and
// /api/ops/summary, the one ops summary: every role with the `ops` capability (ops, supervisor, admin), the
// same rule the console uses to show its ops page.
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import cookieParser from 'cookie-parser';
import type { Queue } from 'bullmq';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Registry } from 'prom-client';
import type { Queryable } from '../db/index.js';
import { loadSession, sessionGuard, type AuthedRequest } from '../auth/middleware.js';
import { forbidden } from '../api/errors.js';
import type { SlaPolicy } from '../review/calendar.js';
import { requireBearer, requireOpsSession } from './auth.js';
import type { SeriesSampler } from './series.js';
import { opsSummary } from './summary.js';

export const QUEUES_UI_PATH = '/ops/queues';

export function metricsRouter(registry: Registry, token: string): Router {
  const r = express.Router();
  r.get('/', requireBearer(token), (_req: Request, res: Response, next: NextFunction) => {
    registry
      .metrics()
      .then((body) => {
        res.setHeader('Content-Type', registry.contentType);
        res.setHeader('Cache-Control', 'no-store');
        res.send(body);
      })
      .catch(next);
  });
  return r;
}

export function queuesUiRouter(db: Queryable, sessionSecret: string, queues: Queue[]): Router {
  // Two boards on one path: ops watch (read-only: no retry, clean, empty, obliterate, pause), admin acts.
  const board = (readOnlyMode: boolean) => {
    const adapter = new ExpressAdapter();
    adapter.setBasePath(QUEUES_UI_PATH);
    createBullBoard({
      queues: queues.map((q) => new BullMQAdapter(q, { readOnlyMode })),
      serverAdapter: adapter,
      options: { uiConfig: { boardTitle: 'idv queues' } },
    });
    return adapter.getRouter() as Router;
  };
  const readOnly = board(true);
  const writable = board(false);
  const r = express.Router();
  r.use(cookieParser(), loadSession(db, sessionSecret), requireOpsSession());
  r.use((req: Request, res: Response, next: NextFunction) => {
    const admin = (req as AuthedRequest).session?.reviewer.role === 'admin';
    // The board hides the buttons; this refuses the calls themselves.
    if (!admin && !['GET', 'HEAD', 'OPTIONS'].includes(req.method))
      return next(forbidden('Queues are read-only for ops; an admin account can act on them'));
    (admin ? writable : readOnly)(req, res, next);
  });
  return r;
}

export function opsApiRouter(deps: {
  db: Queryable;
  sessionSecret: string;
  sampler: SeriesSampler;
  sla: SlaPolicy;
}): Router {
  const r = express.Router();
  r.use(...sessionGuard(deps.db, deps.sessionSecret, 'ops'));
  r.get('/summary', (_req: Request, res: Response, next: NextFunction) => {
    opsSummary(deps.db, deps.sampler.points(), deps.sampler.intervalMs, deps.sla)
      .then((s) => {
        res.setHeader('Cache-Control', 'no-store');
        res.json(s);
      })
      .catch(next);
  });
  return r;
}
