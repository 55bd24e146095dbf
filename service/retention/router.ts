// HTTP: the business service's erasure request (API key) and the admins' legal hold (reviewer session, admin role).
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Db } from '../db/index.js';
import { requireApiKey } from '../api/api-key.js';
import { badRequest, conflict, forbidden, notFound } from '../api/errors.js';
import { requireJson, sessionGuard, type AuthedRequest } from '../auth/middleware.js';
import { eraseOnRequest, type PurgeDeps } from './purge.js';
import { changeLegalHold } from './legal-hold.js';
import type { EvidenceService } from '../evidence/service.js';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function erasureRouter(
  deps: PurgeDeps & { evidence: EvidenceService; apiKeys: readonly string[] },
): Router {
  const r = Router();
  r.delete(
    '/verifications/:id/personal-data',
    requireApiKey(deps.apiKeys),
    async (req: Request, res: Response) => {
      const id = String(req.params.id);
      if (!UUID_RE.test(id)) throw notFound('No such verification');
      const out = await eraseOnRequest(deps, id, new Date());
      if (out.status === 'erased') {
        res.json(out.report);
        return;
      }
      if (out.status === 'legal_hold')
        throw conflict('legal_hold', 'This verification is under legal hold; nothing was erased');
      if (out.status === 'active')
        throw conflict(
          'in_progress',
          'This verification is being processed or reviewed; ask again once it has its final outcome',
        );
      throw notFound('No such verification');
    },
  );
  return r;
}

export const holdBody = z.object({ hold: z.boolean(), reason: z.string().max(500).optional() });

export function legalHoldRouter(db: Db, sessionSecret: string): Router {
  const r = Router();
  r.put(
    '/cases/:id/legal-hold',
    ...sessionGuard(db, sessionSecret),
    requireJson,
    async (req: Request, res: Response) => {
      const s = (req as AuthedRequest).session!;
      if (s.reviewer.role !== 'admin') throw forbidden('Only an admin sets or lifts a legal hold');
      const id = String(req.params.id);
      if (!UUID_RE.test(id)) throw notFound('No such case');
      const body = holdBody.safeParse(req.body ?? {});
      if (!body.success) throw badRequest('invalid_request', body.error.issues[0]!.message);
      const found = await changeLegalHold(db, {
        caseId: id,
        hold: body.data.hold,
        ...(body.data.reason ? { reason: body.data.reason } : {}),
        actorType: 'reviewer',
        actorId: s.reviewer.id,
      });
      if (!found) throw notFound('No such case');
      res.json({ id, legalHold: body.data.hold });
    },
  );
  return r;
}
