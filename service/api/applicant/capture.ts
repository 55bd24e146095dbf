// PUT /v1/applicant/media/:kind/capture: facts about how the app captured the medium, stored with it and shown
// to reviewers (a low frame rate or many retakes explains a doubtful video; never a reason to reject).
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Db } from '../../db/index.js';
import { badRequest, conflict, notFound } from '../errors.js';
import type { ApplicantRequest } from './auth.js';
import { setCaptureFacts } from './capture-repository.js';

export const captureFacts = z
  .object({
    source: z.enum(['camera', 'file']).optional(),
    cameraLabel: z.string().max(200).optional(),
    width: z.number().int().min(0).max(20000).optional(),
    height: z.number().int().min(0).max(20000).optional(),
    frameRate: z.number().min(0).max(1000).optional(),
    recorderMime: z.string().max(100).optional(),
    durationMs: z.number().int().min(0).max(600_000).optional(),
    retakes: z.number().int().min(0).max(1000).optional(),
    challengeToUploadMs: z.number().int().min(0).max(86_400_000).optional(),
  })
  .strict();
export type CaptureFacts = z.infer<typeof captureFacts>;

export function createCaptureRouter(deps: {
  db: Db;
  applicant: (req: Request, res: Response, next: (e?: unknown) => void) => unknown;
}): Router {
  const r = Router();
  r.put('/applicant/media/:kind/capture', deps.applicant, async (req: Request, res: Response) => {
    const kind = String(req.params.kind);
    if (!['front', 'back', 'video'].includes(kind))
      throw notFound('Upload kind must be front, back or video');
    const c = (req as ApplicantRequest).case;
    if (c.status !== 'created' && c.status !== 'resubmission_requested')
      throw conflict('already_submitted', 'This verification has already been submitted');
    const parsed = captureFacts.safeParse(req.body ?? {});
    if (!parsed.success) throw badRequest('invalid_request', 'Unexpected capture facts');
    if (!(await setCaptureFacts(deps.db, c.id, c.attempt, kind, parsed.data)))
      throw notFound('Upload this medium first');
    res.status(204).end();
  });
  return r;
}
