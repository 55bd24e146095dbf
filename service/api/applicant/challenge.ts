// POST /v1/applicant/challenge: the spoken-digit challenge, asked for by the applicant app when "Record" is
// pressed. The current challenge is returned while it is unexpired and unused; otherwise a new one is issued
// (lifetime CHALLENGE_TTL_MINUTES), so the clock starts when the applicant is ready, not when the business
// service created the verification. The business service never sees the digits.
import { Router, type Request, type Response } from 'express';
import type { Db } from '../../db/index.js';
import { getChallenge, insertChallenge } from '../../cases/index.js';
import { isChallengeUsable } from '../../speech/challenge.js';
import { newChallenge } from '../../cases/challenge.js';
import { HttpError, conflict } from '../errors.js';
import type { ApplicantRequest } from './auth.js';

export interface ChallengeView {
  digits: string;
  lang: 'fr' | 'en';
  expiresAt: string;
  /** True when this call issued the challenge (false: the unexpired one was returned again). */
  issued: boolean;
}

export function createChallengeRouter(deps: {
  db: Db;
  ttlMinutes: number;
  applicant: (req: Request, res: Response, next: (e?: unknown) => void) => unknown;
}): Router {
  const r = Router();
  r.post('/applicant/challenge', deps.applicant, async (req: Request, res: Response) => {
    const c = (req as ApplicantRequest).case;
    if (c.status === 'expired' || c.expiresAt.getTime() <= Date.now())
      throw new HttpError(410, 'verification_expired', 'This verification has expired; please start again');
    if (c.status !== 'created' && c.status !== 'resubmission_requested')
      throw conflict('already_submitted', 'This verification has already been submitted');
    const now = new Date();
    const current = await getChallenge(deps.db, c.id, c.attempt);
    let view: ChallengeView;
    if (current && isChallengeUsable(current, now)) {
      view = {
        digits: current.digits,
        lang: current.lang,
        expiresAt: current.expiresAt.toISOString(),
        issued: false,
      };
    } else {
      const ch = newChallenge(c.lang, deps.ttlMinutes, now);
      await insertChallenge(deps.db, { caseId: c.id, attempt: c.attempt, ...ch });
      view = { digits: ch.digits, lang: ch.lang, expiresAt: ch.expiresAt.toISOString(), issued: true };
    }
    res.setHeader('Cache-Control', 'no-store');
    res.json(view);
  });
  return r;
}
