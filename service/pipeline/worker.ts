// The pipeline's worker side: one BullMQ Worker per stage queue running the handlers, the sandboxed child
// pool for document and speech, the face engine, and the recovery sweep.
import { ChildPool, Worker, type Job } from 'bullmq';
// Not re-exported by the package index (default export); the same module BullMQ uses for file processors.
import { createRequire } from 'node:module';
import type { Logger } from 'pino';
import type { Config } from '../config/index.js';
import { resolveEntry } from '../shared/entry.js';
import { sweepWorkDirs, type MediaStore } from '../storage/index.js';
import { leaseHolder } from '../db/lease.js';
import { createFaceAdapter, type FaceAdapter } from './engines/face.js';
import { probeVideo } from './engines/media.js';
import { documentSettings, faceCaptureLimits, faceThresholds, policyConfig } from './policy-config.js';
import { enqueueAnalysis, recoverStale } from './graph.js';
import {
  handleDecide,
  handleFace,
  handleIngest,
  handleSandboxed,
  recordLostStage,
  type FraudHooks,
  type HandlerDeps,
  type StageRun,
} from './handlers.js';
import { QUEUE, type PipelineJob, type RetryPolicy } from './jobs.js';
import type { PipelineQueues } from './queues.js';
import type { PipelineRepository } from './pipeline-repository.js';
import type { SandboxPayload } from './sandbox/payload.js';

type SandboxFactory = (file: string, pool: ChildPool) => (job: Job, token?: string) => Promise<unknown>;
const require = createRequire(import.meta.url);
const sandbox = (require('bullmq/dist/cjs/classes/sandbox.js') as { default: SandboxFactory }).default;
/** BullMQ's child bootstrap (its default is computed from the working directory). */
const CHILD_MAIN = require.resolve('bullmq/dist/cjs/classes/main.js');

/** The deployment-wide lease of the recovery sweep (db/lease.ts). */
export const SWEEP_LEASE = 'pipeline-recovery-sweep';

/** How long shutdown waits for running stages before interrupting them. */
const SHUTDOWN_GRACE_MS = 8_000;

export interface PipelineWorkerOptions {
  config: Config;
  logger: Logger;
  cases: PipelineRepository;
  store: MediaStore;
  queues: PipelineQueues;
  /** Schedules the expiry job of a case entering review (review/expiry-queue.ts). */
  scheduleExpiry(caseId: string, deadline: Date): Promise<void>;
  /** Repeat-fraud index and look-up, QA sampling (service/fraud/hooks.ts). */
  fraud?: FraudHooks;
  /** Lock duration of active jobs (ms); a crashed worker's job is re-run after about this long. Default 15 000. */
  lockDurationMs?: number;
  /** Stalled-job check interval (ms). Default 5 000. */
  stalledIntervalMs?: number;
}

export interface PipelineWorkers {
  workers: Worker[];
  /** One recovery pass (also run periodically). */
  sweep(): Promise<number>;
  /** Resolves once the face engine is started (its worker processes load and verify the models). */
  modelsReady(): Promise<void>;
  close(): Promise<void>;
}

export function retryPolicy(c: Pick<Config, 'PIPELINE_ATTEMPTS' | 'PIPELINE_BACKOFF_MS'>): RetryPolicy {
  return { attempts: c.PIPELINE_ATTEMPTS, backoffMs: c.PIPELINE_BACKOFF_MS };
}

/** Runs of a job so far, the current one included: failed attempts and stalls. */
function runsSoFar(job: Job): number {
  return job.attemptsMade + (job.stalledCounter ?? 0) + 1;
}

/** The handlers' view of a BullMQ job. attemptsMade counts the attempts already failed. */
function stageRun(job: Job<PipelineJob>): StageRun {
  return {
    caseId: job.data.caseId,
    attempt: job.data.attempt,
    // Stalls (the worker lost mid-run) use up runs as errors do.
    lastAttempt: runsSoFar(job) >= (job.opts.attempts ?? 1),
    progress: (p) => job.updateProgress(p),
  };
}

export async function startPipelineWorkers(o: PipelineWorkerOptions): Promise<PipelineWorkers> {
  const { config, logger, queues } = o;
  const retry = retryPolicy(config);
  const holder = leaseHolder();
  // Plaintext copies left by a killed predecessor go before any new work starts.
  const wiped = await sweepWorkDirs(o.store.workRoot);
  if (wiped) logger.info({ wiped }, 'removed work directories of dead processes');
  const entry = resolveEntry(import.meta.url, './sandbox/analysis-processor');
  const pool = new ChildPool({
    mainFile: CHILD_MAIN,
    workerForkOptions: { execArgv: entry.execArgv, env: { ...process.env, LOG_LEVEL: 'silent' } } as never,
  });
  const runSandboxed = sandbox(entry.file, pool);
  const jobs = new WeakMap<StageRun, Job>();

  let face: FaceAdapter | undefined;
  const getFace = async () =>
    (face ??= createFaceAdapter(config.FACE_WORKERS, faceThresholds(config), faceCaptureLimits(config)));

  const deps: HandlerDeps = {
    cases: o.cases,
    store: o.store,
    logger,
    policy: policyConfig(config),
    document: documentSettings(config),
    challengeTtlMinutes: config.CHALLENGE_TTL_MINUTES,
    sla: { slaWorkingHours: config.SLA_WORKING_HOURS, atRiskHours: config.SLA_AT_RISK_HOURS },
    engines: {
      probe: (path) => probeVideo(path),
      face: getFace,
      analyse(run: StageRun, payload: SandboxPayload) {
        const job = jobs.get(run)!;
        // The child gets the prepared payload in place of the stored job data (paths exist only here).
        const view = Object.create(job) as Job;
        view.asJSONSandbox = () => ({ ...job.asJSONSandbox(), data: JSON.stringify(payload) });
        return runSandboxed(view, job.token ?? '') as Promise<unknown>;
      },
    },
    enqueueAnalysis: (ref) => enqueueAnalysis(queues, ref, retry),
    scheduleExpiry: o.scheduleExpiry,
    ...(o.fraud ? { fraud: o.fraud } : {}),
  };

  const common = {
    prefix: queues.prefix,
    lockDuration: o.lockDurationMs ?? 15_000,
    stalledInterval: o.stalledIntervalMs ?? 5_000,
    // A stall uses one of the PIPELINE_ATTEMPTS runs, as an error does: after `attempts` lost runs BullMQ fails
    // the job ("stalled more than allowable limit") and the failed listener below records why.
    maxStalledCount: Math.max(0, config.PIPELINE_ATTEMPTS - 1),
  };
  const make = (name: string, concurrency: number, fn: (run: StageRun) => Promise<unknown>) =>
    new Worker<PipelineJob>(
      name,
      (job) => {
        const run = stageRun(job);
        jobs.set(run, job);
        return fn(run);
      },
      { ...common, concurrency, connection: queues.workerConnection() },
    );

  const cpu = config.PIPELINE_CONCURRENCY;
  const workers = [
    make(QUEUE.ingest, 4, (r) => handleIngest(deps, r)),
    make(QUEUE.document, cpu, (r) => handleSandboxed(deps, r, 'document')),
    make(QUEUE.speech, cpu, (r) => handleSandboxed(deps, r, 'speech')),
    make(QUEUE.face, config.FACE_WORKERS, (r) => handleFace(deps, r)),
    make(QUEUE.decide, 4, (r) => handleDecide(deps, r)),
  ];
  for (const w of workers) {
    w.on('error', (err) => logger.warn({ queue: w.name, err: err.message }, 'worker error'));
    // An analysis stalled past its limit never ran its handler's failure path: its row records the cause (the
    // decide join then answers PROCESSING_FAILED for it). Other final failures were recorded by the handler.
    w.on('failed', (job, err) => {
      if (!job || !/stalled/i.test(err.message)) return;
      const { stage, caseId, attempt } = job.data;
      if (stage !== 'document' && stage !== 'face' && stage !== 'speech') return;
      recordLostStage(deps, { caseId, attempt }, stage, runsSoFar(job)).catch((e: unknown) =>
        logger.error({ err: (e as Error).message }, 'could not record the lost stage'),
      );
    });
  }

  /**
   * Cases left in `processing` (Redis data lost, a crash between steps, a job that failed for good before its
   * failure could be followed, or one stalled too often) get their job run again.
   */
  const sweep = async () => {
    // Plaintext copies of processes that died (SIGKILL, OOM) go first: every process sweeps its own host.
    await sweepWorkDirs(o.store.workRoot);
    // The recovery itself runs in one worker process of the deployment at a time (the lease holder renews it
    // every period; another takes over two periods after it died), so that several workers never re-add or
    // retry the same case's job at once.
    if (!(await o.cases.tryLease(SWEEP_LEASE, holder, config.PIPELINE_SWEEP_SECONDS * 2000))) return 0;
    return recoverStale(queues, o.cases, retry, new Date(Date.now() - config.PIPELINE_SWEEP_SECONDS * 2000));
  };
  const timer = setInterval(() => {
    sweep().catch((e: unknown) => logger.warn({ err: (e as Error).message }, 'pipeline sweep failed'));
  }, config.PIPELINE_SWEEP_SECONDS * 1000);
  timer.unref();

  return {
    workers,
    sweep,
    async modelsReady() {
      await getFace();
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
      await face?.close().catch(() => undefined);
    },
  };
}
