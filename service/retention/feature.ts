// The retention feature: the erasure request, the legal hold, and the scheduled purge/anchor job (worker role).
import type { Feature, FeatureFactory } from '../features.js';
import { mediaStoreFor } from '../storage/index.js';
import { evidenceFor } from '../evidence/feature.js';
import { loadEvidenceKeys } from '../evidence/keys.js';
import { retentionPolicyFrom } from './policy.js';
import { erasureRouter, legalHoldRouter } from './router.js';
import { startRetentionJobs, type RetentionJobs } from './job.js';

export const retentionFeature: FeatureFactory = (rt): Feature => {
  const { config, db, logger } = rt;
  const deps = {
    db,
    store: mediaStoreFor(config),
    policy: retentionPolicyFrom(config),
    evidence: evidenceFor(rt),
  };
  let jobs: RetentionJobs | undefined;
  return {
    name: 'retention',
    routers: [
      ['/v1', erasureRouter({ ...deps, apiKeys: config.API_KEYS })],
      ['/api/retention', legalHoldRouter(db, config.SESSION_SECRET)],
    ],
    async startWorkers() {
      jobs = await startRetentionJobs({
        ...deps,
        logger,
        signingKey: loadEvidenceKeys(config).signing,
        redisUrl: config.REDIS_URL,
        prefix: config.QUEUE_PREFIX,
        everyMinutes: config.RETENTION_SWEEP_MINUTES,
        anchorDir: config.AUDIT_ANCHOR_DIR,
      });
    },
    async stop() {
      await jobs?.close();
    },
  };
};
