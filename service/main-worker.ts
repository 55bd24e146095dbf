// The worker process role: every queue worker and periodic sweep, listed literally, over the composition.
import type { Composition } from './compose.js';
import type { ReadinessCheck } from './api/app.js';
import { startPipelineWorkers } from './pipeline/worker.js';
import { createFraudHooks } from './fraud/hooks.js';
import { startOutboxDispatcher, createWebhookHandler } from './outbox/index.js';
import { activationOutboxHandler } from './activation/outbox-handler.js';
import { createInvitationOutboxHandler } from './invitation/outbox-handler.js';
import { startExpiryWorker } from './review/expiry-queue.js';
import { evidenceOutboxHandler } from './evidence/outbox-handler.js';
import { startRetentionJobs } from './retention/job.js';
import { retentionPolicyFrom } from './retention/policy.js';

export interface RunningWorkers {
  /** Worker-side readiness: the face models. */
  readiness: ReadinessCheck[];
  /** One pipeline recovery pass (also periodic). */
  sweep(): Promise<number>;
  close(): Promise<void>;
}

export async function startWorkers(c: Composition): Promise<RunningWorkers> {
  const { config, db, logger, queues, activation } = c;
  // Local media are files under DATA_DIR: a worker process elsewhere than the API must see the same directory.
  if (config.ROLE === 'worker' && config.MEDIA_STORAGE === 'local')
    logger.info(
      'MEDIA_STORAGE=local: this worker reads media from DATA_DIR/media, shared with the API (same host or file system); MEDIA_STORAGE=s3 lifts it',
    );
  const pipeline = await startPipelineWorkers({
    config,
    logger,
    cases: c.pipeline,
    store: c.store,
    queues,
    scheduleExpiry: (caseId, deadline) => c.expiry.schedule(caseId, deadline),
    fraud: createFraudHooks({
      db,
      logger,
      secret: config.SEEN_BEFORE_SECRET,
      faceMinSimilarity: config.FACE_ACCEPT_SIMILARITY,
      qaSampleRate: config.QA_SAMPLE_RATE,
    }),
  });
  // Load the face models now rather than on the first case; /readyz reports them.
  void pipeline
    .modelsReady()
    .catch((err: unknown) => logger.error({ err: (err as Error).message }, 'face models failed to load'));
  const invitation = createInvitationOutboxHandler({ config, db, logger });
  const outbox = startOutboxDispatcher({
    db,
    queues,
    logger,
    handlers: {
      webhook: createWebhookHandler({ url: config.WEBHOOK_URL, secret: config.WEBHOOK_SECRET }),
      activation: activationOutboxHandler(activation),
      invitation: invitation.handler,
      evidence: evidenceOutboxHandler(c.evidence),
    },
  });
  await activation.startWorkers();
  const stopExpiry = startExpiryWorker(db, queues.workerConnection(), queues.prefix, logger);
  const retention = await startRetentionJobs({
    db,
    store: c.store,
    policy: retentionPolicyFrom(config),
    evidence: c.evidence,
    signingKey: c.evidenceKeys.signing,
    anchorDir: config.AUDIT_ANCHOR_DIR,
    queues,
    logger,
    everyMinutes: config.RETENTION_SWEEP_MINUTES,
  });
  // Anything left in `processing` by a previous run is picked up at once.
  void pipeline.sweep().catch(() => undefined);
  return {
    readiness: [
      {
        name: 'models',
        check: () =>
          Promise.race([
            pipeline.modelsReady(),
            new Promise<never>((_, reject) =>
              setTimeout(() => reject(new Error('models still loading')), 2000).unref(),
            ),
          ]),
      },
    ],
    sweep: () => pipeline.sweep(),
    async close() {
      await retention.close();
      await stopExpiry();
      await outbox.close();
      invitation.close();
      await pipeline.close();
    },
  };
}
