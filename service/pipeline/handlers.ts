// Stage handlers: what each node of the graph (graph.ts) does with one case. Each is idempotent per
// (case, attempt, stage): a stored result is returned as is; otherwise it computes, writes the result to the
// database, and only then completes. A final failure (no retry left, an UnrecoverableError, or a media error
// no retry will fix) is stored as a `failed` result and followed as the graph says (review for ingest and
// decide). Handlers see no queue: the worker (worker.ts) adapts a BullMQ job into a `StageRun`.
import { UnrecoverableError } from 'bullmq';
import { createReadStream } from 'node:fs';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import type { Logger } from 'pino';
import type { MediaKind, Stage } from '../cases/index.js';
import { newChallenge } from '../cases/challenge.js';
import { okResult, SpeechStageResultSchema, type DecideStageResult } from '../contracts/stage-results.js';
import { processingFailed, type Decision, type PolicyConfig } from '../decision/index.js';
import { reviewDeadline, type SlaPolicy } from '../review/calendar.js';
import { withDecrypted, type MediaStore } from '../storage/index.js';
import type { DocumentSettings } from './engines/document.js';
import type { FaceAdapter } from './engines/face.js';
import {
  isPermanentMediaError,
  makeRendition,
  mediaErrorCode,
  needsRendition,
  RENDITION_MIME,
  type MediaProbe,
} from './engines/media.js';
import { follow, type StepEffects } from './graph.js';
import type { CaseRef } from './jobs.js';
import type { PipelineRepository } from './pipeline-repository.js';
import type { SandboxPayload } from './sandbox/payload.js';
import {
  ingestFromProbe,
  runDecide,
  type DeclaredApplicant,
  type DocumentStageResult,
  runFace,
  runIngest,
  type IngestResult,
  type MediaFiles,
} from './stages.js';

/** One run of a stage for a case: the queue job as the handlers see it. */
export interface StageRun extends CaseRef {
  /** True when no retry follows this run: its failure is final. */
  lastAttempt: boolean;
  progress(percent: number): Promise<void>;
}

export interface HandlerDeps {
  cases: PipelineRepository;
  store: MediaStore;
  logger: Logger;
  policy: PolicyConfig;
  document: DocumentSettings;
  challengeTtlMinutes: number;
  sla: SlaPolicy;
  engines: {
    /** The media engine's probe (ingest). */
    probe(path: string): Promise<MediaProbe>;
    face(): Promise<FaceAdapter>;
    /** Runs a document/speech analysis in a sandboxed child. */
    analyse(run: StageRun, payload: SandboxPayload): Promise<unknown>;
  };
  /** Starts the analyses and their join after ingest (graph step `analyse`). */
  enqueueAnalysis(ref: CaseRef): Promise<void>;
  /** Schedules the expiry of a case that entered review at its deadline (idempotent). */
  scheduleExpiry(caseId: string, deadline: Date): Promise<void>;
  /** Repeat-fraud look-up and QA sampling (service/fraud); absent where nothing is indexed (unit tests). */
  fraud?: FraudHooks;
}

export interface FraudHooks {
  /** Face stage: keeps this attempt's live face descriptor in the seen-before index (sealed). */
  indexFace(ref: CaseRef, descriptor: readonly number[]): Promise<void>;
  /** Decide stage: the same document number, or a close face under another identity, on another case? */
  seenBefore(
    ref: CaseRef,
    declared: DeclaredApplicant,
    document: DocumentStageResult | null,
  ): Promise<{ document: boolean; face: boolean }>;
  /** After the automatic decision (idempotent): samples automatic approvals into the QA queue. */
  decided(ref: CaseRef, status: string): Promise<void>;
}

export type StageOutcome = { status: 'ok' | 'failed'; cached: boolean };

/** A stage that takes longer is abandoned and retried (a wedged child or ffmpeg must not hold a case forever). */
export const STAGE_TIMEOUT_MS = 180_000;

export class StageTimeoutError extends Error {
  override name = 'StageTimeoutError';
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let t: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, rej) => {
    t = setTimeout(() => rej(new StageTimeoutError(`stage took longer than ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(t));
}

/** A failure no retry will fix: BullMQ's UnrecoverableError (any subclass) or a permanent media refusal. */
export function isUnrecoverable(e: unknown): boolean {
  return e instanceof UnrecoverableError || isPermanentMediaError(e);
}

/**
 * A stage job that BullMQ failed for good without the stage recording it (stalled past its limit: the worker was
 * lost during every run): the failed row with its cause, so that the decision and the reviewer see why.
 */
export async function recordLostStage(
  deps: Pick<HandlerDeps, 'cases'>,
  ref: CaseRef,
  stage: Stage,
  runs: number,
): Promise<void> {
  await deps.cases.putStageResult({
    caseId: ref.caseId,
    attempt: ref.attempt,
    stage,
    status: 'failed',
    result: {
      error: 'WorkerLost',
      message: `the worker running this stage stopped during each of its ${runs} runs`,
    },
    durationMs: null,
  });
  await deps.cases.setStageProgress(ref.caseId, stage, { state: 'failed', percent: 100 });
}

/** Stage error recorded for reviewers and ops: a code and a short message, never media or personal data. */
function errorSummary(e: unknown): { error: string; message: string } {
  const code = mediaErrorCode(e) ?? (e instanceof Error ? e.name : 'Error');
  return { error: code, message: e instanceof Error ? e.message.slice(0, 300) : String(e).slice(0, 300) };
}

function effects(deps: HandlerDeps): StepEffects {
  return { analyse: (ref) => deps.enqueueAnalysis(ref), sendToReview: (ref) => failCase(deps, ref) };
}

async function withStage(
  deps: HandlerDeps,
  run: StageRun,
  stage: Stage,
  compute: () => Promise<unknown>,
): Promise<StageOutcome> {
  const { caseId, attempt } = run;
  const ref: CaseRef = { caseId, attempt };
  const done = await deps.cases.getStageResult(caseId, attempt, stage);
  if (done) {
    // A re-run after the result was stored (crash before completing, recovery sweep): carry on from there.
    await follow(stage, done.status, ref, effects(deps));
    return { status: done.status, cached: true };
  }
  const t0 = Date.now();
  await deps.cases.setStageProgress(caseId, stage, { state: 'running', percent: 10 });
  await run.progress(10);
  let result: unknown;
  try {
    result = await withTimeout(compute(), STAGE_TIMEOUT_MS);
  } catch (e) {
    const unrecoverable = isUnrecoverable(e);
    deps.logger.warn({ caseId, stage, attempt, err: errorSummary(e).error }, 'pipeline stage failed');
    if (!unrecoverable && !run.lastAttempt) throw e;
    const row = await deps.cases.putStageResult({
      caseId,
      attempt,
      stage,
      status: 'failed',
      result: errorSummary(e),
      durationMs: Date.now() - t0,
    });
    await deps.cases.setStageProgress(caseId, stage, { state: 'failed', percent: 100 });
    await follow(stage, row.status, ref, effects(deps));
    // Tell BullMQ not to retry; the failure is recorded and followed.
    throw e instanceof UnrecoverableError ? e : new UnrecoverableError(errorSummary(e).message);
  }
  const row = await deps.cases.putStageResult({
    caseId,
    attempt,
    stage,
    status: 'ok',
    result,
    durationMs: Date.now() - t0,
  });
  await deps.cases.setStageProgress(caseId, stage, { state: 'done', percent: 100 });
  await run.progress(100);
  await follow(stage, row.status, ref, effects(deps));
  return { status: row.status, cached: false };
}

/** This attempt's stored media; the front photo and the video must be there. */
async function mediaOf(deps: HandlerDeps, ref: CaseRef) {
  const media = await deps.cases.listMedia(ref.caseId, ref.attempt);
  if (!media.some((m) => m.kind === 'front') || !media.some((m) => m.kind === 'video'))
    throw new UnrecoverableError('media missing for this attempt');
  return media;
}

/**
 * The stored media a stage needs, to decrypt into its private temporary directory: only those (the video is
 * the large one, and each stage decrypting every file cost more than the document stage itself).
 */
async function filesOf(deps: HandlerDeps, ref: CaseRef, need: ReadonlyArray<keyof MediaFiles>) {
  const media = await mediaOf(deps, ref);
  return need.flatMap((name) => {
    const m = media.find((x) => x.kind === name);
    return m ? [{ key: m.storageKey, name }] : [];
  });
}

/** The ingest probe of this attempt's video, so that later stages do not run ffprobe again. */
async function ingestProbe(deps: HandlerDeps, ref: CaseRef): Promise<MediaProbe | undefined> {
  const row = await deps.cases.getStageResult(ref.caseId, ref.attempt, 'ingest');
  return row?.status === 'ok' ? ((row.result as IngestResult).probe as MediaProbe | undefined) : undefined;
}

async function caseOf(deps: HandlerDeps, ref: CaseRef) {
  const c = await deps.cases.getCase(ref.caseId);
  if (!c) throw new UnrecoverableError('case not found');
  return c;
}

export function handleIngest(deps: HandlerDeps, run: StageRun): Promise<StageOutcome> {
  return withStage(deps, run, 'ingest', async () => {
    const video = (await mediaOf(deps, run)).find((m) => m.kind === 'video')!;
    // The upload check probed these very bytes (same storage key): no need to decrypt and probe again.
    const result = video.probe
      ? ingestFromProbe(video.probe as MediaProbe)
      : await withDecrypted(deps.store, [{ key: video.storageKey, name: 'video' }], (p) =>
          runIngest({ video: p.video! }, deps.engines.probe),
        );
    if (result.probe && needsRendition(result.probe)) await storeRendition(deps, run, video.storageKey);
    return result;
  });
}

/**
 * The reviewer rendition of a video browsers may not show (HEVC .mov...), encrypted like every medium. Made in
 * the stage's private work directory; a failure leaves the case to the original (the reviewer then sees what
 * the browser can show) rather than failing the analyses.
 */
async function storeRendition(deps: HandlerDeps, ref: CaseRef, key: string): Promise<void> {
  const t0 = Date.now();
  try {
    const obj = await withDecrypted(deps.store, [{ key, name: 'video' }], async (p) => {
      const out = join(dirname(p.video!), 'review.mp4');
      await makeRendition(p.video!, out);
      return deps.store.put(createReadStream(out), { caseId: ref.caseId });
    });
    const prev = await deps.cases.upsertMedia({
      caseId: ref.caseId,
      attempt: ref.attempt,
      kind: 'video_review',
      storageKey: obj.key,
      mime: RENDITION_MIME,
      sizeBytes: obj.size,
      sha256: obj.sha256,
    });
    if (prev && prev !== obj.key) await deps.store.delete(prev);
    deps.logger.info({ caseId: ref.caseId, ms: Date.now() - t0 }, 'reviewer rendition stored');
  } catch (e) {
    deps.logger.warn({ caseId: ref.caseId, err: errorSummary(e).error }, 'reviewer rendition failed');
  }
}

/** Document and speech: CPU-bound, computed in a sandboxed child from the files decrypted here. */
export function handleSandboxed(
  deps: HandlerDeps,
  run: StageRun,
  stage: 'document' | 'speech',
): Promise<StageOutcome> {
  return withStage(deps, run, stage, async () => {
    const c = await caseOf(deps, run);
    const challenge = await deps.cases.getChallenge(c.id, run.attempt);
    if (!challenge) throw new UnrecoverableError('challenge missing');
    const need = stage === 'document' ? (['front', 'back'] as const) : (['video'] as const);
    const probe = stage === 'speech' ? await ingestProbe(deps, run) : undefined;
    return withDecrypted(deps.store, await filesOf(deps, run, need), async (p) => {
      // The child writes the mouth crops beside the decrypted video; they are sealed before the directory goes.
      const mouthCropsOut =
        stage === 'speech' && p.video ? join(dirname(p.video), 'mouth-crops.jpg') : undefined;
      const result = await deps.engines.analyse(run, {
        stage,
        caseId: c.id,
        attempt: run.attempt,
        files: p,
        ...(probe ? { probe } : {}),
        today: (c.submittedAt ?? new Date()).toISOString(),
        digits: challenge.digits,
        lang: challenge.lang,
        document: deps.document,
        ...(stage === 'document' && c.declaredDocumentType ? { documentType: c.declaredDocumentType } : {}),
        ...(mouthCropsOut ? { mouthCropsOut } : {}),
      });
      if (mouthCropsOut) await storeMouthCrops(deps, run, result, mouthCropsOut);
      return result;
    });
  });
}

/**
 * The mouth crops at each spoken digit (one JPEG sheet, media `mouth_crops`), encrypted like every medium, when
 * the speech result says the child made them; a replay replaces (and deletes) the previous sheet.
 */
async function storeMouthCrops(
  deps: HandlerDeps,
  ref: CaseRef,
  result: unknown,
  path: string,
): Promise<void> {
  const parsed = SpeechStageResultSchema.safeParse(result);
  if (!parsed.success || !parsed.data.mouthCrops) return;
  const obj = await deps.store.put(createReadStream(path), { caseId: ref.caseId });
  const prev = await deps.cases.upsertMedia({
    caseId: ref.caseId,
    attempt: ref.attempt,
    kind: 'mouth_crops',
    storageKey: obj.key,
    mime: 'image/jpeg',
    sizeBytes: obj.size,
    sha256: obj.sha256,
  });
  if (prev && prev !== obj.key) await deps.store.delete(prev);
}

const CROP_KIND = { portrait: 'portrait', bestFrame: 'live_frame', cardFrame: 'card_frame' } as const;

export function handleFace(deps: HandlerDeps, run: StageRun): Promise<StageOutcome> {
  return withStage(deps, run, 'face', async () => {
    const engine = await deps.engines.face();
    const probe = await ingestProbe(deps, run);
    const { result, crops, descriptor } = await withDecrypted(
      deps.store,
      await filesOf(deps, run, ['front', 'video']),
      (p) => runFace({ front: p.front!, video: p.video! }, engine, probe),
    );
    // Crops for the reviewer, encrypted like every medium; a replay replaces (and deletes) the previous ones.
    for (const [name, kind] of Object.entries(CROP_KIND) as Array<[keyof typeof CROP_KIND, MediaKind]>) {
      const buf = crops[name];
      if (!buf) continue;
      const obj = await deps.store.put(Readable.from([buf]), { caseId: run.caseId });
      const prev = await deps.cases.upsertMedia({
        caseId: run.caseId,
        attempt: run.attempt,
        kind,
        storageKey: obj.key,
        mime: 'image/jpeg',
        sizeBytes: obj.size,
        sha256: obj.sha256,
      });
      if (prev && prev !== obj.key) await deps.store.delete(prev);
    }
    if (descriptor && deps.fraud) await deps.fraud.indexFace(run, descriptor);
    return result;
  });
}

export function handleDecide(deps: HandlerDeps, run: StageRun): Promise<StageOutcome> {
  return withStage(deps, run, 'decide', async (): Promise<DecideStageResult> => {
    const c = await caseOf(deps, run);
    const rows = await deps.cases.listStageResults(c.id, run.attempt);
    const stored = (s: Stage) => rows.find((r) => r.stage === s);
    const outputs = {
      document: okResult('document', stored('document')) ?? null,
      face: okResult('face', stored('face')) ?? null,
      speech: okResult('speech', stored('speech')) ?? null,
    };
    const seen = deps.fraud ? await deps.fraud.seenBefore(run, c.applicant, outputs.document) : undefined;
    const decision = runDecide(outputs, c.applicant, run.attempt, deps.policy, seen);
    const status = await applyDecision(deps, run, decision);
    if (deps.fraud) await deps.fraud.decided(run, status);
    return {
      outcome: decision.outcome,
      reasons: decision.reasons,
      policyVersion: decision.policyVersion,
      status,
    };
  });
}

/**
 * Records an automatic decision if the case still awaits one for this attempt (idempotent), and schedules
 * the expiry of a case that enters review. Returns the case status afterwards.
 */
export async function applyDecision(
  deps: HandlerDeps,
  ref: CaseRef,
  d: Decision,
  source: 'auto' | 'system' = 'auto',
): Promise<string> {
  const c = await caseOf(deps, ref);
  const now = new Date();
  const deadline = d.outcome === 'review' ? reviewDeadline(c.submittedAt ?? now, deps.sla) : undefined;
  const status = await deps.cases.decideIfProcessing(ref.caseId, ref.attempt, {
    outcome: d.outcome,
    reasons: d.reasons,
    source,
    policyVersion: d.policyVersion,
    now,
    ...(deadline ? { reviewDeadline: deadline } : {}),
    ...(d.outcome === 'resubmit'
      ? { nextChallenge: newChallenge(c.lang, deps.challengeTtlMinutes, now) }
      : {}),
  });
  if (status === undefined) throw new UnrecoverableError('case not found');
  // Also on a replay (the case was put in review by an earlier run): the job id makes it idempotent.
  const due =
    status === 'in_review' ? ((await deps.cases.getCase(ref.caseId))?.reviewDeadline ?? deadline) : undefined;
  if (due) await deps.scheduleExpiry(ref.caseId, due);
  return status;
}

/** The case could not be processed (graph step `review`): a human takes it. Never lost. */
export async function failCase(deps: HandlerDeps, ref: CaseRef): Promise<void> {
  await applyDecision(deps, { caseId: ref.caseId, attempt: ref.attempt }, processingFailed(), 'system');
}
