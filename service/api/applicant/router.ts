// The applicant API (/v1): the business service creates a verification (API key); the applicant, with the
// link token, uploads document photos and the video, submits, and follows the status.
import { Router, type Request, type Response } from 'express';
import { randomUUID } from 'node:crypto';
import type { Config } from '../../config/index.js';
import type { Db } from '../../db/index.js';
import {
  STAGES,
  getCase,
  getChallenge,
  insertCase,
  insertChallenge,
  listMedia,
  lockCase,
  markChallengeUsed,
  setStatus,
  type CaseRow,
  type StageProgress,
} from '../../cases/index.js';
import type { MediaStore } from '../../storage/index.js';
import { newChallenge } from '../../cases/challenge.js';
import { badRequest, conflict, notFound } from '../errors.js';
import { newApplicantToken, requireApplicant } from './auth.js';
import { requireApiKey } from '../api-key.js';
import { receiveUpload } from './upload.js';
import {
  UPLOAD_KINDS,
  assertUploadable,
  attachUpload,
  currentCase,
  isUploadName,
  maxBytesOf,
} from './attach.js';
import { createVerificationBody, type CreateVerificationBody } from './schemas.js';
import { activationStatus, type ActivationStatus } from '../../activation/status.js';
import { inviteInTx, invitationSummary, type Channel } from '../../invitation/service.js';

export interface ApplicantApiDeps {
  config: Config;
  db: Db;
  store: MediaStore;
  /** Starts the pipeline for a submitted attempt (enqueue; a failure here is recovered by the sweep). */
  startPipeline(ref: { caseId: string; attempt: number }): Promise<void>;
}

/** How long submit waits for Redis to take the job before leaving it to the recovery sweep. */
const ENQUEUE_WAIT_MS = 1500;

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

function progressView(p: CaseRow['progress']): Record<(typeof STAGES)[number], StageProgress> {
  return Object.fromEntries(STAGES.map((s) => [s, p[s] ?? { state: 'pending', percent: 0 }])) as Record<
    (typeof STAGES)[number],
    StageProgress
  >;
}

/** The business service sees delivery and use of the code, never the code. */
function activationSummary(a: ActivationStatus) {
  return {
    state: a.state,
    activatedAt: a.activatedAt,
    letterReceivedAt: a.letterReceivedAt,
    resendsLeft: a.resendsLeft,
    email: a.delivery.email?.status ?? null,
    sms: a.delivery.sms?.status ?? null,
  };
}

export function createApplicantRouter(deps: ApplicantApiDeps): Router {
  const { config, db, store } = deps;
  const r = Router();
  const apiKey = requireApiKey(config.API_KEYS);
  const applicant = requireApplicant(db);
  // Responses here carry the applicant token or the challenge digits: never stored by a cache or a proxy.
  r.use((_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });

  r.post('/verifications', apiKey, async (req: Request, res: Response) => {
    const parsed = createVerificationBody.safeParse(req.body ?? {});
    if (!parsed.success) {
      const i = parsed.error.issues[0]!;
      throw badRequest('invalid_request', `${i.path.join('.') || 'body'}: ${i.message}`);
    }
    const body: CreateVerificationBody = parsed.data;
    const now = new Date();
    const { token, hash } = newApplicantToken();
    const c = await db
      .tx(async (q) => {
        // No challenge yet: the applicant app asks for it when recording starts (POST /v1/applicant/challenge).
        const c = await insertCase(q, {
          reference: body.reference ?? `idv-${randomUUID()}`,
          lang: body.lang,
          applicant: body.applicant,
          tokenHash: hash,
          expiresAt: new Date(now.getTime() + config.VERIFICATION_TTL_HOURS * 3600_000),
          ...(body.documentType ? { declaredDocumentType: body.documentType } : {}),
        });
        // Always kept (sealed), so that POST /verifications/:id/invite can send the link later.
        const channels: Channel[] = [];
        if (body.invite?.email ?? config.INVITE_EMAIL) channels.push('email');
        if (body.invite?.sms ?? config.INVITE_SMS) channels.push('sms');
        await inviteInTx(
          q,
          { secret: config.CODE_HMAC_SECRET },
          { caseId: c.id, applicantToken: token, channels },
        );
        return c;
      })
      .catch((e: { code?: string }) => {
        if (e.code === '23505')
          throw conflict('duplicate_reference', 'A verification with this reference already exists');
        throw e;
      });
    res.status(201).json({
      id: c.id,
      reference: c.reference,
      token,
      applicantUrl: `${config.PUBLIC_URL}/v/${token}`,
      expiresAt: c.expiresAt.toISOString(),
    });
  });

  r.get('/verifications/:id', apiKey, async (req: Request, res: Response) => {
    const id = String(req.params.id);
    // The exact UUID shape: anything else (36 dashes included) is no verification, not a database error.
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id))
      throw notFound('No such verification');
    const c = await getCase(db, id);
    if (!c) throw notFound('No such verification');
    res.json({
      id: c.id,
      reference: c.reference,
      status: c.status,
      attempt: c.attempt,
      outcome: c.outcome,
      reasons: c.reasons,
      decidedAt: iso(c.decidedAt),
      reviewDeadline: iso(c.reviewDeadline),
      invitation: await invitationSummary(db, c.id),
      activation: c.status === 'approved' ? activationSummary(await activationStatus(db, c.id)) : null,
    });
  });

  const current = (req: Request) => currentCase(db, req);

  r.get('/applicant/status', applicant, async (req: Request, res: Response) => {
    const c = await current(req);
    const ch = await getChallenge(db, c.id, c.attempt);
    const media = await listMedia(db, c.id, c.attempt);
    res.json({
      id: c.id,
      status: c.status,
      attempt: c.attempt,
      maxAttempts: config.MAX_ATTEMPTS,
      expiresAt: c.expiresAt.toISOString(),
      progress: progressView(c.status === 'processing' || c.submittedAt ? c.progress : {}),
      challenge:
        ch && (c.status === 'created' || c.status === 'resubmission_requested')
          ? { lang: ch.lang, expiresAt: ch.expiresAt.toISOString() }
          : null,
      uploaded: media.filter((m) => m.kind in UPLOAD_KINDS).map((m) => m.kind),
      reasons: c.status === 'resubmission_requested' ? c.reasons : [],
    });
  });

  r.put('/applicant/media/:kind', applicant, async (req: Request, res: Response) => {
    const name = String(req.params.kind);
    if (!isUploadName(name)) throw notFound('Upload kind must be front, back or video');
    const kind = UPLOAD_KINDS[name];
    const c = await current(req);
    assertUploadable(c);
    const up = await receiveUpload(req, store, kind, maxBytesOf(kind, config), c.id);
    await attachUpload({ db, store }, c, name, up);
    res.status(201).json({ kind: name, mime: up.mime, sizeBytes: up.size });
  });

  r.post('/applicant/submit', applicant, async (req: Request, res: Response) => {
    const c0 = await current(req);
    assertUploadable(c0);
    const media = await listMedia(db, c0.id, c0.attempt);
    const missing = (['front', 'video'] as const).filter((k) => !media.some((m) => m.kind === k));
    if (missing.length)
      throw badRequest('missing_media', `Upload ${missing.join(' and ')} before submitting`, { missing });
    const now = new Date();
    const ch = await getChallenge(db, c0.id, c0.attempt);
    if (!ch || ch.expiresAt.getTime() <= now.getTime()) {
      // The video must answer a live challenge: issue a new one; the applicant records again.
      await insertChallenge(db, {
        caseId: c0.id,
        attempt: c0.attempt,
        ...newChallenge(c0.lang, config.CHALLENGE_TTL_MINUTES, now),
      });
      throw conflict(
        'challenge_expired',
        'The spoken-digit challenge expired: record the video again with the new digits',
      );
    }
    const attempt = await db.tx(async (q) => {
      const c = await lockCase(q, c0.id);
      if (
        !c ||
        (c.status !== 'created' && c.status !== 'resubmission_requested') ||
        c.attempt !== c0.attempt
      ) {
        throw conflict('already_submitted', 'This verification has already been submitted');
      }
      await markChallengeUsed(q, c.id, c.attempt);
      await setStatus(q, c.id, 'processing', { submittedAt: now, resetProgress: true });
      return c.attempt;
    });
    // After commit; if Redis is down now, the recovery sweep enqueues the case later.
    // If Redis is down or slow now, the recovery sweep enqueues the case later: the applicant is not held for
    // the outage (the enqueue, if it completes later, is idempotent).
    await Promise.race([
      deps.startPipeline({ caseId: c0.id, attempt }).catch(() => undefined),
      new Promise((r) => setTimeout(r, ENQUEUE_WAIT_MS).unref()),
    ]);
    res.status(202).json({ status: 'processing', attempt });
  });

  return r;
}
