// The queues ops watches, with the Redis prefix each one lives under. Names come from their owners'
// modules so a renamed queue is renamed here too.
import type { Config } from '../config/index.js';
import { QUEUE, bullPrefix } from '../pipeline/queue-names.js';
import { NOTIFY_QUEUE } from '../notify/queue.js';
import { REVIEW_EXPIRY_QUEUE } from '../review/expiry-queue.js';

export interface WatchedQueue {
  /** BullMQ queue name (label `queue`). */
  name: string;
  /** BullMQ key prefix. */
  prefix: string;
  /** Label `stage` of idv_stage_duration_seconds: the pipeline stage, or the queue name for other queues. */
  stage: string;
}

export function watchedQueues(config: Pick<Config, 'QUEUE_PREFIX'>): WatchedQueue[] {
  const bull = bullPrefix(config.QUEUE_PREFIX);
  const pipeline = Object.entries(QUEUE).map(([stage, name]) => ({ name, prefix: bull, stage }));
  return [
    ...pipeline,
    { name: NOTIFY_QUEUE, prefix: bull, stage: 'notify' },
    // The review helper's expiry queue uses QUEUE_PREFIX itself as the BullMQ prefix.
    { name: REVIEW_EXPIRY_QUEUE, prefix: config.QUEUE_PREFIX, stage: 'review-expiry' },
  ];
}
