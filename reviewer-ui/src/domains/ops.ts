// Ops dashboard data: the review part of /api/ops/summary (the one ops summary, service/ops).
import { z } from 'zod';
import { api } from './http';
import { QueueItemSchema } from './queue';

const OpsSchema = z.object({
  now: z.string(),
  stats: z.object({
    depth: z.number(),
    atRisk: z.number(),
    oldestWorkingHours: z.number(),
    breaches: z.number(),
  }),
  atRisk: z.array(QueueItemSchema),
  timeline: z.array(
    z.object({
      at: z.string(),
      reviewDepth: z.number(),
      processingP50: z.number().nullable(),
      processingP95: z.number().nullable(),
      reviewWaitP50: z.number().nullable(),
      reviewWaitP95: z.number().nullable(),
    }),
  ),
  failedDeliveries: z.array(z.object({ topic: z.string(), count: z.number() })),
  decisionsLast24h: z.array(z.object({ outcome: z.string(), count: z.number() })),
});
export type OpsSummary = z.infer<typeof OpsSchema>;
export const fetchOpsSummary = () => api(OpsSchema, '/api/ops/summary');
