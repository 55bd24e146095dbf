// One case: detail, claim/release, decisions, and the URLs of its media.
import { z } from 'zod';
import {
  okResult,
  STAGES,
  StoredStageSchema,
  type FaceStageResult,
  type Stage,
  type StageResultOf,
} from '../../../service/contracts/stage-results';
import { api, mediaUrl } from './http';

const Json = z.record(z.string(), z.unknown());

export const CHECK_ITEMS = ['video', 'front', 'back'] as const;
export type CheckItem = (typeof CHECK_ITEMS)[number];
const ChecksSchema = z.object({ required: z.array(z.enum(CHECK_ITEMS)), done: z.array(z.enum(CHECK_ITEMS)) });
export type Checks = z.infer<typeof ChecksSchema>;

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
  media: z.array(
    z.object({
      kind: z.string(),
      mime: z.string(),
      sizeBytes: z.number(),
      /** How the applicant app captured it (camera, resolution, recorder, retakes...). */
      capture: z.record(z.string(), z.unknown()).nullable().optional(),
    }),
  ),
  stages: z.partialRecord(z.enum(STAGES), StoredStageSchema),
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
  lease: z.object({ reviewerId: z.string(), expiresAt: z.string(), claimedAt: z.string() }).nullable(),
  fourEyes: z.object({
    required: z.boolean(),
    stage: z.enum(['not_required', 'first_approval', 'second_approval']),
    firstApproverId: z.string().nullable(),
    firstApprovedAt: z.string().nullable(),
  }),
  /** The decision checklist of the signed-in reviewer (the server refuses a decision until it is done). */
  checks: ChecksSchema,
  reviewers: z.record(z.string(), z.string()),
  faceThresholds: z.object({ accept: z.number(), reject: z.number() }),
  now: z.string(),
});
export type CaseDetail = z.infer<typeof CaseSchema>;

export const fetchCase = (id: string) => api(CaseSchema, `/cases/${encodeURIComponent(id)}`);

const LeaseSchema = z.object({ caseId: z.string(), reviewerId: z.string(), expiresAt: z.string() });
export const claimCase = (id: string) =>
  api(LeaseSchema, `/cases/${encodeURIComponent(id)}/claim`, { method: 'POST' });
export const releaseCase = (id: string) =>
  api(z.object({ released: z.boolean() }), `/cases/${encodeURIComponent(id)}/release`, { method: 'POST' });

export const takeOverCase = (id: string) =>
  api(LeaseSchema, `/cases/${encodeURIComponent(id)}/takeover`, { method: 'POST' });

/** What the reviewer looked at: seconds of video played, a document side opened enlarged. */
export type ViewEvent = { kind: 'video'; secondsWatched: number } | { kind: 'front' | 'back' };
export const reportView = (id: string, event: ViewEvent) =>
  api(z.object({ checks: ChecksSchema }), `/cases/${encodeURIComponent(id)}/views`, {
    method: 'POST',
    body: event,
  });

export type DecisionAction = 'approve' | 'reject' | 'resubmit';
const DecisionSchema = z.union([
  z.object({ status: z.literal('decided'), caseStatus: z.string() }),
  z.object({ status: z.literal('awaiting_second_approval') }),
]);
export const decideCase = (id: string, body: { action: DecisionAction; reasons?: string[]; note?: string }) =>
  api(DecisionSchema, `/cases/${encodeURIComponent(id)}/decision`, { method: 'POST', body });

export type { MediaKind } from '../../../service/contracts/media-kind';
import type { MediaKind } from '../../../service/contracts/media-kind';
export const caseMediaUrl = (id: string, kind: MediaKind) =>
  mediaUrl(`/cases/${encodeURIComponent(id)}/media/${kind}`);
export const caseFrameUrl = (id: string, t: number) =>
  mediaUrl(`/cases/${encodeURIComponent(id)}/frame?t=${t.toFixed(2)}`);

// Stage results, parsed with the schemas the pipeline stores them with (service/contracts/stage-results.ts):
// a stage that is absent, failed or of another shape is `undefined` and renders as unknown.
export function stageResult<S extends Stage>(c: CaseDetail, stage: S): StageResultOf<S> | undefined {
  return okResult(stage, c.stages[stage]);
}

/** Seconds into the video of the frame where the card was seen (from the best frames' own index/time pairs). */
export function cardTimeSec(face: FaceStageResult): number | null {
  const ref = face.bestFrames.find((b) => b.index > 0);
  const at = face.cardInVideo.frameIndex;
  return at !== null && ref ? (at * ref.timeSec) / ref.index : null;
}

export { approvalBlock, floorTo, scoreDigits } from './case-rules';
