// The notification queue: one job per delivery (channel of one code). Jobs carry only the delivery
// id: addresses and the code stay in the database (Redis is not encrypted at rest).
import type { Queue } from 'bullmq';
import {
  DELIVER_JOB,
  deliveryJobId,
  deliveryJobOptions,
  type DeliverJob,
  type RetryPolicy,
} from '../pipeline/jobs.js';

export interface NotifyQueue {
  /** Enqueues deliveries; an id already queued (waiting, delayed, active) is not duplicated. */
  schedule(ids: number[]): Promise<void>;
  /** Ops: drops a finished job so the delivery can be scheduled again. */
  forget(id: number): Promise<void>;
  readonly queue: Queue<DeliverJob>;
}

export function createNotifyQueue(queue: Queue<DeliverJob>, retry: RetryPolicy): NotifyQueue {
  const opts = deliveryJobOptions(retry);
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
  };
}
