// The scheduled retention job: a BullMQ job scheduler on the `retention` queue (pipeline/jobs.ts; one scheduler per
// deployment, whatever the number of worker processes) runs every RETENTION_SWEEP_MINUTES: it builds evidence files
// the outbox may have missed, runs the purges, and exports a signed anchor of the audit chain head.
import { Worker } from 'bullmq';
import type { Logger } from 'pino';
import type { Db } from '../db/index.js';
import type { EvidenceService } from '../evidence/service.js';
import type { SigningKey } from '../evidence/keys.js';
import { createAnchor, exportAnchor } from '../evidence/anchor.js';
import { listFinalCasesWithoutEvidence } from '../evidence/evidence-repository.js';
import {
  QUEUE,
  RETENTION_JOB,
  RETENTION_SCHEDULER_ID,
  retentionJobOptions,
  type RetentionJob,
} from '../pipeline/jobs.js';
import type { PipelineQueues } from '../pipeline/queues.js';
import { runRetentionSweep, type PurgeDeps, type SweepSummary } from './purge.js';

export { RETENTION_SCHEDULER_ID };

export interface RetentionRunDeps extends PurgeDeps {
  db: Db;
  evidence: EvidenceService;
  signingKey: SigningKey;
  anchorDir: string;
  /** Clock (tests, `idv retention sweep --now`). Default: the system clock. */
  now?: () => Date;
}

export interface RetentionRun extends SweepSummary {
  evidenceBuilt: number;
  anchor: { seq: number; file: string };
}

/** One run: evidence safety net, purges, anchor. Also what `idv retention sweep` runs. */
export async function runRetentionJob(d: RetentionRunDeps): Promise<RetentionRun> {
  const now = (d.now ?? (() => new Date()))();
  let evidenceBuilt = 0;
  for (const id of await listFinalCasesWithoutEvidence(d.db)) {
    if ((await d.evidence.build(id)).status === 'built') evidenceBuilt++;
  }
  const summary = await runRetentionSweep(d, now);
  const anchor = await createAnchor(d.db, d.signingKey, now);
  const file = exportAnchor(anchor, d.anchorDir);
  return { ...summary, evidenceBuilt, anchor: { seq: anchor.seq, file } };
}

export interface RetentionJobs {
  /** Queues one run now (besides the schedule) and resolves with its result. */
  runNow(): Promise<RetentionRun>;
  close(): Promise<void>;
}

export async function startRetentionJobs(
  d: RetentionRunDeps & { queues: PipelineQueues; logger: Logger; everyMinutes: number },
): Promise<RetentionJobs> {
  const queue = d.queues.retention;
  // BullMQ runs an `every` scheduler's first job at once: a run at start-up, then one per interval.
  await queue.upsertJobScheduler(
    RETENTION_SCHEDULER_ID,
    { every: d.everyMinutes * 60_000 },
    { name: RETENTION_JOB, data: {}, opts: retentionJobOptions() },
  );
  const worker = new Worker<RetentionJob, RetentionRun>(
    QUEUE.retention,
    async () => {
      const r = await runRetentionJob(d);
      d.logger.info({ retention: { ...r, anchor: { seq: r.anchor.seq } } }, 'retention run done');
      return r;
    },
    { connection: d.queues.workerConnection(), prefix: d.queues.prefix, concurrency: 1 },
  );
  worker.on('error', (err) => d.logger.warn({ err: err.message }, 'retention worker error'));
  worker.on('failed', (_job, err) => d.logger.error({ err: err.message }, 'retention run failed'));
  return {
    async runNow() {
      const job = await queue.add(RETENTION_JOB, {}, retentionJobOptions());
      for (;;) {
        const state = await job.getState();
        if (state === 'completed')
          return (await queue.getJob(job.id!))!.returnvalue as unknown as RetentionRun;
        if (state === 'failed')
          throw new Error(`retention run failed: ${(await queue.getJob(job.id!))?.failedReason}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async close() {
      await worker.close().catch(() => undefined);
    },
  };
}
