// Starts the service for a process role over one composition: ROLE=api the routers, ROLE=worker the workers,
// ROLE=all both (required with embedded PGlite: one process opens the database).
import type { Server } from 'node:http';
import type { Config } from './config/index.js';
import { createLogger, type Logger } from './logger.js';
import { pingRedis } from './infra/redis.js';
import { pingDb } from './db/health.js';
import { compose, type Composition } from './compose.js';
import { startApi, type RunningApi } from './main-api.js';
import { startWorkers, type RunningWorkers } from './main-worker.js';
import type { ReadinessCheck } from './api/app.js';

export interface RunningService {
  runtime: Composition;
  server?: Server;
  url?: string;
  api?: RunningApi;
  workers?: RunningWorkers;
  stop(): Promise<void>;
}

export async function startService(config: Config, opts: { logger?: Logger } = {}): Promise<RunningService> {
  const logger = opts.logger ?? createLogger(config.LOG_LEVEL);
  const c = await compose(config, logger);
  const workers = config.ROLE !== 'api' ? await startWorkers(c) : undefined;
  const readiness: ReadinessCheck[] = [
    { name: 'redis', check: () => pingRedis(c.redis) },
    { name: 'database', check: () => pingDb(c.db) },
    ...(workers?.readiness ?? []),
  ];
  const api = config.ROLE !== 'worker' ? await startApi(c, readiness) : undefined;
  return {
    runtime: c,
    server: api?.server,
    url: api?.url,
    api,
    workers,
    async stop() {
      await api?.close().catch((err: unknown) => logger.warn({ err }, 'api stop failed'));
      await workers?.close().catch((err: unknown) => logger.warn({ err }, 'workers stop failed'));
      await c.close();
    },
  };
}
