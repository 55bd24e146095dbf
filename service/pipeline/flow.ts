// The pipeline graph, in one place:
//
//   ingest ──▶ decide (parent)
//                ├─ document ┐
//                ├─ face     ├ in parallel
//                └─ speech   ┘
//
// Ingest validates the media, then adds the analysis flow before it completes. Job ids are deterministic
// per (stage, case, attempt), so adding the same graph twice is harmless (recovery sweep, retries).
import type { FlowJob, JobsOptions } from 'bullmq';
import { QUEUE, stageJobId } from './queue-names.js';
import { ANALYSIS_STAGES, type PipelineJob } from './jobs.js';
import type { PipelineQueues } from './queues.js';

export interface RetryPolicy {
  /** Attempts per stage (PIPELINE_ATTEMPTS). */
  attempts: number;
  /** First retry delay in ms, doubled each time (PIPELINE_BACKOFF_MS). */
  backoffMs: number;
}

export interface CaseRef {
  caseId: string;
  attempt: number;
}

export function stageJobOptions(r: RetryPolicy): JobsOptions {
  return {
    attempts: r.attempts,
    backoff: { type: 'exponential', delay: r.backoffMs },
    // Results live in the database; Redis keeps jobs only long enough for ops to look at them.
    removeOnComplete: { age: 3600, count: 5000 },
    removeOnFail: { age: 7 * 24 * 3600 },
  };
}

export function ingestJob(
  ref: CaseRef,
  r: RetryPolicy,
): { name: string; data: PipelineJob; opts: JobsOptions } {
  return {
    name: 'ingest',
    data: { stage: 'ingest', ...ref },
    opts: { ...stageJobOptions(r), jobId: stageJobId('ingest', ref.caseId, ref.attempt) },
  };
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
  await q.ingest.add(j.name, j.data as never, j.opts);
}

export async function enqueueAnalysis(q: PipelineQueues, ref: CaseRef, r: RetryPolicy): Promise<void> {
  await q.flow.add(analysisFlow(ref, r, q.prefix));
}
