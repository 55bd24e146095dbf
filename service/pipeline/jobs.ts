// The job vocabulary of the service, in one place: every queue name, job name and payload type, the BullMQ
// key prefix, job ids and retention options. Payloads carry ids only: no personal data, no media, no secrets
// in Redis (it is not encrypted at rest).
import type { JobsOptions } from 'bullmq';
import type { Stage } from '../contracts/stage-results.js';

export { STAGES, ANALYSIS_STAGES, type Stage, type AnalysisStage } from '../contracts/stage-results.js';
export type PipelineStage = Stage;

/** A case's submission: each resubmission is a new attempt with its own stage results. */
export interface CaseRef {
  caseId: string;
  /** Submission number (1-based). */
  attempt: number;
}

// ---- payloads --------------------------------------------------------------------------------------

export type IngestJob = CaseRef & { stage: 'ingest' };
export type DocumentJob = CaseRef & { stage: 'document' };
export type FaceJob = CaseRef & { stage: 'face' };
export type SpeechJob = CaseRef & { stage: 'speech' };
export type DecideJob = CaseRef & { stage: 'decide' };
/** A pipeline stage job: discriminated on `stage`, so that enqueueing and handlers are checked together. */
export type PipelineJob = IngestJob | DocumentJob | FaceJob | SpeechJob | DecideJob;

/** Outbox topics: what a row written in a state-changing transaction announces. */
export const OUTBOX_TOPICS = ['webhook', 'activation', 'invitation', 'evidence'] as const;
export type OutboxTopic = (typeof OUTBOX_TOPICS)[number];
export interface OutboxJob {
  outboxId: string;
  topic: OutboxTopic;
}

/** One activation e-letter or SMS delivery (addresses and the code stay in the database). */
export interface DeliverJob {
  deliveryId: number;
}

/** Expire a case still in review at its deadline (the handler re-reads the case: a late job is a no-op). */
export interface ExpireJob {
  caseId: string;
}

/** One retention run (service/retention/job.ts): purges due data, exports an audit anchor. No payload. */
export type RetentionJob = Record<string, never>;

// ---- queues ----------------------------------------------------------------------------------------

/** Every queue, with the payload its jobs carry and the name of those jobs. */
export const QUEUE = {
  ingest: 'pipeline-ingest',
  document: 'pipeline-document',
  face: 'pipeline-face',
  speech: 'pipeline-speech',
  decide: 'pipeline-decide',
  outbox: 'outbox',
  notify: 'notify',
  expiry: 'review-expiry',
  retention: 'retention',
} as const;
export type QueueKey = keyof typeof QUEUE;
export type QueueName = (typeof QUEUE)[QueueKey];

export interface JobOf {
  ingest: IngestJob;
  document: DocumentJob;
  face: FaceJob;
  speech: SpeechJob;
  decide: DecideJob;
  outbox: OutboxJob;
  notify: DeliverJob;
  expiry: ExpireJob;
  retention: RetentionJob;
}

/** Job names of the queues whose jobs are all of one kind (stage jobs are named after their stage). */
export const DELIVER_JOB = 'deliver';
export const EXPIRE_JOB = 'expire';
export const RETENTION_JOB = 'sweep';
/** The job scheduler of the periodic retention run (one per deployment, whatever the number of workers). */
export const RETENTION_SCHEDULER_ID = 'retention-sweep';

/**
 * BullMQ `prefix` option: every queue of this deployment lives under it (QUEUE_PREFIX config). The braces are a
 * Redis Cluster hash tag: every key of every queue hashes to one slot, as BullMQ's multi-key scripts and flows
 * (a parent and its children in other queues) require on a cluster; on one server they change nothing.
 */
export function bullPrefix(queuePrefix: string): string {
  return `{${queuePrefix}}:bull`;
}

// ---- job ids: deterministic, so that adding the same job twice is a no-op while the first exists --------
// (recovery sweeps, duplicate submits). BullMQ forbids ':' and pure integers in custom ids.

export function stageJobId(stage: Stage, caseId: string, attempt: number): string {
  return `${stage}.${caseId}.${attempt}`;
}
export function outboxJobId(outboxId: string): string {
  return `outbox.${outboxId}`;
}
export function deliveryJobId(deliveryId: number): string {
  return `delivery.${deliveryId}`;
}
/** One job per case and deadline. */
export function expiryJobId(caseId: string, deadline: Date): string {
  return `expire.${caseId}.${deadline.getTime()}`;
}

// ---- retries and retention ---------------------------------------------------------------------------

export interface RetryPolicy {
  /** Total attempts, the first one included. */
  attempts: number;
  /** First retry delay in ms, doubled each time (exponential backoff). */
  backoffMs: number;
}

const WEEK_S = 7 * 24 * 3600;

/**
 * Pipeline stage jobs. Results live in the database; Redis keeps jobs only long enough for ops to look at
 * them (failed ones a week: the recovery sweep retries a failed job it finds).
 */
export function stageJobOptions(r: RetryPolicy): JobsOptions {
  return {
    attempts: r.attempts,
    backoff: { type: 'exponential', delay: r.backoffMs },
    removeOnComplete: { age: 3600, count: 5000 },
    removeOnFail: { age: WEEK_S },
  };
}

/** Outbox deliveries: a failed row stays in the database for ops; its job a month in bull-board. */
export function outboxJobOptions(r: RetryPolicy): JobsOptions {
  return {
    attempts: r.attempts,
    backoff: { type: 'exponential', delay: r.backoffMs },
    removeOnComplete: { age: 3600 },
    removeOnFail: { age: 30 * 24 * 3600 },
  };
}

/** Activation deliveries: the delivery row is the durable record; failed jobs stay a week for bull-board. */
export function deliveryJobOptions(r: RetryPolicy): JobsOptions {
  return {
    attempts: r.attempts,
    backoff: { type: 'exponential', delay: r.backoffMs },
    removeOnComplete: true,
    removeOnFail: { age: WEEK_S },
  };
}

/** The expiry job fires a little after the deadline, so that its handler never sees "not due yet". */
export function expiryJobOptions(deadline: Date, now = Date.now()): JobsOptions {
  return {
    delay: Math.max(0, deadline.getTime() - now + 1000),
    attempts: 10,
    backoff: { type: 'exponential', delay: 2000 },
    removeOnComplete: true,
    removeOnFail: { age: WEEK_S },
  };
}

/** Retention runs: the receipts live in the audit trail; Redis keeps the last runs for bull-board. */
export function retentionJobOptions(): JobsOptions {
  return { removeOnComplete: { count: 50 }, removeOnFail: { count: 50 } };
}
