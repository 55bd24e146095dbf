// Queue figures of the ops page: the queue part of /api/ops/summary (service/ops), sampled every 15 s over the
// last hour.
import { z } from 'zod';
import { api } from './http';

const Percentiles = z.object({ n: z.number(), p50: z.number(), p95: z.number() });
const PointSchema = z.object({
  t: z.string(),
  depth: z.record(z.string(), z.object({ waiting: z.number(), active: z.number(), delayed: z.number() })),
  wait: z.record(z.string(), Percentiles),
  processing: z.record(z.string(), Percentiles),
});
const FailureSchema = z.object({
  source: z.enum(['delivery', 'outbox']),
  id: z.string(),
  caseId: z.string().nullable(),
  channel: z.string(),
  attempts: z.number(),
  lastError: z.string().nullable(),
  updatedAt: z.string(),
});
const QueueSummarySchema = z.object({
  now: z.string(),
  intervalSec: z.number(),
  series: z.array(PointSchema),
  deliveryFailures: z.array(FailureSchema),
});
export type QueueSummary = z.infer<typeof QueueSummarySchema>;
export type QueuePoint = z.infer<typeof PointSchema>;

/** The queue part of the same answer as the ops page's summary (every role that sees the page may read it). */
export const fetchQueueSummary = () => api(QueueSummarySchema, '/api/ops/summary');

/** Pipeline queue name → stage label used by the processing series. */
export const stageOf = (queue: string) => queue.replace(/^pipeline-/, '');
