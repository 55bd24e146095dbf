// The delayed "expire at the deadline" job. Jobs carry only the case id; the handler re-reads the case, so a
// job for a case decided in the meantime is a no-op. A periodic sweeper backs it up (lost Redis data, clock skew).
import { Worker, type Job, type Queue } from 'bullmq';
import type { RedisClient } from '../infra/redis.js';
import type { Db } from '../db/index.js';
import type { Logger } from '../logger.js';
import { expireCase, sweepExpired } from './expiry.js';
import { purgeExpiredSessions } from '../auth/session-repository.js';
import { EXPIRE_JOB, QUEUE, expiryJobId, expiryJobOptions, type ExpireJob } from '../pipeline/jobs.js';

export interface ReviewExpiry {
  /** Schedules the expiry of a case at its review deadline (idempotent). Called when a case enters review. */
  schedule(caseId: string, deadline: Date): Promise<void>;
}

export function createReviewExpiry(queue: Queue<ExpireJob>): ReviewExpiry {
  return {
    async schedule(caseId, deadline) {
      await queue.add(
        EXPIRE_JOB,
        { caseId },
        { ...expiryJobOptions(deadline), jobId: expiryJobId(caseId, deadline) },
      );
    },
  };
}

export interface ExpiryWorkerOptions {
  /** Sweeper period in ms. Default 30 s. */
  sweepEveryMs?: number;
}

/** Starts the expiry worker and the sweeper; returns a stop function. */
export function startExpiryWorker(
  db: Db,
  connection: RedisClient,
  prefix: string,
  logger: Logger,
  opts: ExpiryWorkerOptions = {},
): () => Promise<void> {
  const workerConn = connection.duplicate();
  const worker = new Worker<ExpireJob>(
    QUEUE.expiry,
    async (job: Job<ExpireJob>) => {
      const out = await expireCase(db, job.data.caseId);
      // A job that fired early (clock skew) retries with backoff until the deadline has passed.
      if (out === 'not_due') throw new Error('review deadline not reached yet');
      if (out === 'expired') logger.info({ caseId: job.data.caseId }, 'case expired at its review deadline');
      return out;
    },
    { connection: workerConn, prefix, concurrency: 2 },
  );
  worker.on('error', (err) => logger.warn({ err: err.message }, 'review expiry worker error'));
  let running = false;
  const sweep = async () => {
    if (running) return;
    running = true;
    try {
      const n = await sweepExpired(db);
      await purgeExpiredSessions(db);
      if (n > 0) logger.info({ expired: n }, 'review sweeper expired cases');
    } catch (err) {
      logger.warn({ err: (err as Error).message }, 'review sweeper failed');
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void sweep(), opts.sweepEveryMs ?? 30_000);
  timer.unref();
  void sweep();
  return async () => {
    clearInterval(timer);
    await worker.close();
    workerConn.disconnect();
  };
}
