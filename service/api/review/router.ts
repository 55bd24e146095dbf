// Reviewer API under /api/review. Every route needs a session (401), every state-changing route a CSRF token
// (403 csrf_failed) and JSON, and every route a role with the right capability (403). Media views and
// decisions are written to the audit trail.
import { LangSchema } from '../../contracts/lang.js';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import cookieParser from 'cookie-parser';
import { z } from 'zod';
import type { Db } from '../../db/index.js';
import type { Logger } from '../../logger.js';
import { appendAudit } from '../../audit/audit-repository.js';
import { checkPassword, reviewerEmails, type LockoutPolicy } from '../../auth/account-repository.js';
import {
  createSession,
  deleteSession,
  ipThrottled,
  recordLoginAttempt,
  accountLocked,
  type SessionPolicy,
} from '../../auth/session-repository.js';
import {
  loadSession,
  requireAuth,
  requireJson,
  SESSION_COOKIE,
  type AuthedRequest,
} from '../../auth/middleware.js';
import { REASON_CODES, REASONS } from '../../decision/reason-codes.js';
import type { SlaPolicy } from '../../review/calendar.js';
import { claimCase, releaseCase, takeOverLease } from '../../review/lease-repository.js';
import { caseAttempt, MEDIA_LOADED, recordView, reviewChecks } from '../../review/review-checks.js';
import { decideCase } from '../../review/decide.js';
import { listQueue } from '../../review/queue-repository.js';
import { loadCaseDetail, mediaOf } from '../../review/case-view-repository.js';
import { ReviewError } from '../../review/errors.js';
import { extractFrameJpeg, parseRange, type MediaCache } from '../../review/media-cache.js';
import type { MediaStore } from '../../storage/index.js';
import { badRequest, HttpError, notFound, tooMany } from '../errors.js';

export interface ReviewApiDeps {
  db: Db;
  logger: Logger;
  /** Decrypted work copies for ffmpeg (frames). */
  media: MediaCache;
  /** The sealed store: videos are served from it by ranged reads (no decrypted copy). */
  store: MediaStore;
  sessionSecret: string;
  cookieSecure: boolean;
  leaseMinutes: number;
  sla: SlaPolicy;
  /** Face similarity thresholds, shown next to the score so the reviewer knows what it means. */
  faceThresholds: { accept: number; reject: number };
  /** Lifetime of the new challenge when a reviewer asks for a resubmission. */
  challengeTtlMinutes?: number;
  sessionPolicy?: SessionPolicy;
  lockout?: LockoutPolicy;
  /** Clock, replaceable in tests. */
  now?: () => Date;
}

const uuid = z.string().uuid();
/** Media a reviewer may fetch: the uploads, the face crops and the mouth crops at each spoken digit. */
export const REVIEW_MEDIA_KINDS = z.enum([
  'front',
  'back',
  'video',
  'portrait',
  'live_frame',
  'card_frame',
  'mouth_crops',
]);
export const loginBody = z.object({
  email: z.string().min(3).max(254),
  password: z.string().min(1).max(1024),
});
export const decisionBody = z.object({
  action: z.enum(['approve', 'reject', 'resubmit']),
  reasons: z.array(z.string().max(64)).max(20).optional(),
  note: z.string().max(2000).optional(),
});
export const viewBody = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('video'), secondsWatched: z.number().min(0).max(3600) }),
  z.object({ kind: z.enum(['front', 'back']) }),
]);
export const queueQuery = z.object({
  reason: z
    .string()
    .regex(/^[A-Z_]{2,64}$/)
    .optional(),
  lang: LangSchema.optional(),
  docType: z
    .string()
    .regex(/^[\w -]{1,40}$/)
    .optional(),
  atRisk: z.enum(['1', 'true', '0', 'false']).optional(),
  awaitingSecondApproval: z.enum(['1', 'true', '0', 'false']).optional(),
});

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const r = schema.safeParse(value);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw badRequest('invalid_request', `${i.path.join('.') || 'request'}: ${i.message}`);
  }
  return r.data;
}

function toHttp(e: unknown): unknown {
  if (!(e instanceof ReviewError)) return e;
  const status = { conflict: 409, forbidden: 403, not_found: 404, invalid: 400 }[e.kind];
  return new HttpError(status, e.code, e.message);
}

type Handler = (req: AuthedRequest, res: Response) => Promise<void>;
const h = (fn: Handler) => (req: Request, res: Response, next: NextFunction) => {
  fn(req as AuthedRequest, res).catch((e: unknown) => next(toHttp(e)));
};

export function createReviewRouter(deps: ReviewApiDeps): Router {
  const { db } = deps;
  const now = deps.now ?? (() => new Date());
  const r = express.Router();
  r.use(cookieParser());
  r.use(requireJson);
  r.use(loadSession(db, deps.sessionSecret));
  r.use((_req, res, next) => {
    res.setHeader('Cache-Control', 'private, no-store');
    next();
  });
  const caseId = (req: Request) => parse(uuid, req.params.id);
  const reviewerId = (req: AuthedRequest) => req.session!.reviewer.id;

  // --- authentication ---
  r.post(
    '/auth/login',
    h(async (req, res) => {
      const body = parse(loginBody, req.body);
      const ip = req.ip ?? 'unknown';
      if (await ipThrottled(db, ip))
        throw tooMany('Too many failed sign-in attempts from this address; try again later');
      if (await accountLocked(db, body.email, ip, deps.lockout))
        throw new HttpError(
          429,
          'account_locked',
          'Too many failed attempts: this account is locked for a while',
        );
      const result = await checkPassword(db, body.email, body.password);
      await recordLoginAttempt(db, ip, result.ok, body.email);
      if (!result.ok) {
        // The fifth failure answers the lock at once, for real and unknown e-mails alike.
        if (await accountLocked(db, body.email, ip, deps.lockout))
          throw new HttpError(
            429,
            'account_locked',
            'Too many failed attempts: this account is locked for a while',
          );
        throw new HttpError(401, 'invalid_credentials', 'Wrong e-mail address or password');
      }
      const { token, session } = await createSession(
        db,
        deps.sessionSecret,
        result.reviewer,
        deps.sessionPolicy,
      );
      await appendAudit(db, {
        actorType: 'reviewer',
        actorId: result.reviewer.id,
        action: 'reviewer.login',
        details: {},
      });
      res.cookie(SESSION_COOKIE, token, {
        httpOnly: true,
        sameSite: 'strict',
        secure: deps.cookieSecure,
        path: '/',
        expires: session.expiresAt,
      });
      res.json({ reviewer: session.reviewer, csrfToken: session.csrfToken });
    }),
  );
  r.post(
    '/auth/logout',
    requireAuth(),
    h(async (req, res) => {
      await deleteSession(db, deps.sessionSecret, req.sessionToken!);
      await appendAudit(db, {
        actorType: 'reviewer',
        actorId: reviewerId(req),
        action: 'reviewer.logout',
        details: {},
      });
      res.clearCookie(SESSION_COOKIE, { path: '/' });
      res.json({ ok: true });
    }),
  );
  r.get(
    '/auth/me',
    requireAuth(),
    h(async (req, res) => {
      res.json({ reviewer: req.session!.reviewer, csrfToken: req.session!.csrfToken });
    }),
  );

  // --- reference data ---
  r.get(
    '/reasons',
    requireAuth('review'),
    h(async (_req, res) => {
      res.json({ reasons: REASON_CODES.map((code) => ({ code, class: REASONS[code] })) });
    }),
  );

  // --- queue ---
  r.get(
    '/queue',
    requireAuth('review'),
    h(async (req, res) => {
      const q = parse(queueQuery, req.query);
      const yes = (v?: string) => v === '1' || v === 'true';
      const items = await listQueue(
        db,
        {
          reason: q.reason,
          lang: q.lang,
          docType: q.docType,
          atRisk: yes(q.atRisk),
          awaitingSecondApproval: yes(q.awaitingSecondApproval),
        },
        deps.sla,
        now(),
      );
      const holders = [...new Set(items.flatMap((i) => (i.claimedBy ? [i.claimedBy] : [])))];
      const names = await reviewerEmails(db, holders);
      res.json({
        items,
        now: now().toISOString(),
        reviewers: Object.fromEntries(names.map((n) => [n.id, n.email])),
      });
    }),
  );
  r.get(
    '/supervisor/at-risk',
    requireAuth('supervise'),
    h(async (_req, res) => {
      res.json({ items: await listQueue(db, { atRisk: true }, deps.sla, now()), now: now().toISOString() });
    }),
  );
  // --- one case ---
  r.get(
    '/cases/:id',
    requireAuth('review'),
    h(async (req, res) => {
      const detail = await loadCaseDetail(db, caseId(req), deps.sla, now());
      const ids = [
        ...new Set([
          ...detail.decisions.map((d) => d.reviewerId),
          ...detail.audit.map((a) => a.actorId),
          detail.lease?.reviewerId,
          detail.fourEyes.firstApproverId,
        ]),
      ].filter((x): x is string => typeof x === 'string' && uuid.safeParse(x).success);
      const [names, checks] = await Promise.all([
        reviewerEmails(db, ids),
        reviewChecks(db, detail.caseId, detail.attempt, reviewerId(req)),
      ]);
      await appendAudit(db, {
        actorType: 'reviewer',
        actorId: reviewerId(req),
        action: 'case.viewed',
        caseId: detail.caseId,
        details: {},
      });
      res.json({
        ...detail,
        reviewers: Object.fromEntries(names.map((n) => [n.id, n.email])),
        faceThresholds: deps.faceThresholds,
        checks,
        now: now().toISOString(),
      });
    }),
  );
  r.post(
    '/cases/:id/claim',
    requireAuth('review'),
    h(async (req, res) => {
      res.json(leaseJson(await claimCase(db, caseId(req), reviewerId(req), deps.leaseMinutes, now())));
    }),
  );
  r.post(
    '/cases/:id/takeover',
    requireAuth('supervise'),
    h(async (req, res) => {
      const lease = await takeOverLease(db, caseId(req), reviewerId(req), deps.leaseMinutes, now());
      res.json({
        ...leaseJson(lease),
        previousReviewerId: lease.previousReviewerId,
      });
    }),
  );
  r.post(
    '/cases/:id/views',
    requireAuth('review'),
    h(async (req, res) => {
      const id = caseId(req);
      const event = parse(viewBody, req.body);
      await recordView(db, {
        caseId: id,
        attempt: await caseAttempt(db, id),
        reviewerId: reviewerId(req),
        event,
      });
      res.json({ checks: await reviewChecks(db, id, await caseAttempt(db, id), reviewerId(req)) });
    }),
  );
  r.post(
    '/cases/:id/release',
    requireAuth('review'),
    h(async (req, res) => {
      res.json({ released: await releaseCase(db, caseId(req), reviewerId(req)) });
    }),
  );
  r.post(
    '/cases/:id/decision',
    requireAuth('review'),
    h(async (req, res) => {
      const body = parse(decisionBody, req.body);
      const out = await decideCase(
        db,
        { caseId: caseId(req), reviewer: req.session!.reviewer, ...body },
        now(),
        { challengeTtlMinutes: deps.challengeTtlMinutes },
      );
      res.json(out);
    }),
  );

  // --- media (decrypted on the fly, Range-capable, every view audited) ---
  r.get(
    '/cases/:id/media/:kind',
    requireAuth('review'),
    h(async (req, res) => {
      const id = caseId(req);
      // Uploads, and the face and mouth crops the pipeline stores next to them.
      const kind = parse(REVIEW_MEDIA_KINDS, req.params.kind);
      // A video browsers may not all show is served as its reviewer rendition (the original stays the evidence).
      const m =
        (kind === 'video' ? await mediaOf(db, id, 'video_review') : null) ?? (await mediaOf(db, id, kind));
      if (!m) throw notFound('No such media for this case');
      // Only the segments holding the requested bytes are fetched and decrypted: memory is flat, no plaintext copy.
      const file = { size: await deps.store.size(m.key) };
      const range = parseRange(req.get('range'), file.size);
      if (range === 'invalid') {
        res.setHeader('Content-Range', `bytes */${file.size}`);
        throw new HttpError(416, 'range_not_satisfiable', 'Requested range not satisfiable');
      }
      // A video plays as many range requests; one audit entry per load (the first bytes), not per chunk. A
      // browser loads a video's first bytes with the page: that is `case.media.loaded`; the console reports the
      // playback itself (POST .../views, `case.media.viewed` with the seconds watched).
      if (!range || range.start === 0) {
        await appendAudit(db, {
          actorType: 'reviewer',
          actorId: reviewerId(req),
          action: kind === 'video' ? MEDIA_LOADED : 'case.media.viewed',
          caseId: id,
          details: { kind, attempt: await caseAttempt(db, id) },
        });
      }
      res.setHeader('Accept-Ranges', 'bytes');
      res.setHeader('Content-Type', m.mime);
      res.setHeader('Content-Disposition', 'inline');
      const { start, end } = range ?? { start: 0, end: file.size - 1 };
      if (range) {
        res.status(206);
        res.setHeader('Content-Range', `bytes ${start}-${end}/${file.size}`);
      }
      res.setHeader('Content-Length', String(end - start + 1));
      if (req.method === 'HEAD' || file.size === 0) {
        res.end();
        return;
      }
      await new Promise<void>((resolve, reject) => {
        const s = deps.store.getRange(m.key, start, end);
        s.on('error', reject);
        res.on('close', () => {
          s.destroy();
          resolve();
        });
        s.pipe(res);
      });
    }),
  );
  r.get(
    '/cases/:id/frame',
    requireAuth('review'),
    h(async (req, res) => {
      const id = caseId(req);
      const t = parse(z.coerce.number().min(0).max(600), req.query.t);
      const m = await mediaOf(db, id, 'video');
      if (!m) throw notFound('No video for this case');
      const file = await deps.media.file(m.key);
      const jpeg = await extractFrameJpeg(file.path, t).catch(() => {
        throw notFound('No frame at this time');
      });
      await appendAudit(db, {
        actorType: 'reviewer',
        actorId: reviewerId(req),
        action: 'case.media.viewed',
        caseId: id,
        details: { kind: 'frame', t },
      });
      res.type('image/jpeg').send(jpeg);
    }),
  );
  return r;
}

/** A lease as the claim and take-over routes answer it. */
function leaseJson(l: { caseId: string; reviewerId: string; expiresAt: Date }) {
  return { caseId: l.caseId, reviewerId: l.reviewerId, expiresAt: l.expiresAt.toISOString() };
}
