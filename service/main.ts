// Process entry point: validate configuration (one clear line on error), start, stop cleanly on signals.
import { ConfigError, loadConfig } from './config/index.js';
import { createLogger } from './logger.js';
import { startService } from './server.js';

let config;
try {
  config = loadConfig();
} catch (e) {
  if (e instanceof ConfigError) {
    process.stderr.write(`${e.message}\n`);
    process.exit(2);
  }
  throw e;
}
const logger = createLogger(config.LOG_LEVEL);
const svc = await startService(config, { logger });
let stopping = false;
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    if (stopping) return;
    stopping = true;
    logger.info({ sig }, 'shutting down');
    svc
      .stop()
      .then(() => process.exit(0))
      .catch((err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      });
  });
}
