// The queues ops watches: every queue of the job vocabulary (pipeline/jobs.ts), all under one prefix.
import type { Config } from '../config/index.js';
import { QUEUE, bullPrefix, type QueueKey } from '../pipeline/jobs.js';

export interface WatchedQueue {
  /** BullMQ queue name (label `queue`). */
  name: string;
  /** BullMQ key prefix. */
  prefix: string;
  /** Label `stage` of idv_stage_duration_seconds: the pipeline stage, or the queue's key for other queues. */
  stage: string;
}

/** Label `stage` of the non-pipeline queues (kept as before the vocabulary was gathered). */
const STAGE_LABEL: Partial<Record<QueueKey, string>> = { expiry: 'review-expiry' };

export function watchedQueues(config: Pick<Config, 'QUEUE_PREFIX'>): WatchedQueue[] {
  const prefix = bullPrefix(config.QUEUE_PREFIX);
  return (Object.keys(QUEUE) as QueueKey[]).map((k) => ({
    name: QUEUE[k],
    prefix,
    stage: STAGE_LABEL[k] ?? k,
  }));
}
