// The ops HTTP endpoints as the service mounts them (createOps routers in the real Express app):
// /metrics behind its bearer token, bull-board and the ops summary behind an ops/admin session.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Server } from 'node:http';
import { Queue } from 'bullmq';
import { createApp } from '../../service/api/app.js';
import { createLogger } from '../../service/logger.js';
import { createRedis } from '../../service/infra/redis.js';
import {
  CAPABILITIES,
  can,
  createReviewer,
  generatePassword,
  ROLES,
  type Role,
} from '../../service/auth/account-repository.js';
import { createSession } from '../../service/auth/session-repository.js';
import { SESSION_COOKIE } from '../../service/auth/middleware.js';
import { createOps, type Ops } from '../../service/ops/ops.js';
import { QUEUE, bullPrefix } from '../../service/pipeline/jobs.js';
import { createPipelineQueues, type PipelineQueues } from '../../service/pipeline/queues.js';
import type { RedisClient as Redis } from '../../service/infra/redis.js';
import type { Config } from '../../service/config/index.js';
import { parsePromText } from '../../service/ops/prom-text.js';
import { testConfig } from '../helpers/env.js';
import { freshDb } from './fresh-db.js';

let fresh: Awaited<ReturnType<typeof freshDb>>;
let rt: { config: Config; redis: Redis };
let ops: Ops;
let queues: PipelineQueues;
let server: Server;
let base: string;
const cookies: Partial<Record<Role, string>> = {};

beforeAll(async () => {
  fresh = await freshDb();
  const config = testConfig();
  const logger = createLogger('silent');
  rt = { config, redis: createRedis(config.REDIS_URL) };
  queues = createPipelineQueues(config.REDIS_URL, config.QUEUE_PREFIX);
  ops = createOps({ config, db: fresh.db, logger, queues });
  await ops.watching();
  const app = createApp({ logger, readiness: [], routers: ops.routers });
  server = await new Promise<Server>((r) => {
    const s = app.listen(0, '127.0.0.1', () => r(s));
  });
  const addr = server.address();
  base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  for (const role of ['reviewer', 'supervisor', 'ops', 'admin'] as const) {
    const reviewer = await createReviewer(fresh.db, {
      email: `${role}@ops.test`,
      role,
      password: generatePassword(),
    });
    const { token } = await createSession(fresh.db, config.SESSION_SECRET, reviewer);
    cookies[role] = `${SESSION_COOKIE}=${token}`;
  }
});

afterAll(async () => {
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  await ops?.close();
  await queues?.close();
  const q = new Queue(QUEUE.ingest, { connection: rt.redis, prefix: bullPrefix(rt.config.QUEUE_PREFIX) });
  await q.obliterate({ force: true }).catch(() => undefined);
  await q.close();
  rt?.redis.disconnect();
  await fresh?.drop();
});

describe('/metrics', () => {
  it('refuses a missing or wrong token with a JSON 401', async () => {
    const attempts: Array<Record<string, string>> = [
      {},
      { authorization: 'Bearer wrong-token-of-some-length' },
      { authorization: rt.config.METRICS_TOKEN },
    ];
    for (const headers of attempts) {
      const res = await fetch(`${base}/metrics`, { headers });
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
    }
  });

  it('serves every idv metric with the right token, and queue metrics move as jobs are added', async () => {
    const q = new Queue(QUEUE.ingest, { connection: rt.redis, prefix: bullPrefix(rt.config.QUEUE_PREFIX) });
    await q.add('ingest', { caseId: 'x', attempt: 1 });
    const res = await fetch(`${base}/metrics`, {
      headers: { authorization: `Bearer ${rt.config.METRICS_TOKEN}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    for (const name of [
      'idv_queue_jobs',
      'idv_queue_wait_seconds',
      'idv_stage_duration_seconds',
      'idv_decision_latency_seconds',
      'idv_jobs_failed_total',
      'idv_jobs_stalled_total',
      'idv_review_queue_depth',
      'idv_review_oldest_working_hours',
      'idv_review_at_risk',
      'idv_sla_breaches_total',
      'idv_decisions_total',
      'process_resident_memory_bytes',
    ]) {
      expect(text, name).toContain(`# TYPE ${name} `);
    }
    const waiting = parsePromText(text).find(
      (s) => s.name === 'idv_queue_jobs' && s.labels.queue === QUEUE.ingest && s.labels.state === 'waiting',
    );
    expect(waiting?.value).toBe(1);
    await q.close();
  });
});

describe('/ops/queues (bull-board)', () => {
  it('refuses without a session (401) and for reviewer and supervisor roles (403)', async () => {
    const anon = await fetch(`${base}/ops/queues`);
    expect(anon.status).toBe(401);
    for (const role of ['reviewer', 'supervisor'] as const) {
      const res = await fetch(`${base}/ops/queues`, { headers: { cookie: cookies[role]! } });
      expect(res.status, role).toBe(403);
      const api = await fetch(`${base}/ops/queues/api/queues`, { headers: { cookie: cookies[role]! } });
      expect(api.status, role).toBe(403);
    }
  });

  it('serves the board and its API to ops and admin', async () => {
    for (const role of ['ops', 'admin'] as const) {
      const res = await fetch(`${base}/ops/queues`, { headers: { cookie: cookies[role]! } });
      expect(res.status, role).toBe(200);
      expect(await res.text()).toContain('idv queues');
    }
    const api = await fetch(`${base}/ops/queues/api/queues`, { headers: { cookie: cookies.ops! } });
    expect(api.status).toBe(200);
    const body = (await api.json()) as { queues: Array<{ name: string }> };
    expect(body.queues.map((q) => q.name)).toContain(QUEUE.ingest);
  });

  it('is read-only for ops (no obliterate, empty, clean, retry, pause); an admin can act', async () => {
    const q = new Queue(QUEUE.ingest, { connection: rt.redis, prefix: bullPrefix(rt.config.QUEUE_PREFIX) });
    await q.add('ingest', { caseId: 'readonly-check', attempt: 1 });
    const before = await q.getJobCountByTypes('waiting', 'paused');
    expect(before).toBeGreaterThanOrEqual(1);
    const origin = base;
    const writes: Array<[string, string]> = [
      ['PUT', `/ops/queues/api/queues/${QUEUE.ingest}/obliterate`],
      ['PUT', `/ops/queues/api/queues/${QUEUE.ingest}/empty`],
      ['PUT', `/ops/queues/api/queues/${QUEUE.ingest}/clean/completed`],
      ['PUT', `/ops/queues/api/queues/${QUEUE.ingest}/retry/failed`],
      ['PUT', `/ops/queues/api/queues/${QUEUE.ingest}/pause`],
    ];
    for (const [method, path] of writes) {
      const res = await fetch(`${base}${path}`, { method, headers: { cookie: cookies.ops!, origin } });
      expect(res.status, path).toBe(403);
    }
    expect(await q.getJobCountByTypes('waiting', 'paused')).toBe(before);
    // The ops board says read-only (bull-board hides its buttons).
    const opsApi = (await (
      await fetch(`${base}/ops/queues/api/queues`, { headers: { cookie: cookies.ops! } })
    ).json()) as { queues: Array<{ name: string; readOnlyMode: boolean }> };
    expect(opsApi.queues.find((x) => x.name === QUEUE.ingest)?.readOnlyMode).toBe(true);
    // An admin empties the queue.
    const emptied = await fetch(`${base}/ops/queues/api/queues/${QUEUE.ingest}/empty`, {
      method: 'PUT',
      headers: { cookie: cookies.admin!, origin },
    });
    expect(emptied.status).toBe(200);
    expect(await q.getJobCountByTypes('waiting')).toBe(0);
    await q.close();
  });

  it('refuses a cross-origin state-changing call even with an ops session', async () => {
    const res = await fetch(`${base}/ops/queues/api/queues/${QUEUE.ingest}/pause`, {
      method: 'PUT',
      headers: { cookie: cookies.ops!, origin: 'https://evil.example' },
    });
    expect(res.status).toBe(403);
  });
});

describe('/api/ops/summary', () => {
  it('is the one ops summary: every role with the ops capability reads it, the same rule as the console', async () => {
    expect((await fetch(`${base}/api/ops/summary`)).status).toBe(401);
    for (const role of ROLES) {
      const res = await fetch(`${base}/api/ops/summary`, { headers: { cookie: cookies[role]! } });
      // The console shows its ops page to exactly these roles (reviewer-ui/src/domains/auth.ts canOps).
      expect(res.status, role).toBe(can(role, 'ops') ? 200 : 403);
      if (res.status === 403)
        expect(((await res.json()) as { error: { code: string } }).error.code).toBe('forbidden');
    }
    expect(CAPABILITIES.ops).toEqual(['ops', 'supervisor', 'admin']);
    // The older copy under the review API is gone.
    const old = await fetch(`${base}/api/review/ops/summary`, { headers: { cookie: cookies.admin! } });
    expect(old.status).toBe(404);
  });

  it('gives the review figures, the sampled series, the at-risk list and delivery failures in one answer', async () => {
    await ops.sample();
    const res = await fetch(`${base}/api/ops/summary`, { headers: { cookie: cookies.supervisor! } });
    expect(res.status).toBe(200);
    const s = (await res.json()) as {
      now: string;
      intervalSec: number;
      stats: { depth: number; atRisk: number; breaches: number };
      timeline: unknown[];
      series: unknown[];
      atRisk: unknown[];
      failedDeliveries: unknown[];
      deliveryFailures: unknown[];
      decisionsLast24h: unknown[];
    };
    expect(Number.isNaN(Date.parse(s.now))).toBe(false);
    expect(s.intervalSec).toBe(15);
    expect(s.stats.depth).toBeGreaterThanOrEqual(0);
    expect(s.timeline).toHaveLength(12);
    expect(Array.isArray(s.atRisk)).toBe(true);
    expect(Array.isArray(s.failedDeliveries)).toBe(true);
    expect(Array.isArray(s.deliveryFailures)).toBe(true);
    expect(Array.isArray(s.decisionsLast24h)).toBe(true);
    expect(s.series.length).toBeGreaterThanOrEqual(1);
  });
});
