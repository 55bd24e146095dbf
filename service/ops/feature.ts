// The ops feature: metrics, queue UI and the ops summary, mounted in every process that serves HTTP.
// Queue events are read from Redis, so the API process measures the workers' jobs too.
import { Queue } from 'bullmq';
import type { Feature, FeatureFactory } from '../features.js';
import type { Runtime } from '../server.js';
import { createRedis } from '../infra/redis.js';
import { createOpsMetrics } from './metrics.js';
import { watchedQueues } from './queue-catalog.js';
import { watchQueues, type QueueWatch } from './queue-watch.js';
import { metricsRouter, opsApiRouter, queuesUiRouter, QUEUES_UI_PATH } from './router.js';
import { createSeriesSampler } from './series.js';

export interface OpsRuntime {
  feature: Feature;
  /** Resolves when the queue event listeners are reading (tests wait for it before adding jobs). */
  watching(): Promise<void>;
  /** Takes one series sample now (the timer samples every 15 s). */
  sample(): Promise<unknown>;
}

export async function createOps(rt: Runtime): Promise<OpsRuntime> {
  const cfg = rt.config;
  const conn = createRedis(cfg.REDIS_URL);
  conn.on('error', () => undefined); // reconnects by itself; readiness reports the outage
  const watched = watchedQueues(cfg);
  const queues = watched.map((w) => new Queue(w.name, { connection: conn, prefix: w.prefix }));
  const sla = { slaWorkingHours: cfg.SLA_WORKING_HOURS, atRiskHours: cfg.SLA_AT_RISK_HOURS };
  const metrics = createOpsMetrics({ db: rt.db, queues, sla });
  const sampler = createSeriesSampler(queues);
  const serving = cfg.ROLE !== 'worker';
  let watch: QueueWatch | undefined;
  if (serving) {
    watch = watchQueues(cfg.REDIS_URL, watched, sampler.tee(metrics.observer), rt.logger);
    sampler.start();
  }
  const feature: Feature = {
    name: 'ops',
    routers: [
      ['/metrics', metricsRouter(metrics.registry, cfg.METRICS_TOKEN)],
      [QUEUES_UI_PATH, queuesUiRouter(rt.db, cfg.SESSION_SECRET, queues)],
      ['/api/ops', opsApiRouter({ db: rt.db, sessionSecret: cfg.SESSION_SECRET, sampler, sla })],
    ],
    async stop() {
      sampler.stop();
      await watch?.close();
      await Promise.all(queues.map((q) => q.close().catch(() => undefined)));
      conn.disconnect();
    },
  };
  return { feature, watching: () => watch?.ready ?? Promise.resolve(), sample: () => sampler.sample() };
}

export const opsFeature: FeatureFactory = async (rt) => (await createOps(rt)).feature;
