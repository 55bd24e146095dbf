// Issue #17 items 2 and 9: while Redis or PostgreSQL is down, requests fail fast with 503 + Retry-After (submit
// still answers 202 once its commit is done), nothing a client was refused takes effect when the dependency
// returns, and a worker started during a PostgreSQL outage waits for it instead of exiting.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync, type ChildProcess } from 'node:child_process';
import { startService, type RunningService } from '../../service/server.js';
import { testConfig } from '../helpers/env.js';
import { fixtureCase, type FixtureCase } from '../helpers/fixtures.js';
import { ApiClient, identityOf, type Created } from '../api/client.js';
import { spawnWorker, stopWorker, workerEnv } from '../pipeline/workers.js';
import { startPrivatePg, startPrivateRedis, type PrivatePg, type PrivateRedis } from './private-servers.js';

let pgs: PrivatePg;
let redis: PrivateRedis;
let svc: RunningService;
let api: ApiClient;
let fx: FixtureCase;
let worker: ChildProcess | undefined;

beforeAll(async () => {
  [pgs, redis] = await Promise.all([startPrivatePg(), startPrivateRedis()]);
  svc = await startService(
    testConfig({
      ROLE: 'api',
      DATABASE_URL: pgs.url,
      REDIS_URL: redis.url,
      FACE_WORKERS: '1',
      PIPELINE_CONCURRENCY: '1',
      PIPELINE_SWEEP_SECONDS: '2',
    }),
  );
  api = new ApiClient(svc.url!, svc.runtime.config.API_KEYS[0]!);
  fx = await fixtureCase({ attack: 'none', seed: 1, formats: ['webm'] });
}, 300_000);

afterAll(async () => {
  if (worker) await stopWorker(worker);
  await svc?.stop();
  await redis?.destroy();
  await pgs?.destroy();
});

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const t0 = Date.now();
  const value = await fn();
  return { value, ms: Date.now() - t0 };
}

async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  const r = await fetch(svc.url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return {
    status: r.status,
    retryAfter: r.headers.get('retry-after'),
    body: (await r.json()) as { error?: { code: string } },
  };
}

let submitted: Created;

describe('Redis outage', () => {
  it('submit answers 202 after its commit, other requests 503 at once, a refused activation is never counted', async () => {
    const c = await api.create(identityOf(fx), fx.truth.lang);
    await api.challenge(c.token);
    for (const [kind, path] of [
      ['front', fx.front],
      ['video', fx.webm!],
    ] as const)
      expect((await api.upload(c.token, kind, path)).status).toBe(201);
    await redis.stop();
    const sub = await timed(() => api.submit(c.token));
    expect(sub.value.status).toBe(202);
    expect(sub.ms).toBeLessThan(5000);
    submitted = c;
    const row = await svc.runtime.db.query<{ status: string }>('SELECT status FROM cases WHERE id = $1', [
      c.id,
    ]);
    expect(row.rows[0]!.status).toBe('processing');

    const act = await timed(() => post('/v1/activations', { reference: c.reference, code: '123456' }));
    expect(act.value.status).toBe(503);
    expect(act.value.retryAfter).toMatch(/^\d+$/);
    expect(act.value.body.error?.code).toBe('service_unavailable');
    expect(act.ms).toBeLessThan(3000);
    const read = await timed(() =>
      fetch(`${svc.url}/v1/verifications/${c.id}`, {
        headers: { 'x-api-key': svc.runtime.config.API_KEYS[0]! },
      }),
    );
    expect(read.value.status).toBe(503);
    expect(read.ms).toBeLessThan(3000);

    await redis.start();
    // Once Redis answers again requests go through; nothing queued during the outage ran afterwards.
    const end = Date.now() + 20_000;
    for (;;) {
      const r = await fetch(`${svc.url}/v1/applicant/status`, {
        headers: { authorization: `Bearer ${c.token}` },
      });
      if (r.status === 200) break;
      if (Date.now() > end) throw new Error(`API still ${r.status} after Redis returned`);
      await new Promise((res) => setTimeout(res, 250));
    }
    await new Promise((res) => setTimeout(res, 1000));
    const keys = spawnSync('redis-cli', ['-p', String(redis.port), '--scan', '--pattern', '*act-*'], {
      encoding: 'utf8',
    });
    expect(keys.stdout.trim()).toBe('');
  }, 120_000);
});

describe('PostgreSQL outage', () => {
  it('requests answer 503 + Retry-After at once; a worker started meanwhile waits and then works', async () => {
    await pgs.stop();
    for (const [label, req] of [
      [
        'status',
        () =>
          fetch(`${svc.url}/v1/applicant/status`, {
            headers: { authorization: `Bearer ${submitted.token}` },
          }),
      ],
      [
        'create',
        () =>
          fetch(`${svc.url}/v1/verifications`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-api-key': svc.runtime.config.API_KEYS[0]! },
            body: JSON.stringify({ applicant: identityOf(fx) }),
          }),
      ],
    ] as const) {
      const r = await timed(req);
      expect(r.value.status, label).toBe(503);
      expect(r.value.headers.get('retry-after'), label).toMatch(/^\d+$/);
      expect(r.ms, label).toBeLessThan(6000);
    }
    worker = spawnWorker(workerEnv(svc.runtime.config));
    await new Promise((res) => setTimeout(res, 4000));
    expect(worker.exitCode, 'the worker exited during the outage').toBeNull();
    await pgs.start();
    // The worker connects, migrates, and its start-up sweep picks up the case submitted during the Redis outage.
    const end = Date.now() + 120_000;
    for (;;) {
      const r = await svc.runtime.db
        .query("SELECT 1 FROM stage_results WHERE case_id = $1 AND stage = 'ingest'", [submitted.id])
        .catch(() => ({ rowCount: 0 }));
      if (r.rowCount) break;
      expect(worker.exitCode).toBeNull();
      if (Date.now() > end) throw new Error('the worker never processed the case');
      await new Promise((res) => setTimeout(res, 500));
    }
    const ok = await fetch(`${svc.url}/v1/applicant/status`, {
      headers: { authorization: `Bearer ${submitted.token}` },
    });
    expect(ok.status).toBe(200);
  }, 240_000);
});
