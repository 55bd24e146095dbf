// The pipeline feature: applicant API + OpenAPI document, pipeline workers, outbox dispatcher and the
// webhook topic. Registered in service/features.ts.
import type { Feature, FeatureFactory } from '../features.js';
import { createApplicantRouter } from '../api/applicant/router.js';
import { createOpenApiRouter } from '../api/openapi.js';
import { mediaStoreFor, sweepWorkDirs } from '../storage/index.js';
import {
  createWebhookHandler,
  registerOutboxHandler,
  startOutboxDispatcher,
  type OutboxDispatcher,
} from '../outbox/index.js';
import { createPipelineQueues } from './queues.js';
import { enqueueIngest } from './flow.js';
import { retryPolicy, startPipelineWorkers, type PipelineWorkers } from './worker.js';

export const pipelineFeature: FeatureFactory = (rt): Feature => {
  const { config, db, logger } = rt;
  const store = mediaStoreFor(config);
  // Every role decrypts (upload checks, console, stages): whichever process starts first wipes the dead ones' copies.
  void sweepWorkDirs(store.workRoot).catch((err: unknown) =>
    logger.warn({ err: (err as Error).message }, 'work directory sweep failed'),
  );
  const queues = createPipelineQueues(config.REDIS_URL, config.QUEUE_PREFIX);
  registerOutboxHandler(
    'webhook',
    createWebhookHandler({ url: config.WEBHOOK_URL, secret: config.WEBHOOK_SECRET }),
  );
  let workers: PipelineWorkers | undefined;
  let outbox: OutboxDispatcher | undefined;
  return {
    name: 'pipeline',
    routers: [
      [
        '/v1',
        createApplicantRouter({
          config,
          db,
          store,
          startPipeline: (ref) => enqueueIngest(queues, ref, retryPolicy(config)),
        }),
      ],
      ['/', createOpenApiRouter()],
    ],
    readiness: [
      {
        // Models load in the worker processes; an API-only process has none to wait for.
        name: 'models',
        check: async () => {
          if (config.ROLE === 'api') return;
          if (!workers) throw new Error('pipeline workers not started');
          await Promise.race([
            workers.modelsReady(),
            new Promise((_, reject) =>
              setTimeout(() => reject(new Error('models still loading')), 2000).unref(),
            ),
          ]);
        },
      },
    ],
    async startWorkers() {
      workers = await startPipelineWorkers({ config, logger, db, store, queues });
      // Load the face models now rather than on the first case; /readyz reports them.
      void workers
        .modelsReady()
        .catch((err: unknown) => logger.error({ err: (err as Error).message }, 'face models failed to load'));
      outbox = startOutboxDispatcher({ db, queues, logger });
      // Anything left in `processing` by a previous run is picked up at once.
      void workers.sweep().catch(() => undefined);
    },
    async stop() {
      await outbox?.close();
      await workers?.close();
      await queues.close();
    },
  };
};
