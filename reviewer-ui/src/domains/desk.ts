// Search, seen-before matches, the QA queue, the development outbox and the per-reviewer figures (desk API).
import { z } from 'zod';
import { api } from './http';

const SearchSchema = z.object({
  items: z.array(
    z.object({
      caseId: z.string(),
      reference: z.string(),
      status: z.string(),
      submittedAt: z.string().nullable(),
      qaPending: z.boolean(),
    }),
  ),
});
export type SearchHit = z.infer<typeof SearchSchema>['items'][number];
export const searchCases = (q: string) => api(SearchSchema, `/search?q=${encodeURIComponent(q)}`);

const SeenBeforeSchema = z.object({
  caseId: z.string(),
  matches: z.array(
    z.object({
      otherCaseId: z.string(),
      reference: z.string(),
      status: z.string(),
      kinds: z.array(z.enum(['document', 'face'])),
      similarity: z.number().nullable(),
      declared: z.object({
        lastName: z.string().nullable(),
        firstNames: z.string().nullable(),
        birthDate: z.string().nullable(),
      }),
      submittedAt: z.string().nullable(),
      media: z.array(z.string()),
    }),
  ),
});
export type SeenBeforeMatch = z.infer<typeof SeenBeforeSchema>['matches'][number];
export const fetchSeenBefore = (caseId: string) =>
  api(SeenBeforeSchema, `/cases/${encodeURIComponent(caseId)}/seen-before`);

const QaItemSchema = z.object({
  caseId: z.string(),
  reference: z.string(),
  status: z.string(),
  sampledAt: z.string(),
  decidedAt: z.string().nullable(),
  verdict: z.enum(['agree', 'disagree']).nullable(),
  reviewerId: z.string().nullable(),
  reviewedAt: z.string().nullable(),
});
export type QaItem = z.infer<typeof QaItemSchema>;
export const fetchQaQueue = (state: 'pending' | 'done' = 'pending') =>
  api(z.object({ items: z.array(QaItemSchema) }), `/qa?state=${state}`);
export const fetchQaItem = (caseId: string) => api(QaItemSchema, `/qa/${encodeURIComponent(caseId)}`);
export const giveQaVerdict = (caseId: string, verdict: 'agree' | 'disagree', note?: string) =>
  api(z.object({ caseId: z.string(), verdict: z.string() }), `/qa/${encodeURIComponent(caseId)}`, {
    method: 'POST',
    body: { verdict, ...(note ? { note } : {}) },
  });

const OutboxSchema = z.object({
  items: z.array(
    z.discriminatedUnion('channel', [
      z.object({
        id: z.number(),
        channel: z.literal('email'),
        at: z.string(),
        to: z.string(),
        subject: z.string(),
        text: z.string(),
        html: z.string(),
      }),
      z.object({
        id: z.number(),
        channel: z.literal('sms'),
        at: z.string(),
        to: z.string(),
        text: z.string(),
      }),
    ]),
  ),
});
export type OutboxItem = z.infer<typeof OutboxSchema>['items'][number];
export const fetchDevOutbox = () => api(OutboxSchema, '/dev-outbox');

const FiguresSchema = z.object({
  sampled: z.number(),
  pending: z.number(),
  agreed: z.number(),
  disagreed: z.number(),
  reviewers: z.array(
    z.object({
      reviewerId: z.string(),
      decisions: z.object({ approve: z.number(), reject: z.number(), resubmit: z.number() }),
      qaDone: z.number(),
      qaChecked: z.number(),
      qaAgreed: z.number(),
      agreement: z.number().nullable(),
    }),
  ),
  names: z.record(z.string(), z.string()),
});
export type ReviewerFigures = z.infer<typeof FiguresSchema>;
export const fetchReviewerFigures = () => api(FiguresSchema, '/api/ops/reviewers');
