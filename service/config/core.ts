// Core process settings: network, storage, infrastructure URLs, logging.
import { z } from 'zod';
import { envInt, envList } from './env.js';
import { cpus } from 'node:os';

export const coreEnv = {
  NODE_ENV: z
    .enum(['development', 'test', 'production'])
    .default('development')
    .describe('Run mode; production refuses generated secrets.'),
  PORT: envInt(8080, 0, 65535).describe('HTTP port of the API and console (0: any free port).'),
  HOST: z.string().default('0.0.0.0').describe('Interface the HTTP server binds to.'),
  HTTP_HEADERS_TIMEOUT_MS: envInt(15_000, 1_000, 600_000).describe(
    'Time a client has to send the request headers; a slower client is answered 408 and closed.',
  ),
  HTTP_REQUEST_TIMEOUT_MS: envInt(120_000, 5_000, 3_600_000).describe(
    'Time a client has to send a whole request, body included (a slow upload is cut after it; Node default 300 s).',
  ),
  PUBLIC_URL: z
    .string()
    .url()
    .optional()
    .describe('Public base URL used in links sent to applicants (default http://localhost:PORT).'),
  DATA_DIR: z
    .string()
    .default('./data')
    .describe('Directory for encrypted media, PGlite data, generated secrets and local Redis.'),
  DATABASE_URL: z
    .string()
    .url()
    .optional()
    .describe('PostgreSQL URL; when unset, embedded PGlite in DATA_DIR/pglite is used.'),
  REDIS_URL: z
    .string()
    .url()
    .default('redis://127.0.0.1:6379')
    .describe('Redis URL for the BullMQ queues (with REDIS_CLUSTER_NODES: only its user, password and rediss: TLS).'),
  REDIS_CLUSTER_NODES: envList('')
    .pipe(z.array(z.string().regex(/^[^\s:,]+:\d{1,5}$/, 'must be host:port')))
    .transform((l) =>
      l.map((hp) => {
        const i = hp.lastIndexOf(':');
        return { host: hp.slice(0, i), port: Number(hp.slice(i + 1)) };
      }),
    )
    .pipe(z.array(z.object({ host: z.string(), port: z.number().int().min(1).max(65535) })))
    .describe(
      'Comma-separated host:port seed nodes of a Redis Cluster; when set, every queue, worker and rate limit uses the cluster.',
    ),
  QUEUE_PREFIX: z
    .string()
    .regex(/^[a-z0-9_-]+$/i)
    .default('idv')
    .describe('Key prefix of every BullMQ queue in Redis.'),
  ROLE: z
    .enum(['all', 'api', 'worker'])
    .default('all')
    .describe('Process role: API only, workers only, or both (PGlite requires all).'),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info')
    .describe('pino log level.'),
  MEDIA_ENCRYPTION_KEY: z
    .string()
    .regex(/^[0-9a-f]{64}$/i, 'must be 64 hex characters (32 bytes)')
    .optional()
    .describe(
      'AES-256-GCM key for media at rest (64 hex chars). Generated into DATA_DIR/secrets.json outside production.',
    ),
  API_KEYS: envList('').describe(
    'Comma-separated API keys accepted from the business service (POST /v1/verifications). Generated outside production.',
  ),
  MAX_UPLOAD_MB_IMAGE: envInt(15, 1, 100).describe('Largest accepted document photo, in MiB.'),
  MAX_UPLOAD_MB_VIDEO: envInt(60, 1, 1000).describe('Largest accepted selfie video, in MiB.'),
  UPLOAD_RESUME_HOURS: envInt(24, 1, 24 * 30).describe(
    'How long an interrupted resumable (tus) upload can be resumed before its sealed partial file is swept.',
  ),
  VERIFICATION_TTL_HOURS: envInt(72, 1, 24 * 90).describe(
    'How long an applicant link stays usable before the verification expires.',
  ),
  PIPELINE_CONCURRENCY: envInt(Math.max(1, cpus().length), 1, 64).describe(
    'Concurrent jobs per CPU-bound pipeline stage in each worker process (default: one per core).',
  ),
  PIPELINE_ATTEMPTS: envInt(3, 1, 20).describe(
    'Attempts per pipeline stage before the case goes to review with PROCESSING_FAILED.',
  ),
  PIPELINE_BACKOFF_MS: envInt(2000, 10, 600000).describe(
    'First retry delay of a failed pipeline stage (exponential backoff).',
  ),
  PIPELINE_SWEEP_SECONDS: envInt(30, 1, 3600).describe(
    'Interval of the sweep that re-enqueues cases stuck in processing and undispatched outbox rows.',
  ),
};
