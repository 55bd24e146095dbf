// Activation wired to its infrastructure: one object per process holding the notify queue, the SMTP
// and SMS adapters, the rate limiter and (in worker roles) the delivery worker and its sweeper.
// Use cases stay in issue.ts / verify.ts / letter.ts / status.ts; this file only composes them.
import { UnrecoverableError, Worker } from 'bullmq';
import { createRedis, redisTarget, type RedisClient } from '../infra/redis.js';
import type { Config } from '../config/index.js';
import type { Db } from '../db/index.js';
import type { Logger } from '../logger.js';
import { QUEUE, type DeliverJob } from '../pipeline/jobs.js';
import type { PipelineQueues } from '../pipeline/queues.js';
import { normaliseCode, sealingKey } from './code.js';
import { issueOnApproval, resendCode, type IssueResult, type Requester } from './issue.js';
import { MAX_WRONG_ATTEMPTS, activate, type Activated } from './verify.js';
import { ActivationError } from './errors.js';
import { openLetter, type OpenedLetter, type Reader } from './letter.js';
import { activationStatus, type ActivationStatus } from './status.js';
import { RateLimiter, type RateDecision } from './rate-limit.js';
import { caseIdByReference } from './activation-repository.js';
import { createNotifyQueue, type NotifyQueue } from '../notify/queue.js';
import { deliver, UndeliverableError, errorLabel, type DeliverDeps } from '../notify/deliver.js';
import type { Mailer } from '../notify/mailer.js';
import { mailerFor, smsFor } from '../notify/transports.js';
import {
  failedDeliveries,
  reopenDelivery,
  stalePendingDeliveries,
  type Delivery,
} from '../notify/delivery-repository.js';

/** Window of the activation rate limits. */
export const RATE_WINDOW_MS = 15 * 60_000;

export interface ActivationOptions {
  /** Re-queue pending deliveries untouched for this long (crash between commit and enqueue). Default 60 s. */
  sweepAfterMs?: number;
  /** Sweeper period. Default 60 s. */
  sweepEveryMs?: number;
  /** Parallel deliveries per worker process. Default 4 (I/O bound). */
  concurrency?: number;
}

export interface ActivationService {
  /** Outbox topic `activation` ({caseId}): issue the first code and queue the letter and the SMS. */
  handleApproval(caseId: string): Promise<IssueResult>;
  resend(caseId: string, by: Requester): Promise<IssueResult & { resendsLeft: number }>;
  /** By a bare reference (POST /v1/activations): every failure answers the same (no oracle on references) and
   * wrong codes do not touch the code's own budget; a separate per-reference budget closes this door instead. */
  activate(reference: string, code: string): Promise<Activated>;
  /** From the applicant's link (letter or applicant token): wrong codes count against the code and lock it. */
  activateByLink(caseId: string, code: string): Promise<Activated>;
  /** Undefined when allowed; otherwise when to retry. */
  checkRateLimit(ip: string, reference: string): Promise<RateDecision | undefined>;
  /** `act`: the person pressed the letter's button (POST); a GET never records the receipt. */
  openLetter(token: string, reader: Reader, act?: boolean): Promise<OpenedLetter | undefined>;
  status(caseId: string): Promise<ActivationStatus>;
  caseIdOf(reference: string): Promise<string | undefined>;
  /** Ops: deliveries whose last retry failed. */
  failedDeliveries(limit?: number): Promise<Delivery[]>;
  /** Ops: try a failed delivery again (fresh retry budget). */
  retryDelivery(id: number): Promise<boolean>;
  /** Re-queues pending deliveries that no job carries (after a crash). Returns how many were queued. */
  sweep(olderThanMs?: number): Promise<number>;
  startWorkers(): Promise<void>;
  stop(): Promise<void>;
  readonly queue: NotifyQueue;
}

/** What activation needs from the process: built once by service/compose.ts. */
export interface ActivationDeps {
  config: Config;
  db: Db;
  logger: Logger;
  /** Shared connection (rate limiter). */
  redis: RedisClient;
  queues: Pick<PipelineQueues, 'notify' | 'prefix' | 'workerConnection'>;
}

export function createActivation(d: ActivationDeps, opts: ActivationOptions = {}): ActivationService {
  const { config, db, logger } = d;
  const key = sealingKey(config.CODE_HMAC_SECRET);
  const queue = createNotifyQueue(d.queues.notify, {
    attempts: config.NOTIFY_ATTEMPTS,
    backoffMs: config.NOTIFY_BACKOFF_MS,
  });
  // Its own connection without an offline queue: while Redis is down a hit fails at once (503) instead of
  // waiting and counting the attempt after the client was answered with an error.
  const limiterConn: RedisClient = createRedis(redisTarget(config), {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
  });
  limiterConn.on('error', () => undefined);
  const limiter = new RateLimiter(limiterConn, config.QUEUE_PREFIX);
  const issueDeps = {
    db,
    hmacSecret: config.CODE_HMAC_SECRET,
    sealingKey: key,
    ttlDays: config.ACTIVATION_CODE_TTL_DAYS,
    schedule: (ids: number[]) => queue.schedule(ids),
  };
  let mailer: Mailer | undefined;
  let worker: Worker<DeliverJob> | undefined;
  let sweeper: NodeJS.Timeout | undefined;

  const svc: ActivationService = {
    queue,
    handleApproval: (caseId) => issueOnApproval(issueDeps, caseId),
    resend: (caseId, by) => resendCode(issueDeps, caseId, by),
    async activate(reference, code) {
      const same = () => new ActivationError('invalid_code', 'The reference or the code is not valid');
      if (!normaliseCode(code)) throw new ActivationError('malformed_code', 'An activation code is 6 digits');
      if ((await limiter.count('act-ref-wrong', reference)) >= MAX_WRONG_ATTEMPTS) throw same();
      try {
        return await activate({ db, hmacSecret: config.CODE_HMAC_SECRET }, reference, code, {
          countAttempts: false,
        });
      } catch (e) {
        if (!(e instanceof ActivationError)) throw e;
        await limiter.hit('act-ref-wrong', reference, {
          limit: MAX_WRONG_ATTEMPTS,
          windowMs: config.ACTIVATION_CODE_TTL_DAYS * 86_400_000,
        });
        throw same();
      }
    },
    activateByLink: (caseId, code) => activate({ db, hmacSecret: config.CODE_HMAC_SECRET }, caseId, code),
    async checkRateLimit(ip, reference) {
      const byIp = await limiter.hit('act-ip', ip, {
        limit: config.ACTIVATION_RATE_LIMIT_IP,
        windowMs: RATE_WINDOW_MS,
      });
      if (!byIp.allowed) return byIp;
      const bySession = await limiter.hit('act-ref', reference, {
        limit: config.ACTIVATION_RATE_LIMIT_SESSION,
        windowMs: RATE_WINDOW_MS,
      });
      return bySession.allowed ? undefined : bySession;
    },
    openLetter: (token, reader, act) => openLetter({ db, sealingKey: key }, token, reader, act),
    status: (caseId) => activationStatus(db, caseId),
    caseIdOf: (reference) => caseIdByReference(db, reference),
    failedDeliveries: (limit) => failedDeliveries(db, limit),
    async retryDelivery(id) {
      if (!(await reopenDelivery(db, id))) return false;
      await queue.forget(id);
      await queue.schedule([id]);
      return true;
    },
    async sweep(olderThanMs = opts.sweepAfterMs ?? 60_000) {
      const ids = await stalePendingDeliveries(db, olderThanMs);
      await queue.schedule(ids);
      return ids.length;
    },
    async startWorkers() {
      mailer = mailerFor(config, db, logger);
      const deps: DeliverDeps = {
        db,
        logger,
        mailer,
        sms: smsFor(config, db, logger),
        sealingKey: key,
        publicUrl: config.PUBLIC_URL,
      };
      worker = new Worker<DeliverJob>(
        QUEUE.notify,
        async (job) => {
          // attemptsMade counts the attempts already failed, so this one is the last when +1 reaches the budget.
          const final = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
          try {
            return await deliver(deps, job.data.deliveryId, { final });
          } catch (err) {
            if (err instanceof UndeliverableError) throw new UnrecoverableError(errorLabel(err));
            // Rethrow a bare label: BullMQ stores the message in Redis and shows it in bull-board.
            throw new Error(errorLabel(err));
          }
        },
        {
          connection: d.queues.workerConnection(),
          prefix: d.queues.prefix,
          concurrency: opts.concurrency ?? 4,
        },
      );
      worker.on('error', (err) => logger.warn({ err: err.message }, 'notify worker error'));
      // Pending deliveries left by a crash (committed, never queued) are picked up at start and then periodically.
      await svc
        .sweep(0)
        .catch((err: unknown) => logger.warn({ err: errorLabel(err) }, 'delivery sweep failed'));
      sweeper = setInterval(() => {
        svc.sweep().catch((err: unknown) => logger.warn({ err: errorLabel(err) }, 'delivery sweep failed'));
      }, opts.sweepEveryMs ?? 60_000);
      sweeper.unref();
    },
    async stop() {
      if (sweeper) clearInterval(sweeper);
      await worker?.close();
      mailer?.close();
      limiterConn.disconnect();
    },
  };
  return svc;
}
