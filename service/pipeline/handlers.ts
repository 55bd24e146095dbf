// Stage handlers, run by the parent worker process. Each one is idempotent per (case, attempt, stage):
// a stored result is returned as is; otherwise it computes, writes the result to the database, and only
// then lets the job complete. CPU-bound analyses are delegated to sandboxed children (document, speech)
// or to the face engine's own process pool.
import { UnrecoverableError, type Job } from 'bullmq';
import type { Logger } from 'pino';
import type { Db } from '../db/index.js';
import {
  getCase,
  getChallenge,
  listMedia,
  listStageResults,
  lockCase,
  putStageResult,
  getStageResult,
  recordDecision,
  setStageProgress,
  replaceMedia,
  type CaseRow,
  type MediaKind,
  type Stage,
} from '../cases/index.js';
import { processingFailed, type Decision, type PolicyConfig } from '../decision/index.js';
import { withDecrypted, type MediaStore } from '../storage/index.js';
import { Readable } from 'node:stream';
import type { DocumentSettings } from './engines/document.js';
import type { FaceEngine } from './engines/face.js';
import { mediaErrorCode, type MediaProbe } from './engines/media.js';
import { newChallengeDigits } from './engines/speech.js';
import {
  runDecide,
  runFace,
  runIngest,
  ingestFromProbe,
  type IngestResult,
  type MediaFiles,
  type StageOutputs,
} from './stages.js';
import type { SandboxPayload } from './sandbox/payload.js';
import type { PipelineJob } from './jobs.js';

export interface HandlerDeps {
  db: Db;
  store: MediaStore;
  logger: Logger;
  policy: PolicyConfig;
  document: DocumentSettings;
  challengeTtlMinutes: number;
  sla: { workingHours: number; atRiskHours: number };
  reviewDeadline(submittedAt: Date, workingHours: number, atRiskHours: number): Date;
  face(): Promise<FaceEngine>;
  /** Runs a document/speech analysis in a sandboxed child. */
  sandbox(job: Job, payload: SandboxPayload): Promise<unknown>;
  /** Adds the analysis flow after ingest. */
  enqueueAnalysis(ref: { caseId: string; attempt: number }): Promise<void>;
}

export type StageOutcome = { status: 'ok' | 'failed'; cached: boolean };

/** Media errors that no retry will fix: the stage fails at once (then review with PROCESSING_FAILED). */
const PERMANENT_MEDIA = new Set([
  'not_media',
  'corrupt',
  'no_video_stream',
  'too_short',
  'too_long',
  'too_large',
  'too_many_pixels',
  'unsupported_format',
]);

/** A stage that takes longer is abandoned and retried (a wedged child or ffmpeg must not hold a case forever). */
export const STAGE_TIMEOUT_MS = 180_000;

class StageTimeoutError extends Error {
  override name = 'StageTimeoutError';
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let t: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, rej) => {
    t = setTimeout(() => rej(new StageTimeoutError(`stage took longer than ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(t));
}

/** Runs of this job so far, the current one included: errors and stalls (a killed worker) both count. */
function runsSoFar(job: Job): number {
  return job.attemptsMade + (job.stalledCounter ?? 0) + 1;
}

function isFinalAttempt(job: Job, e: unknown): boolean {
  return e instanceof UnrecoverableError || runsSoFar(job) >= (job.opts.attempts ?? 1);
}

/**
 * A stage job that BullMQ failed for good without the stage recording it (stalled past its limit: the worker was
 * lost during every run): the failed row with its cause, so that the decision and the reviewer see why.
 */
export async function recordStageFailure(
  deps: Pick<HandlerDeps, 'db'>,
  job: Job<PipelineJob>,
  err: Error,
): Promise<void> {
  const { caseId, attempt, stage } = job.data;
  const stalled = /stalled/i.test(err.message);
  await putStageResult(deps.db, {
    caseId,
    attempt,
    stage,
    status: 'failed',
    result: stalled
      ? { error: 'WorkerLost', message: `the worker running this stage stopped during each of its ${runsSoFar(job)} runs` }
      : errorSummary(err),
    durationMs: null,
  });
  await setStageProgress(deps.db, caseId, stage, { state: 'failed', percent: 100 });
}

/** Stage error recorded for reviewers and ops: a code and a short message, never media or personal data. */
function errorSummary(e: unknown): { error: string; message: string } {
  const code = mediaErrorCode(e) ?? (e instanceof Error ? e.name : 'Error');
  return { error: code, message: e instanceof Error ? e.message.slice(0, 300) : String(e).slice(0, 300) };
}

async function withStage(
  deps: HandlerDeps,
  job: Job<PipelineJob>,
  stage: Stage,
  compute: (c: CaseRow) => Promise<unknown>,
): Promise<StageOutcome> {
  const { caseId, attempt } = job.data;
  const done = await getStageResult(deps.db, caseId, attempt, stage);
  if (done) return { status: done.status, cached: true };
  const c = await getCase(deps.db, caseId);
  if (!c) throw new UnrecoverableError('case not found');
  const t0 = Date.now();
  await setStageProgress(deps.db, caseId, stage, { state: 'running', percent: 10 });
  await job.updateProgress(10);
  try {
    const result = await withTimeout(compute(c), STAGE_TIMEOUT_MS);
    const row = await putStageResult(deps.db, {
      caseId,
      attempt,
      stage,
      status: 'ok',
      result,
      durationMs: Date.now() - t0,
    });
    await setStageProgress(deps.db, caseId, stage, { state: 'done', percent: 100 });
    await job.updateProgress(100);
    return { status: row.status, cached: false };
  } catch (e) {
    const permanent = mediaErrorCode(e) !== undefined && PERMANENT_MEDIA.has(mediaErrorCode(e)!);
    deps.logger.warn(
      { caseId, stage, attempt: job.attemptsMade + 1, err: errorSummary(e).error },
      'pipeline stage failed',
    );
    if (permanent || isFinalAttempt(job, e)) {
      await putStageResult(deps.db, {
        caseId,
        attempt,
        stage,
        status: 'failed',
        result: errorSummary(e),
        durationMs: Date.now() - t0,
      });
      await setStageProgress(deps.db, caseId, stage, { state: 'failed', percent: 100 });
      // Final by our count (stalls included) even when BullMQ, which counts errors only, would retry.
      throw new UnrecoverableError(errorSummary(e).message);
    }
    throw e;
  }
}

type MediaName = keyof MediaFiles;

/** This attempt's stored media; the front photo and the video must be there. */
async function mediaOf(deps: HandlerDeps, c: CaseRow, attempt: number) {
  const media = await listMedia(deps.db, c.id, attempt);
  if (!media.some((m) => m.kind === 'front') || !media.some((m) => m.kind === 'video'))
    throw new UnrecoverableError('media missing for this attempt');
  return media;
}

/**
 * The stored media a stage needs, to decrypt into its private temporary directory: only those (the video is
 * the large one, and each stage decrypting every file cost more than the document stage itself).
 */
async function filesOf(deps: HandlerDeps, c: CaseRow, attempt: number, need: readonly MediaName[]) {
  const media = await mediaOf(deps, c, attempt);
  return need.flatMap((name) => {
    const m = media.find((x) => x.kind === name);
    return m ? [{ key: m.storageKey, name }] : [];
  });
}

/** The ingest probe of this attempt's video, so that later stages do not run ffprobe again. */
async function ingestProbe(deps: HandlerDeps, caseId: string, attempt: number) {
  const row = await getStageResult(deps.db, caseId, attempt, 'ingest');
  return row?.status === 'ok' ? (row.result as IngestResult).probe : undefined;
}

export async function handleIngest(deps: HandlerDeps, job: Job<PipelineJob>): Promise<StageOutcome> {
  const out = await withStage(deps, job, 'ingest', async (c) => {
    const video = (await mediaOf(deps, c, job.data.attempt)).find((m) => m.kind === 'video')!;
    // The upload check probed these very bytes (same storage key): no need to decrypt and probe again.
    if (video.probe) return ingestFromProbe(video.probe as MediaProbe);
    return withDecrypted(deps.store, [{ key: video.storageKey, name: 'video' }], async (p) =>
      runIngest({ video: p.video! }),
    );
  });
  if (out.status === 'ok') await deps.enqueueAnalysis({ caseId: job.data.caseId, attempt: job.data.attempt });
  else await failCase(deps, job.data.caseId, job.data.attempt);
  return out;
}

export async function handleSandboxed(
  deps: HandlerDeps,
  job: Job<PipelineJob>,
  stage: 'document' | 'speech',
): Promise<StageOutcome> {
  return withStage(deps, job, stage, async (c) => {
    const challenge = await getChallenge(deps.db, c.id, job.data.attempt);
    if (!challenge) throw new UnrecoverableError('challenge missing');
    const need = stage === 'document' ? (['front', 'back'] as const) : (['video'] as const);
    const probe = stage === 'speech' ? await ingestProbe(deps, c.id, job.data.attempt) : undefined;
    return withDecrypted(deps.store, await filesOf(deps, c, job.data.attempt, need), async (p) =>
      deps.sandbox(job, {
        stage,
        caseId: c.id,
        attempt: job.data.attempt,
        files: p,
        ...(probe ? { probe } : {}),
        today: (c.submittedAt ?? new Date()).toISOString(),
        digits: challenge.digits,
        lang: challenge.lang,
        document: deps.document,
      }),
    );
  });
}

const CROP_KIND = { portrait: 'portrait', bestFrame: 'live_frame', cardFrame: 'card_frame' } as const;

export async function handleFace(deps: HandlerDeps, job: Job<PipelineJob>): Promise<StageOutcome> {
  return withStage(deps, job, 'face', async (c) => {
    const engine = await deps.face();
    const probe = await ingestProbe(deps, c.id, job.data.attempt);
    const { result, crops } = await withDecrypted(
      deps.store,
      await filesOf(deps, c, job.data.attempt, ['front', 'video']),
      async (p) => runFace({ front: p.front!, video: p.video! }, engine, probe),
    );
    // Crops for the reviewer, encrypted like every medium; a replay replaces (and deletes) the previous ones.
    for (const [name, kind] of Object.entries(CROP_KIND) as Array<[keyof typeof CROP_KIND, MediaKind]>) {
      const buf = crops[name];
      if (!buf) continue;
      const obj = await deps.store.put(Readable.from([buf]));
      const saved = await replaceMedia(deps.db, {
        caseId: c.id,
        attempt: job.data.attempt,
        kind,
        storageKey: obj.key,
        mime: 'image/jpeg',
        sizeBytes: obj.size,
        sha256: obj.sha256,
      });
      if (saved !== 'refused' && saved.replaced) await deps.store.delete(saved.replaced);
    }
    return result;
  });
}

export async function handleDecide(deps: HandlerDeps, job: Job<PipelineJob>): Promise<StageOutcome> {
  return withStage(deps, job, 'decide', async (c) => {
    const rows = await listStageResults(deps.db, c.id, job.data.attempt);
    const ok = (s: Stage) => rows.find((r) => r.stage === s && r.status === 'ok')?.result ?? null;
    const outputs = { document: ok('document'), face: ok('face'), speech: ok('speech') } as StageOutputs;
    const decision = runDecide(outputs, c.applicant, job.data.attempt, deps.policy);
    const status = await applyDecision(deps, c.id, job.data.attempt, decision);
    return { ...decision, status };
  });
}

/** Records an automatic decision if the case still awaits one for this attempt (idempotent). */
export async function applyDecision(
  deps: HandlerDeps,
  caseId: string,
  attempt: number,
  d: Decision,
  source: 'auto' | 'system' = 'auto',
): Promise<string> {
  const nextDigits =
    d.outcome === 'resubmit'
      ? await newChallengeDigits((await getCase(deps.db, caseId))?.lang ?? 'fr')
      : undefined;
  return deps.db.tx(async (q) => {
    const c = await lockCase(q, caseId);
    if (!c) throw new UnrecoverableError('case not found');
    if (c.status !== 'processing' || c.attempt !== attempt) return c.status;
    const now = new Date();
    return recordDecision(q, c, {
      outcome: d.outcome,
      reasons: d.reasons,
      source,
      policyVersion: d.policyVersion,
      now,
      ...(d.outcome === 'review'
        ? {
            reviewDeadline: deps.reviewDeadline(
              c.submittedAt ?? now,
              deps.sla.workingHours,
              deps.sla.atRiskHours,
            ),
          }
        : {}),
      ...(nextDigits
        ? {
            nextChallenge: {
              digits: nextDigits,
              lang: c.lang,
              expiresAt: new Date(now.getTime() + deps.challengeTtlMinutes * 60_000),
            },
          }
        : {}),
    });
  });
}

/** The case could not be processed (ingest or decide out of retries): a human takes it. Never lost. */
export async function failCase(deps: HandlerDeps, caseId: string, attempt: number): Promise<void> {
  await applyDecision(deps, caseId, attempt, processingFailed(), 'system');
}
