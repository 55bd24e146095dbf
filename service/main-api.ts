// The API process role: every router, listed literally, in one Express app over the composition.
import type { Server } from 'node:http';
import type { Router } from 'express';
import type { Composition } from './compose.js';
import { createApp, type ReadinessCheck } from './api/app.js';
import { listen } from './api/server.js';
import { createApplicantRouter } from './api/applicant/router.js';
import { createOpenApiRouter } from './api/openapi.js';
import { createReviewRouter } from './api/review/router.js';
import { createConsoleRouter } from './api/review/console.js';
import { createDeskRouter } from './api/review/desk-router.js';
import { devOutboxKey } from './notify/dev-outbox.js';
import { activationRouter, letterRouter } from './api/activation/routes.js';
import { requireApplicant } from './api/applicant/auth.js';
import { createChallengeRouter } from './api/applicant/challenge.js';
import { createCaptureRouter } from './api/applicant/capture.js';
import { createPrecheckRouter } from './api/applicant/precheck.js';
import { createTusRouter } from './api/applicant/tus.js';
import { createPortraitFinder } from './api/applicant/portrait.js';
import { SealedUploadStore, uploadRootOf } from './storage/upload-store.js';
import { createSessionRouter } from './api/applicant/session.js';
import { createApplicantActivationRouter } from './api/applicant/activation.js';
import { createApplicantAppRouter } from './api/applicant/app-router.js';
import { invitationApiRouter, invitationPageRouter } from './api/invitation/routes.js';
import { enqueueIngest } from './pipeline/graph.js';
import { retryPolicy } from './pipeline/worker.js';
import { faceThresholds } from './pipeline/policy-config.js';
import { createMediaCache } from './review/media-cache.js';
import { createOps, type Ops } from './ops/ops.js';
import { evidenceKeysRouter, evidenceRouter } from './evidence/router.js';
import { erasureRouter, legalHoldRouter } from './retention/router.js';
import { retentionPolicyFrom } from './retention/policy.js';

export interface RunningApi {
  server: Server;
  url: string;
  ops: Ops;
  /** The mounted routers, as listed here (the OpenAPI coverage test walks their stacks). */
  routers: ReadonlyArray<[string, Router]>;
  close(): Promise<void>;
}

export async function startApi(c: Composition, readiness: ReadinessCheck[]): Promise<RunningApi> {
  const { config, db, logger, store, queues, activation } = c;
  const media = createMediaCache(store);
  const ops = createOps({ config, db, logger, queues });
  const retry = retryPolicy(config);
  const applicant = requireApplicant(db);
  const portraits = createPortraitFinder((msg, fields) => logger.info(fields, `pre-check ${msg}`));
  // Partial resumable uploads live on this API host's disk (sealed): this host expires its own abandoned ones,
  // since on several hosts no worker sees them.
  const uploads = new SealedUploadStore({
    dir: uploadRootOf(config.DATA_DIR),
    hexKey: config.MEDIA_ENCRYPTION_KEY,
    expirationMs: config.UPLOAD_RESUME_HOURS * 3600_000,
  });
  const expireUploads = setInterval(() => {
    uploads
      .deleteExpired()
      .then((expired) => expired && logger.info({ expired }, 'removed abandoned partial uploads'))
      .catch((e: unknown) => logger.warn({ err: e }, 'partial upload expiry failed'));
  }, config.PIPELINE_SWEEP_SECONDS * 1000);
  expireUploads.unref();
  const routers: Array<[string, Router]> = [
    [
      '/v1',
      createApplicantRouter({
        config,
        db,
        store,
        startPipeline: (ref) => enqueueIngest(queues, ref, retry),
      }),
    ],
    // The applicant app's own endpoints (session view, challenge on demand, activation without a reference).
    ['/v1', createChallengeRouter({ db, ttlMinutes: config.CHALLENGE_TTL_MINUTES, applicant })],
    ['/v1', createSessionRouter({ config, db, applicant })],
    ['/v1', createCaptureRouter({ db, applicant })],
    ['/v1', createPrecheckRouter({ config, db, store, applicant, portraits })],
    // Resumable uploads (tus), beside the multipart PUT that API users keep.
    [
      '/v1',
      createTusRouter({
        config,
        db,
        store,
        applicant,
        uploads,
      }),
    ],
    ['/v1', createApplicantActivationRouter({ db, activation })],
    ['/v1', invitationApiRouter({ db, secret: config.CODE_HMAC_SECRET, apiKeys: config.API_KEYS })],
    ['/v', createApplicantAppRouter()],
    ['/invitations', invitationPageRouter(db, config.CODE_HMAC_SECRET)],
    ['/', createOpenApiRouter()],
    [
      '/api/review',
      createReviewRouter({
        db,
        logger,
        media,
        store,
        sessionSecret: config.SESSION_SECRET,
        cookieSecure: config.COOKIE_SECURE,
        leaseMinutes: config.REVIEW_LEASE_MINUTES,
        sla: { slaWorkingHours: config.SLA_WORKING_HOURS, atRiskHours: config.SLA_AT_RISK_HOURS },
        challengeTtlMinutes: config.CHALLENGE_TTL_MINUTES,
        faceThresholds: faceThresholds(config),
      }),
    ],
    [
      '/api',
      createDeskRouter({
        db,
        sessionSecret: config.SESSION_SECRET,
        ...(config.MAIL_TRANSPORT === 'outbox' || config.SMS_PROVIDER === 'outbox'
          ? { devOutboxKey: devOutboxKey(config.MEDIA_ENCRYPTION_KEY) }
          : {}),
      }),
    ],
    ['/console', createConsoleRouter()],
    ['/v1/activations', activationRouter(activation, config.API_KEYS)],
    ['/letters', letterRouter(activation)],
    ['/v1', evidenceRouter(c.evidence, config.API_KEYS)],
    ['/', evidenceKeysRouter(c.evidenceKeys.published)],
    [
      '/v1',
      erasureRouter({
        db,
        store,
        policy: retentionPolicyFrom(config),
        evidence: c.evidence,
        apiKeys: config.API_KEYS,
      }),
    ],
    ['/api/retention', legalHoldRouter(db, config.SESSION_SECRET)],
    ...ops.routers,
  ];
  const app = createApp({ logger, readiness, routers, secure: config.COOKIE_SECURE });
  const server = await listen(app, {
    port: config.PORT,
    host: config.HOST,
    headersTimeoutMs: config.HTTP_HEADERS_TIMEOUT_MS,
    requestTimeoutMs: config.HTTP_REQUEST_TIMEOUT_MS,
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : config.PORT;
  logger.info({ port, role: config.ROLE, db: db.kind }, 'service listening');
  return {
    server,
    url: `http://127.0.0.1:${port}`,
    ops,
    routers,
    async close() {
      clearInterval(expireUploads);
      await new Promise<void>((r) => server.close(() => r()));
      await ops.close();
      await media.close();
      await portraits.close();
    },
  };
}
