// The review queue and its filters (kept in the URL so links are shareable).
import { LangSchema } from '../../../service/contracts/lang';
import { z } from 'zod';
import { api } from './http';

export const QueueItemSchema = z.object({
  caseId: z.string(),
  reference: z.string(),
  lang: z.string(),
  attempt: z.number(),
  reasons: z.array(z.string()),
  docType: z.string().nullable(),
  submittedAt: z.string().nullable(),
  deadline: z.string().nullable(),
  workingHoursLeft: z.number().nullable(),
  atRisk: z.boolean(),
  claimedBy: z.string().nullable(),
  claimExpiresAt: z.string().nullable(),
  awaitingSecondApproval: z.boolean(),
});
export type QueueItem = z.infer<typeof QueueItemSchema>;

const QueueSchema = z.object({
  items: z.array(QueueItemSchema),
  now: z.string(),
  /** E-mail address of each reviewer holding a claim (who to ask). */
  reviewers: z.record(z.string(), z.string()).optional(),
});

export const FiltersSchema = z.object({
  reason: z
    .string()
    .regex(/^[A-Z_]+$/)
    .optional()
    .catch(undefined),
  lang: LangSchema.optional().catch(undefined),
  docType: z.string().max(40).optional().catch(undefined),
  atRisk: z.enum(['1']).optional().catch(undefined),
  awaitingSecondApproval: z.enum(['1']).optional().catch(undefined),
});
export type QueueFilters = z.infer<typeof FiltersSchema>;

export function filtersFromSearch(search: string): QueueFilters {
  return FiltersSchema.parse(Object.fromEntries(new URLSearchParams(search)));
}

export function filtersToSearch(f: QueueFilters): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) if (v) p.set(k, v);
  const s = p.toString();
  return s ? `?${s}` : '';
}

export const fetchQueue = (f: QueueFilters) => api(QueueSchema, `/queue${filtersToSearch(f)}`);

const ReasonsSchema = z.object({ reasons: z.array(z.object({ code: z.string(), class: z.string() })) });
export const fetchReasons = () => api(ReasonsSchema, '/reasons');
