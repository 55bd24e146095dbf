// Job payloads of the pipeline: a discriminated union on `stage`, so that enqueueing and handlers are
// type-checked together. Payloads carry ids only: no personal data, no media, no secrets in Redis.

export type PipelineStage = 'ingest' | 'document' | 'face' | 'speech' | 'decide';
export type AnalysisStage = 'document' | 'face' | 'speech';
export const ANALYSIS_STAGES: readonly AnalysisStage[] = ['document', 'face', 'speech'];

interface CaseRef {
  caseId: string;
  /** Submission number: each resubmission is a new attempt with its own stage results. */
  attempt: number;
}

export type IngestJob = CaseRef & { stage: 'ingest' };
export type DocumentJob = CaseRef & { stage: 'document' };
export type FaceJob = CaseRef & { stage: 'face' };
export type SpeechJob = CaseRef & { stage: 'speech' };
export type DecideJob = CaseRef & { stage: 'decide' };

export type PipelineJob = IngestJob | DocumentJob | FaceJob | SpeechJob | DecideJob;

export interface OutboxJob {
  outboxId: string;
  topic: string;
}
