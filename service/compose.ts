// The composition root: builds the infrastructure once (config, logger, database, Redis, queues, media store,
// repositories) and the services the API and the workers share. main-api.ts and main-worker.ts list the
// routers and workers literally over it; server.ts starts either or both (ROLE).
import { join } from 'node:path';
import type { Config } from './config/index.js';
import type { Logger } from './logger.js';
import { openDb, type Db } from './db/index.js';
import { migrate } from './db/migrate.js';
import { createRedis, redisTarget, type RedisClient } from './infra/redis.js';
import { createPipelineQueues, type PipelineQueues } from './pipeline/queues.js';
import { createPipelineRepository, type PipelineRepository } from './pipeline/pipeline-repository.js';
import { mediaStoreFor, sweepWorkDirs, type MediaStore } from './storage/index.js';
import { createActivation, type ActivationService } from './activation/service.js';
import { createReviewExpiry, type ReviewExpiry } from './review/expiry-queue.js';
import { loadEvidenceKeys, type EvidenceKeys } from './evidence/keys.js';
import { createEvidenceService, type EvidenceService } from './evidence/service.js';

export interface Composition {
  config: Config;
  logger: Logger;
  db: Db;
  /** The shared Redis connection (rate limits, readiness). Queues and workers have their own. */
  redis: RedisClient;
  queues: PipelineQueues;
  /** Encrypted media (DATA_DIR/media or the S3 bucket, per-case keys): shared by the applicant API, the pipeline and the console. */
  store: MediaStore;
  pipeline: PipelineRepository;
  activation: ActivationService;
  expiry: ReviewExpiry;
  /** The evidence signing key and the published public keys. */
  evidenceKeys: EvidenceKeys;
  /** Signed evidence files of final outcomes. */
  evidence: EvidenceService;
  close(): Promise<void>;
}

export async function compose(config: Config, logger: Logger): Promise<Composition> {
  const db = await openDb({ url: config.DATABASE_URL, pgliteDir: join(config.DATA_DIR, 'pglite') });
  const applied = await migrate(db);
  if (applied.length) logger.info({ applied }, 'database migrated');
  const redis = createRedis(redisTarget(config));
  redis.on('error', (err) => logger.warn({ err: err.message }, 'redis connection error'));
  const queues = createPipelineQueues(redisTarget(config), config.QUEUE_PREFIX);
  const activation = createActivation({ config, db, logger, redis, queues });
  const store = mediaStoreFor(config, db);
  // Every role decrypts (upload checks, console, stages): plaintext copies of dead processes go at start-up.
  await sweepWorkDirs(store.workRoot).catch((err: unknown) =>
    logger.warn({ err: (err as Error).message }, 'work directory sweep failed'),
  );
  const evidenceKeys = loadEvidenceKeys(config);
  return {
    config,
    logger,
    db,
    redis,
    queues,
    store,
    pipeline: createPipelineRepository(db),
    activation,
    expiry: createReviewExpiry(queues.expiry),
    evidenceKeys,
    evidence: createEvidenceService({
      db,
      store,
      keys: evidenceKeys,
      evidenceYears: config.RETENTION_EVIDENCE_YEARS,
    }),
    async close() {
      await activation.stop().catch((err: unknown) => logger.warn({ err }, 'activation stop failed'));
      await queues.close();
      redis.disconnect();
      await db.close();
    },
  };
}
