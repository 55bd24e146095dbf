// The applicant's verification as the app sees it (GET /v1/applicant/session), the challenge (asked for when
// recording starts) and the activation (applicant or letter token).
import { z } from 'zod/mini';
import { api } from './http';

const stage = z.object({ state: z.enum(['pending', 'running', 'done', 'failed']), percent: z.number() });
export const STAGES = ['ingest', 'document', 'face', 'speech', 'decide'] as const;

export const DOC_IDS = ['cni2021', 'cni1988', 'passport', 'permit'] as const;
export type DocId = (typeof DOC_IDS)[number];
export type Side = 'front' | 'back';

const activationView = z.object({
  state: z.enum(['none', 'issued', 'activated']),
  attemptsLeft: z.nullable(z.number()),
  locked: z.boolean(),
  expired: z.boolean(),
});

export const sessionSchema = z.object({
  status: z.enum([
    'created',
    'processing',
    'in_review',
    'approved',
    'rejected',
    'resubmission_requested',
    'expired',
  ]),
  lang: z.enum(['fr', 'en']),
  attempt: z.number(),
  maxAttempts: z.number(),
  expiresAt: z.string(),
  submittedAt: z.nullable(z.string()),
  reviewDeadline: z.nullable(z.string()),
  reasons: z.array(z.string()),
  progress: z.record(z.string(), stage),
  documents: z.array(z.object({ id: z.enum(DOC_IDS), sides: z.array(z.enum(['front', 'back'])) })),
  uploaded: z.array(z.string()),
  activation: z.nullable(activationView),
});
export type Session = z.infer<typeof sessionSchema>;
export type SessionStatus = Session['status'];

export const getSession = () => api(sessionSchema, '/v1/applicant/session');

const challengeSchema = z.object({
  digits: z.string(),
  lang: z.enum(['fr', 'en']),
  expiresAt: z.string(),
  issued: z.boolean(),
});
export type Challenge = z.infer<typeof challengeSchema>;
export const getChallenge = () => api(challengeSchema, '/v1/applicant/challenge', { method: 'POST' });

export const submit = () =>
  api(z.object({ status: z.string(), attempt: z.number() }), '/v1/applicant/submit', { method: 'POST' });

const activationStatus = z.extend(activationView, { activatedAt: z.nullable(z.string()) });
export const getActivation = () => api(activationStatus, '/v1/applicant/activation');
export const activate = (code: string) =>
  api(z.object({ status: z.literal('activated'), activatedAt: z.string() }), '/v1/applicant/activation', {
    method: 'POST',
    body: { code },
  });

export const precheckPhoto = (side: Side, doc: DocId) =>
  api(
    z.object({
      verdict: z.enum(['ok', 'mrz_unreadable', 'wrong_side', 'no_mrz_expected', 'no_portrait']),
      mrzRead: z.boolean(),
      portraitFound: z.nullable(z.boolean()),
    }),
    `/v1/applicant/media/${side}/precheck`,
    { method: 'POST', body: { doc } },
  );
