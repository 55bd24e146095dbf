// GET /v1/applicant/session: what the applicant app needs to show the right screen (status, allowed
// documents, attempt, review deadline, outcome reasons, activation state). No digits (those come from
// POST /v1/applicant/challenge when recording starts) and nothing of the declared identity.
import { Router, type Request, type Response } from 'express';
import type { Config } from '../../config/index.js';
import type { Db } from '../../db/index.js';
import { STAGES, expireStaleCases, getCase, listMedia, type CaseRow } from '../../cases/index.js';
import { activationStatus } from '../../activation/status.js';
import type { ApplicantRequest } from './auth.js';

/** Documents the app offers, by the configured document types (DOCUMENT_TYPES_ALLOWED). */
export const DOCUMENTS = [
  { id: 'cni2021', type: 'ID_CARD', sides: ['front', 'back'] },
  { id: 'cni1988', type: 'ID_CARD', sides: ['front', 'back'] },
  { id: 'passport', type: 'PASSPORT', sides: ['front'] },
  { id: 'permit', type: 'RESIDENCE_PERMIT', sides: ['front', 'back'] },
] as const;

export function allowedDocuments(types: readonly string[]) {
  const set = new Set(types.map((t) => t.toUpperCase()));
  return DOCUMENTS.filter((d) => set.has(d.type)).map((d) => ({ id: d.id, sides: [...d.sides] }));
}

export function createSessionRouter(deps: {
  config: Config;
  db: Db;
  applicant: (req: Request, res: Response, next: (e?: unknown) => void) => unknown;
}): Router {
  const { config, db } = deps;
  const r = Router();
  r.get('/applicant/session', deps.applicant, async (req: Request, res: Response) => {
    let c: CaseRow = (req as ApplicantRequest).case;
    if (
      (c.status === 'created' || c.status === 'resubmission_requested') &&
      c.expiresAt.getTime() <= Date.now()
    ) {
      await expireStaleCases(db, new Date());
      c = (await getCase(db, c.id))!;
    }
    const media = await listMedia(db, c.id, c.attempt);
    const act = c.status === 'approved' ? await activationStatus(db, c.id) : undefined;
    res.setHeader('Cache-Control', 'no-store');
    res.json({
      status: c.status,
      lang: c.lang,
      attempt: c.attempt,
      maxAttempts: config.MAX_ATTEMPTS,
      expiresAt: c.expiresAt.toISOString(),
      submittedAt: c.submittedAt?.toISOString() ?? null,
      reviewDeadline: c.reviewDeadline?.toISOString() ?? null,
      reasons: c.status === 'processing' ? [] : c.reasons,
      progress: Object.fromEntries(
        STAGES.map((s) => [
          s,
          c.submittedAt
            ? (c.progress[s] ?? { state: 'pending', percent: 0 })
            : { state: 'pending', percent: 0 },
        ]),
      ),
      documents: allowedDocuments(config.DOCUMENT_TYPES_ALLOWED),
      uploaded: media.map((m) => m.kind).filter((k) => k === 'front' || k === 'back' || k === 'video'),
      activation: act
        ? {
            state: act.state,
            attemptsLeft: act.code?.attemptsLeft ?? null,
            locked: act.code?.status === 'locked',
            expired: act.code?.expired ?? false,
          }
        : null,
    });
  });
  return r;
}
