// Queue metrics on a real Redis with a fresh prefix: real BullMQ queues and workers, the ops listeners
// reading the event stream, and the numbers read back from the registry.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue, Worker } from 'bullmq';
import type { RedisClient as Redis } from '../../service/infra/redis.js';
import { createRedis } from '../../service/infra/redis.js';
import type { Db } from '../../service/db/index.js';
import { freshDb } from './fresh-db.js';
import { createOpsMetrics, type OpsMetrics } from '../../service/ops/metrics.js';
import { watchQueues, type QueueWatch } from '../../service/ops/queue-watch.js';
import {
  parsePromText,
  histogramBuckets,
  histogramQuantile,
  type Sample,
} from '../../service/ops/prom-text.js';
import { REDIS_URL } from '../helpers/env.js';

const prefix = `tops${Date.now().toString(36)}`;
const Q = { fast: 'ops-fast', retry: 'ops-retry', fail: 'ops-fail', stall: 'ops-stall' };
const watched = Object.values(Q).map((name) => ({ name, prefix, stage: `stage-${name}` }));

let conn: Redis;
let db: Db;
let fresh: Awaited<ReturnType<typeof freshDb>> | undefined;
let metrics: OpsMetrics;
let watch: QueueWatch;
const queues: Record<string, Queue> = {};
const workers: Worker[] = [];

async function scrape(): Promise<Sample[]> {
  return parsePromText(await metrics.registry.metrics());
}
const value = (s: Sample[], name: string, labels: Record<string, string> = {}) =>
  s
    .filter((x) => x.name === name && Object.entries(labels).every(([k, v]) => x.labels[k] === v))
    .reduce((a, x) => a + x.value, 0);

async function until(cond: () => Promise<boolean> | boolean, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  conn = createRedis(REDIS_URL);
  fresh = await freshDb();
  db = fresh.db;
  for (const [k, name] of Object.entries(Q)) queues[k] = new Queue(name, { connection: conn, prefix });
  metrics = createOpsMetrics({
    db,
    queues: Object.values(queues),
    sla: { slaWorkingHours: 48, atRiskHours: 12 },
  });
  watch = watchQueues(REDIS_URL, watched, metrics.observer);
  await watch.ready;
});

afterAll(async () => {
  await Promise.all(workers.map((w) => w.close()));
  await watch?.close();
  for (const q of Object.values(queues)) {
    await q.obliterate({ force: true }).catch(() => undefined);
    await q.close();
  }
  conn?.disconnect();
  await fresh?.drop();
});

describe('queue metrics', () => {
  it('counts jobs per state at scrape time', async () => {
    await queues.fast!.add('j', { i: 1 });
    await queues.fast!.add('j', { i: 2 });
    await queues.fast!.add('j', { i: 3 }, { delay: 60_000 });
    const s = await scrape();
    expect(value(s, 'idv_queue_jobs', { queue: Q.fast, state: 'waiting' })).toBe(2);
    expect(value(s, 'idv_queue_jobs', { queue: Q.fast, state: 'delayed' })).toBe(1);
    expect(value(s, 'idv_queue_jobs', { queue: Q.fast, state: 'active' })).toBe(0);
    await queues.fast!.obliterate({ force: true });
  });

  it('a job delayed 2 s and picked as soon as ready records a wait well under 2 s; processing time is recorded', async () => {
    const w = new Worker(Q.fast, async () => new Promise((r) => setTimeout(r, 300)), {
      connection: createRedis(REDIS_URL),
      prefix,
    });
    workers.push(w);
    await w.waitUntilReady();
    const job = await queues.fast!.add('delayed', {}, { delay: 2000 });
    await until(async () => (await job.getState()) === 'completed');
    await until(async () => value(await scrape(), 'idv_queue_wait_seconds_count', { queue: Q.fast }) === 1);
    const s = await scrape();
    const wait = value(s, 'idv_queue_wait_seconds_sum', { queue: Q.fast });
    const done = (await queues.fast!.getJob(job.id!))!;
    expect(done.processedOn! - done.timestamp).toBeGreaterThanOrEqual(1900); // it really was delayed
    expect(wait).toBeGreaterThanOrEqual(0);
    expect(wait).toBeLessThan(0.5);
    // Histogram buckets: the observation sits below 0.5 s.
    expect(
      histogramQuantile(
        1,
        histogramBuckets(s, 'idv_queue_wait_seconds', (l) => l.queue === Q.fast),
      ),
    ).toBeLessThanOrEqual(0.5);
    await until(
      async () =>
        value(await scrape(), 'idv_stage_duration_seconds_count', { stage: `stage-${Q.fast}` }) === 1,
    );
    const proc = value(await scrape(), 'idv_stage_duration_seconds_sum', { stage: `stage-${Q.fast}` });
    expect(proc).toBeGreaterThan(0.25);
    expect(proc).toBeLessThan(2);
  });

  it('a job that waits for a busy worker records that wait', async () => {
    // Concurrency 1 and a 700 ms job: the second job waits ~700 ms after becoming ready.
    const before = value(await scrape(), 'idv_queue_wait_seconds_count', { queue: Q.fast });
    const sumBefore = value(await scrape(), 'idv_queue_wait_seconds_sum', { queue: Q.fast });
    await workers[0]!.close();
    workers.shift();
    const w = new Worker(Q.fast, async () => new Promise((r) => setTimeout(r, 700)), {
      connection: createRedis(REDIS_URL),
      prefix,
      concurrency: 1,
    });
    workers.push(w);
    await w.waitUntilReady();
    const a = await queues.fast!.add('a', {});
    const b = await queues.fast!.add('b', {});
    await until(async () => (await a.getState()) === 'completed' && (await b.getState()) === 'completed');
    await until(
      async () => value(await scrape(), 'idv_queue_wait_seconds_count', { queue: Q.fast }) === before + 2,
    );
    const added = value(await scrape(), 'idv_queue_wait_seconds_sum', { queue: Q.fast }) - sumBefore;
    expect(added).toBeGreaterThan(0.55);
    expect(added).toBeLessThan(1.5);
  });

  it("a retried job's wait excludes its backoff; a final failure counts once", async () => {
    let calls = 0;
    const w = new Worker(
      Q.retry,
      async () => {
        calls++;
        if (calls === 1) throw new Error('first attempt fails');
        return 'ok';
      },
      { connection: createRedis(REDIS_URL), prefix },
    );
    workers.push(w);
    await w.waitUntilReady();
    const job = await queues.retry!.add('r', {}, { attempts: 3, backoff: { type: 'fixed', delay: 1500 } });
    await until(async () => (await job.getState()) === 'completed');
    await until(async () => value(await scrape(), 'idv_queue_wait_seconds_count', { queue: Q.retry }) === 2);
    const s = await scrape();
    const done = (await queues.retry!.getJob(job.id!))!;
    expect(done.attemptsMade).toBe(2); // BullMQ 5 counts the failed attempt and the successful one
    expect(done.processedOn! - done.timestamp).toBeGreaterThanOrEqual(1400); // the second attempt started after the backoff
    expect(value(s, 'idv_queue_wait_seconds_sum', { queue: Q.retry })).toBeLessThan(0.6); // both attempts together
    expect(value(s, 'idv_jobs_failed_total', { queue: Q.retry })).toBe(0); // a retried attempt is not a failure

    const wf = new Worker(
      Q.fail,
      async (): Promise<void> => {
        throw new Error('always');
      },
      { connection: createRedis(REDIS_URL), prefix },
    );
    workers.push(wf);
    await queues.fail!.add('f', {}, { attempts: 2, backoff: { type: 'fixed', delay: 100 } });
    await until(async () => value(await scrape(), 'idv_jobs_failed_total', { queue: Q.fail }) === 1);
    expect(value(await scrape(), 'idv_queue_jobs', { queue: Q.fail, state: 'failed' })).toBe(1);
  });

  it('counts a stalled job', async () => {
    // A worker takes the job and never renews its lock (as when its process is killed); another worker's
    // stall check moves it back to wait.
    const taker = new Worker(Q.stall, null, {
      connection: createRedis(REDIS_URL),
      prefix,
      lockDuration: 500,
    });
    workers.push(taker);
    await queues.stall!.add('s', {});
    const taken = await taker.getNextJob('dead-worker-token');
    expect(taken).toBeDefined();
    const checker = new Worker(Q.stall, async () => 'recovered', {
      connection: createRedis(REDIS_URL),
      prefix,
      stalledInterval: 500,
      lockDuration: 2000,
    });
    workers.push(checker);
    await until(async () => value(await scrape(), 'idv_jobs_stalled_total', { queue: Q.stall }) >= 1, 20_000);
    await until(async () => (await queues.stall!.getJobCounts('completed')).completed === 1);
  });
});
