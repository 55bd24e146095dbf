// Ops, mounted by every process that serves HTTP: metrics, queue UI and the ops summary. Queue events are read
// from Redis, so the API process measures the workers' jobs too.
import type { Queue } from 'bullmq';
import type { Router } from 'express';
import type { Config } from '../config/index.js';
import type { Db } from '../db/index.js';
import type { Logger } from '../logger.js';
import { allQueues, type Queues } from '../pipeline/queues.js';
import { redisTarget } from '../infra/redis.js';
import { createOpsMetrics } from './metrics.js';
import { watchedQueues } from './queue-catalog.js';
import { watchQueues } from './queue-watch.js';
import { metricsRouter, opsApiRouter, queuesUiRouter, QUEUES_UI_PATH } from './router.js';
import { createSeriesSampler } from './series.js';

export interface OpsDeps {
  config: Pick<
    Config,
    | 'REDIS_URL'
    | 'QUEUE_PREFIX'
    | 'SLA_WORKING_HOURS'
    | 'SLA_AT_RISK_HOURS'
    | 'METRICS_TOKEN'
    | 'SESSION_SECRET'
  > &
    Partial<Pick<Config, 'REDIS_CLUSTER_NODES'>>;
  db: Db;
  logger: Logger;
  queues: Queues;
}

export interface Ops {
  routers: Array<[string, Router]>;
  /** Resolves when the queue event listeners are reading (tests wait for it before adding jobs). */
  watching(): Promise<void>;
  /** Takes one series sample now (the timer samples every 15 s). */
  sample(): Promise<unknown>;
  close(): Promise<void>;
}

export function createOps(d: OpsDeps): Ops {
  const cfg = d.config;
  const watched = watchedQueues(cfg);
  const queues: Queue[] = allQueues(d.queues);
  const sla = { slaWorkingHours: cfg.SLA_WORKING_HOURS, atRiskHours: cfg.SLA_AT_RISK_HOURS };
  const metrics = createOpsMetrics({ db: d.db, queues, sla });
  const sampler = createSeriesSampler(queues);
  const watch = watchQueues(redisTarget(cfg), watched, sampler.tee(metrics.observer), d.logger);
  sampler.start();
  return {
    routers: [
      ['/metrics', metricsRouter(metrics.registry, cfg.METRICS_TOKEN)],
      [QUEUES_UI_PATH, queuesUiRouter(d.db, cfg.SESSION_SECRET, queues)],
      ['/api/ops', opsApiRouter({ db: d.db, sessionSecret: cfg.SESSION_SECRET, sampler, sla })],
    ],
    watching: () => watch.ready,
    sample: () => sampler.sample(),
    async close() {
      sampler.stop();
      await watch.close();
    },
  };
}
