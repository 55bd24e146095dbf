// Composition root: builds every dependency once from the Config and wires the process role.
// Feature areas contribute routers and workers through `features.ts`.
import type { Server } from 'node:http';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import type { Config } from './config/index.js';
import { createLogger, type Logger } from './logger.js';
import { openDb, type Db } from './db/index.js';
import { migrate } from './db/migrate.js';
import { createRedis, pingRedis } from './infra/redis.js';
import { createApp, type ReadinessCheck } from './api/app.js';
import { loadFeatures, type Feature } from './features.js';

export interface Runtime {
  config: Config;
  logger: Logger;
  db: Db;
  redis: Redis;
}

export interface RunningService {
  runtime: Runtime;
  server?: Server;
  url?: string;
  stop(): Promise<void>;
}

export async function startService(config: Config, opts: { logger?: Logger } = {}): Promise<RunningService> {
  const logger = opts.logger ?? createLogger(config.LOG_LEVEL);
  const db = await openDb({ url: config.DATABASE_URL, pgliteDir: join(config.DATA_DIR, 'pglite') });
  const applied = await migrate(db);
  if (applied.length) logger.info({ applied }, 'database migrated');
  const redis = createRedis(config.REDIS_URL);
  redis.on('error', (err) => logger.warn({ err: err.message }, 'redis connection error'));
  const runtime: Runtime = { config, logger, db, redis };

  const features: Feature[] = await loadFeatures(runtime);
  const readiness: ReadinessCheck[] = [
    { name: 'redis', check: () => pingRedis(redis) },
    { name: 'database', check: async () => void (await db.query('SELECT 1')) },
    ...features.flatMap((f) => f.readiness ?? []),
  ];

  if (config.ROLE !== 'api') for (const f of features) await f.startWorkers?.();

  let server: Server | undefined;
  let url: string | undefined;
  if (config.ROLE !== 'worker') {
    const app = createApp({ logger, readiness, routers: features.flatMap((f) => f.routers ?? []) });
    server = await new Promise<Server>((resolve, reject) => {
      const s = app.listen(config.PORT, config.HOST, () => resolve(s));
      s.on('error', reject);
    });
    const addr = server.address();
    const port = typeof addr === 'object' && addr ? addr.port : config.PORT;
    url = `http://127.0.0.1:${port}`;
    logger.info({ port, role: config.ROLE, db: db.kind }, 'service listening');
  }

  return {
    runtime,
    server,
    url,
    async stop() {
      if (server) await new Promise<void>((r) => server!.close(() => r()));
      for (const f of [...features].reverse())
        await f.stop?.().catch((err: unknown) => logger.warn({ err }, 'feature stop failed'));
      redis.disconnect();
      await db.close();
    },
  };
}
