// Every queue name, job id and Redis key prefix of the pipeline, built in one place.
import type { PipelineStage } from './jobs.js';

export const QUEUE = {
  ingest: 'pipeline-ingest',
  document: 'pipeline-document',
  face: 'pipeline-face',
  speech: 'pipeline-speech',
  decide: 'pipeline-decide',
  outbox: 'outbox',
} as const satisfies Record<PipelineStage | 'outbox', string>;

export type QueueName = (typeof QUEUE)[keyof typeof QUEUE];

/** BullMQ `prefix` option: every key of this deployment lives under it (QUEUE_PREFIX config). */
export function bullPrefix(queuePrefix: string): string {
  return `${queuePrefix}:bull`;
}

/**
 * Deterministic job ids: adding the same (case, attempt, stage) twice is a no-op while the first job exists,
 * which makes re-enqueueing (recovery sweep, duplicate submit) safe. BullMQ forbids ':' in custom ids.
 */
export function stageJobId(stage: PipelineStage, caseId: string, attempt: number): string {
  return `${stage}.${caseId}.${attempt}`;
}

export function outboxJobId(outboxId: string): string {
  return `outbox.${outboxId}`;
}
