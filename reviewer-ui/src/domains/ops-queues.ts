// Queue figures of the ops page: /api/ops/summary (service/ops), sampled every 15 s over the last hour.
import { z } from 'zod';
import { ApiError } from './http';

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
  generatedAt: z.string(),
  intervalSec: z.number(),
  series: z.array(PointSchema),
  deliveryFailures: z.array(FailureSchema),
});
export type QueueSummary = z.infer<typeof QueueSummarySchema>;
export type QueuePoint = z.infer<typeof PointSchema>;

/** null when the role may not see queue figures (supervisors see the review part of the page only). */
export async function fetchQueueSummary(): Promise<QueueSummary | null> {
  let res: Response;
  try {
    res = await fetch('/api/ops/summary', {
      headers: { accept: 'application/json' },
      credentials: 'same-origin',
    });
  } catch (e) {
    throw new ApiError(0, 'network', (e as Error).message);
  }
  if (res.status === 403) return null;
  const body: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const err = (body as { error?: { code?: string; message?: string } } | null)?.error;
    throw new ApiError(res.status, err?.code ?? 'http_error', err?.message ?? `HTTP ${res.status}`);
  }
  return QueueSummarySchema.parse(body);
}

/** Pipeline queue name → stage label used by the processing series. */
export const stageOf = (queue: string) => queue.replace(/^pipeline-/, '');
