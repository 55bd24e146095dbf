// The scheduled retention job: a BullMQ job scheduler (one per deployment, whatever the number of worker
// processes) runs the purge sweep every RETENTION_SWEEP_MINUTES, builds evidence files the outbox may have missed,
// and exports a signed anchor of the audit chain head.
import { Queue, Worker } from 'bullmq';
import type { Logger } from 'pino';
import type { Db } from '../db/index.js';
import { createRedis } from '../infra/redis.js';
import type { EvidenceService } from '../evidence/service.js';
import type { SigningKey } from '../evidence/keys.js';
import { createAnchor, exportAnchor } from '../evidence/anchor.js';
import { listFinalCasesWithoutEvidence } from '../evidence/evidence-repository.js';
import { runRetentionSweep, type PurgeDeps, type SweepSummary } from './purge.js';

export const RETENTION_QUEUE = 'retention';
export const RETENTION_SCHEDULER_ID = 'retention-sweep';

export interface RetentionJobDeps extends PurgeDeps {
  db: Db;
  logger: Logger;
  evidence: EvidenceService;
  signingKey: SigningKey;
  redisUrl: string;
  prefix: string;
  everyMinutes: number;
  anchorDir: string;
  now?: () => Date;
}

export interface RetentionRun extends SweepSummary {
  evidenceBuilt: number;
  anchor: { seq: number; file: string };
}

/** One run: evidence safety net, purges, anchor. Also what `idv retention sweep` runs. */
export async function runRetentionJob(
  d: Omit<RetentionJobDeps, 'redisUrl' | 'prefix' | 'everyMinutes'>,
): Promise<RetentionRun> {
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

export async function startRetentionJobs(d: RetentionJobDeps): Promise<RetentionJobs> {
  const conn = createRedis(d.redisUrl);
  conn.on('error', () => undefined); // reconnects by itself
  const queue = new Queue(RETENTION_QUEUE, { connection: conn, prefix: d.prefix });
  await queue.upsertJobScheduler(
    RETENTION_SCHEDULER_ID,
    { every: d.everyMinutes * 60_000 },
    { name: 'sweep', opts: { removeOnComplete: { count: 50 }, removeOnFail: { count: 50 } } },
  );
  const workerConn = createRedis(d.redisUrl);
  workerConn.on('error', () => undefined);
  const worker = new Worker(
    RETENTION_QUEUE,
    async () => {
      const r = await runRetentionJob(d);
      d.logger.info({ retention: { ...r, anchor: { seq: r.anchor.seq } } }, 'retention sweep done');
      return r;
    },
    { connection: workerConn, prefix: d.prefix, concurrency: 1 },
  );
  worker.on('error', (err) => d.logger.warn({ err: err.message }, 'retention worker error'));
  worker.on('failed', (_job, err) => d.logger.error({ err: err.message }, 'retention sweep failed'));
  return {
    async runNow() {
      const job = await queue.add(
        'sweep',
        {},
        { removeOnComplete: { count: 50 }, removeOnFail: { count: 50 } },
      );
      for (;;) {
        const state = await job.getState();
        if (state === 'completed') return (await queue.getJob(job.id!))!.returnvalue as RetentionRun;
        if (state === 'failed')
          throw new Error(`retention sweep failed: ${(await queue.getJob(job.id!))?.failedReason}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async close() {
      await worker.close().catch(() => undefined);
      await queue.close().catch(() => undefined);
      conn.disconnect();
      workerConn.disconnect();
    },
  };
}
