// The pipeline's worker process side: one BullMQ Worker per stage queue, the sandboxed child pool for
// document and speech, the face engine, the failure hooks and the recovery sweep.
import { ChildPool, Worker, type Job, type Processor } from 'bullmq';
// Not re-exported by the package index (default export); the same module BullMQ uses for file processors.
import { createRequire } from 'node:module';

type SandboxFactory = (file: string, pool: ChildPool) => (job: Job, token?: string) => Promise<unknown>;
const require = createRequire(import.meta.url);
const sandbox = (require('bullmq/dist/cjs/classes/sandbox.js') as { default: SandboxFactory }).default;
/** BullMQ's child bootstrap (its default is computed from the working directory). */
const CHILD_MAIN = require.resolve('bullmq/dist/cjs/classes/main.js');
import type { Logger } from 'pino';
import type { Config } from '../config/index.js';
import type { Db } from '../db/index.js';
import { listProcessing } from '../cases/index.js';
import { resolveEntry } from '../shared/entry.js';
import type { MediaStore } from '../storage/index.js';
import { createFaceAdapter, type FaceEngine } from './engines/face.js';
import { enqueueAnalysis, enqueueIngest, type RetryPolicy } from './flow.js';
import {
  failCase,
  handleDecide,
  handleFace,
  handleIngest,
  handleSandboxed,
  type HandlerDeps,
} from './handlers.js';
import { documentSettings, faceCaptureLimits, policyConfig } from './policy-config.js';
import { QUEUE } from './queue-names.js';
import type { PipelineQueues } from './queues.js';
import type { PipelineJob } from './jobs.js';
import { computeReviewDeadline } from './review-deadline.js';
import type { SandboxPayload } from './sandbox/payload.js';

/** How long shutdown waits for running stages before interrupting them. */
const SHUTDOWN_GRACE_MS = 8_000;

export interface PipelineWorkerOptions {
  config: Config;
  logger: Logger;
  db: Db;
  store: MediaStore;
  queues: PipelineQueues;
  /** Lock duration of active jobs (ms); a crashed worker's job is re-run after about this long. Default 15 000. */
  lockDurationMs?: number;
  /** Stalled-job check interval (ms). Default 5 000. */
  stalledIntervalMs?: number;
}

export interface PipelineWorkers {
  workers: Worker[];
  /** One recovery pass (also run periodically). */
  sweep(): Promise<number>;
  /** Resolves once the face models are loaded (checksums verified) in every face worker. */
  modelsReady(): Promise<void>;
  close(): Promise<void>;
}

export function retryPolicy(c: Config): RetryPolicy {
  return { attempts: c.PIPELINE_ATTEMPTS, backoffMs: c.PIPELINE_BACKOFF_MS };
}

export async function startPipelineWorkers(o: PipelineWorkerOptions): Promise<PipelineWorkers> {
  const { config, logger, db, queues } = o;
  const retry = retryPolicy(config);
  const entry = resolveEntry(import.meta.url, './sandbox/analysis-processor');
  const pool = new ChildPool({
    mainFile: CHILD_MAIN,
    workerForkOptions: { execArgv: entry.execArgv, env: { ...process.env, LOG_LEVEL: 'silent' } } as never,
  });
  const runSandboxed = sandbox(entry.file, pool);

  let face: Promise<FaceEngine> | undefined;
  const deps: HandlerDeps = {
    db,
    store: o.store,
    logger,
    policy: policyConfig(config),
    document: documentSettings(config),
    challengeTtlMinutes: config.CHALLENGE_TTL_MINUTES,
    sla: { workingHours: config.SLA_WORKING_HOURS, atRiskHours: config.SLA_AT_RISK_HOURS },
    reviewDeadline: computeReviewDeadline,
    face() {
      face ??= createFaceAdapter(
        config.FACE_WORKERS,
        {
          accept: config.FACE_ACCEPT_SIMILARITY,
          reject: config.FACE_REJECT_SIMILARITY,
        },
        faceCaptureLimits(config),
      ).catch((e: unknown) => {
        face = undefined;
        throw e;
      });
      return face;
    },
    sandbox(job: Job, payload: SandboxPayload) {
      // The child gets the prepared payload in place of the stored job data (paths exist only here).
      const view = Object.create(job) as Job;
      view.asJSONSandbox = () => ({ ...job.asJSONSandbox(), data: JSON.stringify(payload) });
      return runSandboxed(view, job.token ?? '') as Promise<unknown>;
    },
    enqueueAnalysis: (ref) => enqueueAnalysis(queues, ref, retry),
  };

  const common = {
    prefix: queues.prefix,
    lockDuration: o.lockDurationMs ?? 15_000,
    stalledInterval: o.stalledIntervalMs ?? 5_000,
    maxStalledCount: 2,
  };
  const make = (name: string, concurrency: number, fn: Processor<PipelineJob>) =>
    new Worker<PipelineJob>(name, fn, { ...common, concurrency, connection: queues.workerConnection() });

  const cpu = config.PIPELINE_CONCURRENCY;
  const workers = [
    make(QUEUE.ingest, 4, (j) => handleIngest(deps, j)),
    make(QUEUE.document, cpu, (j) => handleSandboxed(deps, j, 'document')),
    make(QUEUE.speech, cpu, (j) => handleSandboxed(deps, j, 'speech')),
    make(QUEUE.face, config.FACE_WORKERS, (j) => handleFace(deps, j)),
    make(QUEUE.decide, 4, (j) => handleDecide(deps, j)),
  ];
  for (const w of workers) {
    w.on('error', (err) => logger.warn({ queue: w.name, err: err.message }, 'worker error'));
    w.on('failed', (job, err) => {
      if (!job) return;
      const final =
        job.attemptsMade >= (job.opts.attempts ?? 1) ||
        err.name === 'UnrecoverableError' ||
        /stalled/i.test(err.message);
      // Ingest and decide have no parent to carry on: their final failure hands the case to a human.
      if (final && (w.name === QUEUE.ingest || w.name === QUEUE.decide)) {
        failCase(deps, job.data.caseId, job.data.attempt).catch((e: unknown) =>
          logger.error({ err: (e as Error).message }, 'could not fail case'),
        );
      }
    });
  }

  /** Cases left in `processing` with no live job (Redis data lost, crash between steps) are enqueued again. */
  async function sweep(): Promise<number> {
    const stale = await listProcessing(db, new Date(Date.now() - config.PIPELINE_SWEEP_SECONDS * 2000));
    for (const c of stale) {
      await enqueueIngest(queues, { caseId: c.id, attempt: c.attempt }, retry);
      await enqueueAnalysisIfIngested(c);
    }
    return stale.length;
  }
  async function enqueueAnalysisIfIngested(c: { id: string; attempt: number }): Promise<void> {
    const r = await db.query(
      'SELECT 1 FROM stage_results WHERE case_id = $1 AND attempt = $2 AND stage = $3 AND status = $4',
      [c.id, c.attempt, 'ingest', 'ok'],
    );
    if (r.rowCount) await enqueueAnalysis(queues, { caseId: c.id, attempt: c.attempt }, retry);
  }
  const timer = setInterval(() => {
    sweep().catch((e: unknown) => logger.warn({ err: (e as Error).message }, 'pipeline sweep failed'));
  }, config.PIPELINE_SWEEP_SECONDS * 1000);
  timer.unref();

  return {
    workers,
    sweep,
    async modelsReady() {
      await deps.face();
    },
    async close() {
      clearInterval(timer);
      // Let running stages finish for a while, then force: stages are idempotent and an interrupted job
      // is recovered as stalled, whereas an orchestrator would SIGKILL a process that lingers.
      const graceful = Promise.all(workers.map((w) => w.close().catch(() => undefined)));
      const timedOut = await Promise.race([
        graceful.then(() => false),
        new Promise<boolean>((r) => setTimeout(() => r(true), SHUTDOWN_GRACE_MS).unref()),
      ]);
      if (timedOut) await Promise.all(workers.map((w) => w.close(true).catch(() => undefined)));
      await pool.clean().catch(() => undefined);
      if (face) await (await face.catch(() => undefined))?.close().catch(() => undefined);
    },
  };
}
