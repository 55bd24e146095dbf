// Outbox dispatcher. Rows written in a state-changing transaction are moved to the `outbox` queue
// (jobId = outbox id, so a row is queued once), delivered by the handler given for their topic, retried
// with exponential backoff, and finally marked `failed` and kept for ops. Delivery is at least once.
import { Worker, type Job } from 'bullmq';
import type { Logger } from 'pino';
import type { Db } from '../db/index.js';
import {
  getOutbox,
  claimUndispatched,
  markOutbox,
  noteOutboxAttemptFailed,
  unclaimOutbox,
  type OutboxRow,
} from '../cases/index.js';
import { QUEUE, outboxJobId, outboxJobOptions, type OutboxJob, type OutboxTopic } from '../pipeline/jobs.js';
import type { PipelineQueues } from '../pipeline/queues.js';

/** Delivers one outbox row. Throw to retry (with backoff); return normally once delivered. */
export type OutboxHandler = (row: OutboxRow) => Promise<void>;

export interface OutboxDispatcherOptions {
  db: Db;
  queues: PipelineQueues;
  logger: Logger;
  /** The handler of every topic. */
  handlers: Record<OutboxTopic, OutboxHandler>;
  /** Delivery attempts before a row is marked failed. Default 8. */
  attempts?: number;
  /** First retry delay (ms), doubled each time. Default 2 000. */
  backoffMs?: number;
  /** How often pending rows are moved to the queue (ms). Default 500. */
  pollMs?: number;
  /** A dispatched row not delivered after this long is queued again (lost queue data). Default 15 min. */
  redispatchAfterMs?: number;
  /** Deliveries in parallel. Default 4. */
  concurrency?: number;
}

export interface OutboxDispatcher {
  /** Moves pending rows to the queue now; returns how many. */
  dispatch(): Promise<number>;
  close(): Promise<void>;
}

export function startOutboxDispatcher(o: OutboxDispatcherOptions): OutboxDispatcher {
  const attempts = o.attempts ?? 8;
  const backoffMs = o.backoffMs ?? 2000;
  let running: Promise<number> | undefined;

  async function dispatchOnce(): Promise<number> {
    const rows = await claimUndispatched(o.db, new Date(Date.now() - (o.redispatchAfterMs ?? 15 * 60_000)));
    let queued = 0;
    try {
      for (const r of rows) {
        await o.queues.outbox.add(
          r.topic,
          { outboxId: r.id, topic: r.topic },
          { ...outboxJobOptions({ attempts, backoffMs }), jobId: outboxJobId(r.id) },
        );
        queued++;
      }
    } catch (e) {
      // Redis unreachable: the rows not queued go back to pending for the next poll (not in 15 minutes).
      await unclaimOutbox(
        o.db,
        rows.slice(queued).map((r) => r.id),
      ).catch(() => undefined);
      throw e;
    }
    return rows.length;
  }
  const dispatch = () => (running ??= dispatchOnce().finally(() => (running = undefined)));

  const worker = new Worker<OutboxJob>(
    QUEUE.outbox,
    async (job: Job<OutboxJob>) => {
      const row = await getOutbox(o.db, job.data.outboxId);
      if (!row || row.status === 'delivered' || row.status === 'failed') return 'skipped';
      const handler = o.handlers[row.topic];
      if (!handler) throw new Error(`no outbox handler for topic ${String(row.topic)}`);
      try {
        await handler(row);
      } catch (e) {
        await noteOutboxAttemptFailed(o.db, row.id, (e as Error).message.slice(0, 500));
        throw e;
      }
      await markOutbox(o.db, row.id, 'delivered');
      return 'delivered';
    },
    { prefix: o.queues.prefix, connection: o.queues.workerConnection(), concurrency: o.concurrency ?? 4 },
  );
  worker.on('error', (err) => o.logger.warn({ err: err.message }, 'outbox worker error'));
  worker.on('failed', (job, err) => {
    if (!job || job.attemptsMade < (job.opts.attempts ?? 1)) return;
    o.logger.error(
      { outboxId: job.data.outboxId, topic: job.data.topic, err: err.message },
      'outbox delivery failed for good',
    );
    markOutbox(o.db, job.data.outboxId, 'failed', err.message.slice(0, 500)).catch(() => undefined);
  });

  const timer = setInterval(() => {
    dispatch().catch((e: unknown) => o.logger.warn({ err: (e as Error).message }, 'outbox dispatch failed'));
  }, o.pollMs ?? 500);
  timer.unref();

  return {
    dispatch,
    async close() {
      clearInterval(timer);
      await running?.catch(() => undefined);
      await worker.close().catch(() => undefined);
    },
  };
}
