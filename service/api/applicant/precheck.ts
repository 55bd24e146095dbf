// POST /v1/applicant/media/:side/precheck {doc}: the document engine on that one uploaded photo (the same MRZ
// reader as the pipeline's document stage) and, on the side that carries the portrait, the face engine's
// enrolment (as the face stage runs it), answered in plain terms the app turns into advice: is the MRZ found
// and readable on the side that carries it, is this the other side, is the portrait there. Advice only: the
// applicant may keep the photo.
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Config } from '../../config/index.js';
import type { Db } from '../../db/index.js';
import type { MediaStore } from '../../storage/index.js';
import { withDecrypted } from '../../storage/index.js';
import { listMedia, setDeclaredDocumentType } from '../../cases/index.js';
import { decodeImage } from '../../media/index.js';
import { readDocument } from '../../pipeline/engines/document.js';
import { badRequest, notFound } from '../errors.js';
import type { ApplicantRequest } from './auth.js';
import type { PortraitFinder } from './portrait.js';

/** Which side of each document carries the MRZ. */
export const MRZ_SIDE = { cni2021: 'back', cni1988: 'front', passport: 'front', permit: 'back' } as const;
/** Which side carries the portrait: the front of the cards, the data page of the passport. */
export const PORTRAIT_SIDE = {
  cni2021: 'front',
  cni1988: 'front',
  passport: 'front',
  permit: 'front',
} as const;
/** The engine's document type of each document the app offers. */
const DOC_TYPE = {
  cni2021: 'ID_CARD',
  cni1988: 'ID_CARD',
  passport: 'PASSPORT',
  permit: 'RESIDENCE_PERMIT',
} as const;
export const precheckBody = z.object({ doc: z.enum(['cni2021', 'cni1988', 'passport', 'permit']) });

export type PrecheckVerdict = 'ok' | 'mrz_unreadable' | 'wrong_side' | 'no_mrz_expected' | 'no_portrait';

/**
 * Pure: the verdict from where the MRZ and the portrait should be and what the engines found (`portraitFound`
 * null where no portrait is expected). The other side comes first (its advice: turn the document over), then
 * an unreadable MRZ, then a missing portrait.
 */
export function precheckVerdict(
  mrzExpected: boolean,
  mrzRead: boolean,
  portraitFound: boolean | null = null,
): PrecheckVerdict {
  if (!mrzExpected && mrzRead) return 'wrong_side';
  if (mrzExpected && !mrzRead) return 'mrz_unreadable';
  if (portraitFound === false) return 'no_portrait';
  return mrzExpected ? 'ok' : 'no_mrz_expected';
}

export function createPrecheckRouter(deps: {
  config: Config;
  db: Db;
  store: MediaStore;
  portraits: PortraitFinder;
  applicant: (req: Request, res: Response, next: (e?: unknown) => void) => unknown;
}): Router {
  const r = Router();
  r.post('/applicant/media/:side/precheck', deps.applicant, async (req: Request, res: Response) => {
    const side = String(req.params.side);
    if (side !== 'front' && side !== 'back') throw notFound('Side must be front or back');
    const body = precheckBody.safeParse(req.body ?? {});
    if (!body.success) throw badRequest('invalid_request', 'Expected {doc}');
    const c = (req as ApplicantRequest).case;
    const m = (await listMedia(deps.db, c.id, c.attempt)).find((x) => x.kind === side);
    if (!m) throw notFound('Upload this photo first');
    // The document the applicant chose in the app is their declaration: stored for the pipeline's document
    // stage (a prior for the reader), until the attempt is submitted.
    if (c.status === 'created' || c.status === 'resubmission_requested')
      await setDeclaredDocumentType(deps.db, c.id, DOC_TYPE[body.data.doc]);
    const t0 = performance.now();
    const portraitExpected = PORTRAIT_SIDE[body.data.doc] === side;
    const { result, portraitFound } = await withDecrypted(
      deps.store,
      [{ key: m.storageKey, name: 'image' }],
      async (p) => {
        const image = await decodeImage(p.image!);
        // The MRZ reader and the face worker run side by side.
        const [result, portraitFound] = await Promise.all([
          readDocument(
            [image],
            new Date(),
            {
              allowedTypes: deps.config.DOCUMENT_TYPES_ALLOWED,
              minimumAge: deps.config.MINIMUM_AGE,
            },
            { sides: [side], documentType: DOC_TYPE[body.data.doc] },
          ),
          portraitExpected ? deps.portraits.found(image) : null,
        ]);
        return { result, portraitFound };
      },
    );
    const mrzRead = result.status === 'read';
    const verdict = precheckVerdict(MRZ_SIDE[body.data.doc] === side, mrzRead, portraitFound);
    res.json({ side, verdict, mrzRead, portraitFound, ms: Math.round(performance.now() - t0) });
  });
  return r;
}
