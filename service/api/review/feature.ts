// The review feature: reviewer API (/api/review), the built console (/console, SPA fallback), the expiry
// worker and sweeper. `scheduleReviewExpiry` is what the pipeline calls when a case enters review.
import express, { type Router } from 'express';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Feature, FeatureFactory } from '../../features.js';
import type { Runtime } from '../../server.js';
import { createLocalMediaStore, type MediaStore } from '../../storage/index.js';
import { createMediaCache } from '../../review/media-cache.js';
import { createReviewExpiry, startExpiryWorker, type ReviewExpiry } from '../../review/expiry-queue.js';
import { createReviewRouter } from './router.js';

/** Where the pipeline keeps encrypted media (DATA_DIR/media). */
export function mediaStoreFor(rt: Runtime): MediaStore {
  return createLocalMediaStore(join(rt.config.DATA_DIR, 'media'), rt.config.MEDIA_ENCRYPTION_KEY);
}

const schedulers = new WeakMap<Runtime, ReviewExpiry>();

/** Schedules the expiry job of a case at its review deadline (idempotent). The sweeper is the safety net. */
export async function scheduleReviewExpiry(rt: Runtime, caseId: string, deadline: Date): Promise<void> {
  let s = schedulers.get(rt);
  if (!s) {
    s = createReviewExpiry(rt.redis, rt.config.QUEUE_PREFIX);
    schedulers.set(rt, s);
  }
  await s.schedule(caseId, deadline);
}

/** The built console: dist/reviewer-ui from sources or from dist/. */
export function consoleDir(): string | undefined {
  const here = dirname(fileURLToPath(import.meta.url));
  return [
    resolve(here, '../../../dist/reviewer-ui'),
    resolve(here, '../../reviewer-ui'),
    resolve(process.cwd(), 'dist/reviewer-ui'),
  ].find((d) => existsSync(join(d, 'index.html')));
}

export function createConsoleRouter(dir = consoleDir()): Router {
  const r = express.Router();
  if (!dir) {
    r.use((_req, res) => {
      res.status(503).json({
        error: {
          code: 'console_not_built',
          message: 'The reviewer console is not built: run npm run build:ui',
        },
      });
    });
    return r;
  }
  r.use(
    '/assets',
    express.static(join(dir, 'assets'), { immutable: true, maxAge: '1y', fallthrough: false }),
  );
  r.use(express.static(dir, { index: false }));
  // SPA fallback: every other GET under /console is the app.
  r.use((req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(join(dir, 'index.html'));
  });
  return r;
}

export const reviewFeature: FeatureFactory = (rt: Runtime): Feature => {
  const cfg = rt.config;
  const media = createMediaCache(mediaStoreFor(rt));
  const sla = { slaWorkingHours: cfg.SLA_WORKING_HOURS, atRiskHours: cfg.SLA_AT_RISK_HOURS };
  let stopWorker: (() => Promise<void>) | undefined;
  return {
    name: 'review',
    routers: [
      [
        '/api/review',
        createReviewRouter({
          db: rt.db,
          logger: rt.logger,
          media,
          sessionSecret: cfg.SESSION_SECRET,
          cookieSecure: cfg.COOKIE_SECURE,
          leaseMinutes: cfg.REVIEW_LEASE_MINUTES,
          sla,
          challengeTtlMinutes: cfg.CHALLENGE_TTL_MINUTES,
          faceThresholds: { accept: cfg.FACE_ACCEPT_SIMILARITY, reject: cfg.FACE_REJECT_SIMILARITY },
        }),
      ],
      ['/console', createConsoleRouter()],
    ],
    async startWorkers() {
      stopWorker = startExpiryWorker(rt.db, rt.redis, cfg.QUEUE_PREFIX, rt.logger);
    },
    async stop() {
      await stopWorker?.();
      await schedulers.get(rt)?.close();
      await media.close();
    },
  };
};
