// One case: detail, claim/release, decisions, and the URLs of its media.
import { z } from 'zod';
import { api, mediaUrl } from './http';

const Json = z.record(z.string(), z.unknown());

export const CaseSchema = z.object({
  caseId: z.string(),
  reference: z.string(),
  status: z.string(),
  lang: z.string(),
  attempt: z.number(),
  reasons: z.array(z.string()),
  submittedAt: z.string().nullable(),
  deadline: z.string().nullable(),
  workingHoursLeft: z.number().nullable(),
  atRisk: z.boolean(),
  declared: z.object({
    lastName: z.string().nullable(),
    firstNames: z.string().nullable(),
    birthDate: z.string().nullable(),
  }),
  challengeDigits: z.string().nullable(),
  media: z.array(z.object({ kind: z.string(), mime: z.string(), sizeBytes: z.number() })),
  stages: z.record(
    z.string(),
    z.object({ status: z.string(), result: z.unknown(), durationMs: z.number().nullable() }),
  ),
  decisions: z.array(
    z.object({
      source: z.string(),
      outcome: z.string(),
      reasons: z.array(z.string()),
      reviewerId: z.string().nullable(),
      note: z.string().nullable(),
      attempt: z.number(),
      at: z.string(),
    }),
  ),
  audit: z.array(
    z.object({
      seq: z.number(),
      actorType: z.string(),
      actorId: z.string().nullable(),
      action: z.string(),
      details: Json,
      createdAt: z.string(),
    }),
  ),
  lease: z.object({ reviewerId: z.string(), expiresAt: z.string() }).nullable(),
  fourEyes: z.object({ required: z.boolean(), firstApproverId: z.string().nullable() }),
  reviewers: z.record(z.string(), z.string()),
  faceThresholds: z.object({ accept: z.number(), reject: z.number() }).optional(),
  now: z.string(),
});
export type CaseDetail = z.infer<typeof CaseSchema>;

export const fetchCase = (id: string) => api(CaseSchema, `/cases/${encodeURIComponent(id)}`);

const LeaseSchema = z.object({ caseId: z.string(), reviewerId: z.string(), expiresAt: z.string() });
export const claimCase = (id: string) =>
  api(LeaseSchema, `/cases/${encodeURIComponent(id)}/claim`, { method: 'POST' });
export const releaseCase = (id: string) =>
  api(z.object({ released: z.boolean() }), `/cases/${encodeURIComponent(id)}/release`, { method: 'POST' });

export type DecisionAction = 'approve' | 'reject' | 'resubmit';
const DecisionSchema = z.union([
  z.object({ status: z.literal('decided'), caseStatus: z.string() }),
  z.object({ status: z.literal('awaiting_second_approval') }),
]);
export const decideCase = (id: string, body: { action: DecisionAction; reasons?: string[]; note?: string }) =>
  api(DecisionSchema, `/cases/${encodeURIComponent(id)}/decision`, { method: 'POST', body });

export type MediaKind = 'front' | 'back' | 'video' | 'portrait' | 'live_frame' | 'card_frame';
export const caseMediaUrl = (id: string, kind: MediaKind) =>
  mediaUrl(`/cases/${encodeURIComponent(id)}/media/${kind}`);
export const caseFrameUrl = (id: string, t: number) =>
  mediaUrl(`/cases/${encodeURIComponent(id)}/frame?t=${t.toFixed(2)}`);

// Loose readers of the stage results written by the pipeline (service/pipeline/engines/*.ts): absent or
// unexpected fields render as "unknown" instead of breaking the page.
const num = z.number().nullable().optional().catch(null);
const Frame = z.object({ index: z.number().optional(), timeSec: z.number(), quality: z.number().optional() });
export const FaceResultSchema = z
  .object({
    signals: z.record(z.string(), z.unknown()).optional().catch(undefined),
    decision: z.string().nullable().optional().catch(null),
    bestFrames: z.array(Frame).optional().catch([]),
    framesAnalysed: num,
    cardInVideo: z
      .object({ found: z.boolean().optional(), similarity: num, frameIndex: num, timeSec: num })
      .optional()
      .catch(undefined),
    // Raw engine shape (FaceAnalysis), accepted too.
    live: z
      .object({
        similarity: num,
        decision: z.string().nullable().optional().catch(null),
        bestFrames: z.array(Frame).optional().catch([]),
      })
      .optional()
      .catch(undefined),
  })
  .catch({});
export type FaceResult = z.infer<typeof FaceResultSchema>;

/** Similarity, best frames and the card frame's time, whichever shape the face stage wrote. */
export function faceView(f: FaceResult) {
  const sim = f.live?.similarity ?? (typeof f.signals?.similarity === 'number' ? f.signals.similarity : null);
  const best = f.bestFrames?.length ? f.bestFrames : (f.live?.bestFrames ?? []);
  // Frame index -> seconds from the best frames' own index/time pairs (the analysed frame rate).
  const ref = best.find((b) => b.index && b.index > 0);
  const card = f.cardInVideo;
  const cardT =
    card?.timeSec ??
    (card?.frameIndex != null && ref?.index ? (card.frameIndex * ref.timeSec) / ref.index : null);
  return {
    similarity: sim,
    decision: f.decision ?? f.live?.decision ?? null,
    best,
    card,
    cardTimeSec: cardT,
  };
}

export const SpeechResultSchema = z
  .object({
    signals: z.object({ decision: z.string().optional() }).optional().catch(undefined),
    decision: z.string().optional().catch(undefined),
    confidence: num,
    recognised: z.string().optional().catch(undefined),
    segments: z
      .array(
        z.object({
          digit: z.string(),
          startSec: z.number(),
          endSec: z.number(),
          // Per-digit confidence (0..1) of the string the verdict rests on; absent on older results.
          score: z.number().optional().catch(undefined),
        }),
      )
      .optional()
      .catch([]),
  })
  .catch({});

const Finding = z.union([
  z.string().transform((code) => ({ code, detail: undefined as string | undefined })),
  z.object({ code: z.string(), detail: z.string().optional() }).loose(),
]);
export const DocumentResultSchema = z
  .object({
    status: z.string().optional().catch(undefined),
    documentType: z.string().nullable().optional().catch(undefined),
    fields: z.record(z.string(), z.unknown()).optional().catch(undefined),
    mrz: z.record(z.string(), z.unknown()).optional().catch(undefined),
    findings: z.array(Finding).optional().catch([]),
    checks: z
      .array(z.object({ name: z.string(), ok: z.boolean() }))
      .optional()
      .catch([]),
  })
  .catch({});
