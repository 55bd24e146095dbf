// The pipeline graph, in one function (`nextStep`): what follows each stage, and what its final failure does.
//
//   ingest ──▶ document ∥ face ∥ speech ──▶ decide ──▶ (approved | rejected | resubmission | in review)
//
// The queue workers (worker.ts, through the handlers) and the in-process `idv verify` (in-process.ts) both
// follow it. On the queues, the fan-out and its join are a BullMQ flow: `decide` is the parent of the three
// analyses and runs once each has completed or finally failed (a failed analysis is a missing signal for the
// policy, which then answers PROCESSING_FAILED).
import type { FlowJob } from 'bullmq';
import {
  ANALYSIS_STAGES,
  QUEUE,
  stageJobId,
  stageJobOptions,
  type AnalysisStage,
  type CaseRef,
  type PipelineJob,
  type RetryPolicy,
  type Stage,
} from './jobs.js';
import type { PipelineQueues } from './queues.js';
import type { PipelineRepository } from './pipeline-repository.js';

export type Step =
  /** Run these analyses in parallel, then `decide` with their results. */
  | { kind: 'analyse'; stages: readonly AnalysisStage[]; then: 'decide' }
  /** This analysis is done (its result, or its failure, is stored): the join waits for the others. */
  | { kind: 'join' }
  /** The case is decided: nothing follows. */
  | { kind: 'end' }
  /** The case cannot be processed: a human takes it (review with PROCESSING_FAILED). Never lost. */
  | { kind: 'review' };

export function nextStep(stage: Stage, outcome: 'ok' | 'failed'): Step {
  switch (stage) {
    case 'ingest':
      return outcome === 'ok'
        ? { kind: 'analyse', stages: ANALYSIS_STAGES, then: 'decide' }
        : { kind: 'review' };
    case 'document':
    case 'face':
    case 'speech':
      return { kind: 'join' };
    case 'decide':
      return outcome === 'ok' ? { kind: 'end' } : { kind: 'review' };
  }
}

/** How the steps are carried out (queues in the worker; fakes in unit tests). */
export interface StepEffects {
  /** Starts the analyses of a case and their join (the decide stage). */
  analyse(ref: CaseRef): Promise<void>;
  /** Sends the case to review with PROCESSING_FAILED. */
  sendToReview(ref: CaseRef): Promise<void>;
}

export async function follow(stage: Stage, outcome: 'ok' | 'failed', ref: CaseRef, fx: StepEffects) {
  const step = nextStep(stage, outcome);
  if (step.kind === 'analyse') await fx.analyse(ref);
  else if (step.kind === 'review') await fx.sendToReview(ref);
}

// ---- the steps on BullMQ ----------------------------------------------------------------------------

export function ingestJob(ref: CaseRef, r: RetryPolicy) {
  return {
    name: 'ingest',
    data: { stage: 'ingest', ...ref } satisfies PipelineJob,
    opts: { ...stageJobOptions(r), jobId: stageJobId('ingest', ref.caseId, ref.attempt) },
  } as const;
}

export function analysisFlow(ref: CaseRef, r: RetryPolicy, prefix: string): FlowJob {
  return {
    name: 'decide',
    queueName: QUEUE.decide,
    prefix,
    data: { stage: 'decide', ...ref } satisfies PipelineJob,
    opts: { ...stageJobOptions(r), jobId: stageJobId('decide', ref.caseId, ref.attempt) },
    children: ANALYSIS_STAGES.map((stage) => ({
      name: stage,
      queueName: QUEUE[stage],
      prefix,
      data: { stage, ...ref } satisfies PipelineJob,
      // A stage out of retries has written a `failed` result: the decision still happens (PROCESSING_FAILED).
      opts: {
        ...stageJobOptions(r),
        jobId: stageJobId(stage, ref.caseId, ref.attempt),
        ignoreDependencyOnFailure: true,
      },
    })),
  };
}

export async function enqueueIngest(q: PipelineQueues, ref: CaseRef, r: RetryPolicy): Promise<void> {
  const j = ingestJob(ref, r);
  await q.ingest.add('ingest', j.data, j.opts);
}

export async function enqueueAnalysis(q: PipelineQueues, ref: CaseRef, r: RetryPolicy): Promise<void> {
  await q.flow.add(analysisFlow(ref, r, q.prefix));
}

/**
 * Makes sure a case's job will run: a failed job is retried with a fresh budget (BullMQ ignores adding a job
 * whose id it still keeps, failed or not), a missing one is added, a live one is left alone.
 */
export async function ensureJob(
  q: PipelineQueues,
  stage: 'ingest' | 'decide',
  ref: CaseRef,
  add: () => Promise<void>,
): Promise<'retried' | 'added' | 'present'> {
  const job = await q[stage].getJob(stageJobId(stage, ref.caseId, ref.attempt));
  if (!job) {
    await add();
    return 'added';
  }
  if (await job.isFailed()) {
    await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
    return 'retried';
  }
  return 'present';
}

/**
 * The recovery sweep: cases left in `processing` since before `olderThan` (Redis data lost, a crash between
 * steps, a job that failed for good before its failure could be followed, one stalled too often) get the job
 * of the step they are at run again. Returns how many cases it looked at.
 */
export async function recoverStale(
  q: PipelineQueues,
  cases: Pick<PipelineRepository, 'listProcessing' | 'getStageResult'>,
  r: RetryPolicy,
  olderThan: Date,
): Promise<number> {
  const stale = await cases.listProcessing(olderThan);
  for (const c of stale) {
    const ref = { caseId: c.id, attempt: c.attempt };
    const ingested = await cases.getStageResult(c.id, c.attempt, 'ingest');
    if (ingested?.status === 'ok') await ensureJob(q, 'decide', ref, () => enqueueAnalysis(q, ref, r));
    else await ensureJob(q, 'ingest', ref, () => enqueueIngest(q, ref, r));
  }
  return stale.length;
}
