// The notification queue: one job per delivery (channel of one code). Jobs carry only the delivery
// id: addresses and the code stay in the database (Redis is not encrypted at rest).
import { Queue, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';

export const NOTIFY_QUEUE = 'notify';
export const DELIVER_JOB = 'deliver';

export interface DeliverJob {
  deliveryId: number;
}

export interface RetryPolicy {
  /** Total attempts per delivery, first one included. */
  attempts: number;
  /** First backoff delay in ms; doubles at each retry (exponential). */
  backoffMs: number;
}

/** BullMQ refuses ':' and pure integers as custom ids. */
export const deliveryJobId = (id: number) => `delivery-${id}`;

export interface NotifyQueue {
  /** Enqueues deliveries; an id already queued (waiting, delayed, active) is not duplicated. */
  schedule(ids: number[]): Promise<void>;
  /** Ops: drops a finished job so the delivery can be scheduled again. */
  forget(id: number): Promise<void>;
  readonly queue: Queue<DeliverJob>;
  close(): Promise<void>;
}

export function createNotifyQueue(connection: Redis, prefix: string, retry: RetryPolicy): NotifyQueue {
  const queue = new Queue<DeliverJob>(NOTIFY_QUEUE, { connection, prefix });
  const opts: JobsOptions = {
    attempts: retry.attempts,
    backoff: { type: 'exponential', delay: retry.backoffMs },
    removeOnComplete: true,
    // Failed jobs stay a week for bull-board; the delivery row is the durable record.
    removeOnFail: { age: 7 * 24 * 3600 },
  };
  return {
    queue,
    async schedule(ids) {
      if (ids.length === 0) return;
      await queue.addBulk(
        ids.map((id) => ({
          name: DELIVER_JOB,
          data: { deliveryId: id },
          opts: { ...opts, jobId: deliveryJobId(id) },
        })),
      );
    },
    async forget(id) {
      const job = await queue.getJob(deliveryJobId(id));
      if (job && ((await job.isFailed()) || (await job.isCompleted()))) await job.remove();
    },
    async close() {
      await queue.close();
    },
  };
}
