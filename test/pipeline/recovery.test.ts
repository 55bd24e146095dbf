// The recovery sweep on real Redis: a case left in `processing` whose job BullMQ keeps as failed is run again
// (adding a job with the same id is a no-op while the failed one is kept).
import { afterAll, describe, expect, it } from 'vitest';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { createPipelineQueues } from '../../service/pipeline/queues.js';
import { enqueueIngest, recoverStale } from '../../service/pipeline/graph.js';
import { QUEUE, stageJobId, type PipelineJob } from '../../service/pipeline/jobs.js';
import { REDIS_URL } from '../helpers/env.js';
import { memoryPipelineRepository } from './fakes.js';

const queues = createPipelineQueues(REDIS_URL, `trec${Date.now().toString(36)}`);
const retry = { attempts: 3, backoffMs: 50 };
let worker: Worker<PipelineJob> | undefined;

afterAll(async () => {
  await worker?.close();
  await queues.ingest.obliterate({ force: true }).catch(() => undefined);
  await queues.close();
});

async function until<T>(f: () => Promise<T | undefined>, ms = 15_000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() - t0 > ms) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('recovery sweep', () => {
  it('retries a failed job of a stale case with a fresh budget', async () => {
    const cases = memoryPipelineRepository();
    const c = cases.addCase({ updatedAt: new Date(Date.now() - 3600_000) });
    const ref = { caseId: c.id, attempt: 1 };
    const runs: number[] = [];
    worker = new Worker<PipelineJob>(
      QUEUE.ingest,
      async (job: Job<PipelineJob>) => {
        runs.push(job.attemptsMade);
        if (runs.length === 1) throw new UnrecoverableError('the database was unreachable');
        return 'done';
      },
      { connection: queues.workerConnection(), prefix: queues.prefix },
    );
    await enqueueIngest(queues, ref, retry);
    const id = stageJobId('ingest', c.id, 1);
    await until(async () => ((await (await queues.ingest.getJob(id))?.isFailed()) ? true : undefined));
    // What the sweep used to do: BullMQ ignores the add while it keeps the failed job.
    await enqueueIngest(queues, ref, retry);
    await new Promise((r) => setTimeout(r, 500));
    expect(runs).toHaveLength(1);
    expect(await (await queues.ingest.getJob(id))!.getState()).toBe('failed');

    expect(await recoverStale(queues, cases, retry, new Date())).toBe(1);
    const state = await until(async () => {
      const s = await (await queues.ingest.getJob(id))?.getState();
      return s === 'completed' ? s : undefined;
    });
    expect(state).toBe('completed');
    expect(runs).toEqual([0, 0]); // run again, with its attempts reset
  });

  it('leaves a live job alone and adds a missing one', async () => {
    const cases = memoryPipelineRepository();
    const c = cases.addCase({ updatedAt: new Date(Date.now() - 3600_000) });
    await recoverStale(queues, cases, retry, new Date());
    const id = stageJobId('ingest', c.id, 1);
    const job = await until(async () => (await queues.ingest.getJob(id)) ?? undefined);
    expect(job.data).toEqual({ stage: 'ingest', caseId: c.id, attempt: 1 });
  });
});
