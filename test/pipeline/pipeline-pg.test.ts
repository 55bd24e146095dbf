// The pipeline on real PostgreSQL and real Redis with separate worker processes: attack fixtures never end
// approved, a SIGKILLed worker does not lose a case, and neither does a Redis restart in the middle of a flow.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { startService, type RunningService } from '../../service/server.js';
import { testConfig, tempDir } from '../helpers/env.js';
import { fixtureCase, type FixtureCase } from '../helpers/fixtures.js';
import { ApiClient, freshPgDatabase } from '../api/client.js';
import { killGroup, spawnWorker, stopWorker, workerEnv } from './workers.js';

const ATTACKS = ['static', 'other-person', 'wrong-digits', 'no-audio', 'two-faces'] as const;

let pgDb: { url: string; drop(): Promise<void> };
let svc: RunningService;
let api: ApiClient;
const workers: ChildProcess[] = [];
const attackFixtures = new Map<string, FixtureCase>();

async function stageRunning(caseId: string): Promise<boolean> {
  const r = await svc.runtime.db.query<{ progress: Record<string, { state: string }> }>(
    'SELECT progress FROM cases WHERE id = $1',
    [caseId],
  );
  const p = r.rows[0]?.progress ?? {};
  return ['document', 'face', 'speech'].some((s) => p[s]?.state === 'running');
}

beforeAll(async () => {
  pgDb = await freshPgDatabase();
  const config = testConfig({
    DATABASE_URL: pgDb.url,
    ROLE: 'api',
    FACE_WORKERS: '1',
    PIPELINE_CONCURRENCY: '1',
    PIPELINE_BACKOFF_MS: '500',
    PIPELINE_SWEEP_SECONDS: '5',
  });
  svc = await startService(config);
  api = new ApiClient(svc.url!, config.API_KEYS[0]!);
  // One worker process per core, as deployed.
  for (let i = 0; i < 2; i++) workers.push(spawnWorker(workerEnv(config)));
  // Generated once and cached on disk (.data/fixture-cache); slow only on the first run.
  for (const attack of ['none', ...ATTACKS] as const)
    attackFixtures.set(attack, await fixtureCase({ attack, seed: 1, formats: ['webm'] }));
}, 600_000);

afterAll(async () => {
  for (const w of workers) await stopWorker(w);
  await svc?.stop();
  await pgDb?.drop();
});

describe('pipeline on PostgreSQL with worker processes', () => {
  it('approves the genuine fixture and never an attack fixture', async () => {
    const db = svc.runtime.db;
    // The attack fixtures show the genuine applicant's document: decided before them, the genuine case is not yet
    // "seen before" (DOCUMENT_SEEN_BEFORE sends a document already used on another case to review).
    const genuine = attackFixtures.get('none')!;
    const submitted = [{ attack: 'none', c: await api.submitFixture(db, genuine, genuine.webm!) }];
    const first = await api.waitForDecision(submitted[0]!.c.token, 280_000);
    for (const attack of ATTACKS) {
      const fx = attackFixtures.get(attack)!;
      submitted.push({ attack, c: await api.submitFixture(db, fx, fx.webm!) });
    }
    const finals = [
      { attack: 'none', final: first },
      ...(await Promise.all(
        submitted.slice(1).map(async (s) => ({
          attack: s.attack,
          final: await api.waitForDecision(s.c.token, 280_000),
        })),
      )),
    ];
    const reasonsOf = async (caseId: string) =>
      (
        await db.query<{ reasons: string[] }>('SELECT reasons FROM decisions WHERE case_id = $1', [caseId])
      ).rows
        .flatMap((r) => r.reasons)
        .join(',');
    for (const [i, { attack, final }] of finals.entries()) {
      if (attack === 'none') {
        expect(final.status, `genuine: ${await reasonsOf(submitted[i]!.c.id)}`).toBe('approved');
        continue;
      }
      expect(final.status, attack).not.toBe('approved');
      expect(['in_review', 'rejected', 'resubmission_requested'], attack).toContain(final.status);
    }
  }, 300_000);

  it('a worker killed with SIGKILL in the middle of a job does not lose the case', async () => {
    const db = svc.runtime.db;
    const fx = await fixtureCase({ attack: 'none', seed: 1, formats: ['webm'] });
    // Media stored without the upload's probe (as before migration 300): ingest decrypts and probes itself.
    const c = await api.submitFixture(db, fx, fx.webm!, async (x) => {
      await db.query('UPDATE media SET probe = NULL WHERE case_id = $1', [x.id]);
    });
    const end = Date.now() + 120_000;
    while (!(await stageRunning(c.id))) {
      if (Date.now() > end) throw new Error('no stage started');
      await new Promise((r) => setTimeout(r, 100));
    }
    const victim = workers.shift()!;
    const gone = new Promise((r) => victim.once('exit', r));
    killGroup(victim);
    await gone;
    expect((await api.status(c.token)).status).toBe('processing');
    // A new worker process takes over the stalled job once its lock expires.
    workers.push(spawnWorker(workerEnv(svc.runtime.config)));
    const final = await api.waitForDecision(c.token, 180_000);
    expect(['approved', 'in_review', 'rejected', 'resubmission_requested']).toContain(final.status);
    const stages = await db.query<{ stage: string }>(
      'SELECT stage FROM stage_results WHERE case_id = $1 AND attempt = 1 ORDER BY stage',
      [c.id],
    );
    expect(stages.rows.map((r) => r.stage)).toEqual(['decide', 'document', 'face', 'ingest', 'speech']);
    const ingest = await db.query<{ result: { probe?: { durationSec: number } } }>(
      "SELECT result FROM stage_results WHERE case_id = $1 AND stage = 'ingest'",
      [c.id],
    );
    expect(ingest.rows[0]!.result.probe!.durationSec).toBeGreaterThan(3);
    const decisions = await db.query('SELECT 1 FROM decisions WHERE case_id = $1', [c.id]);
    expect(decisions.rowCount).toBe(1);
  }, 240_000);
});

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

function startRedis(port: number, dir: string): ChildProcess {
  return spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'yes', '--dir', dir],
    { stdio: 'ignore' },
  );
}

async function redisUp(port: number): Promise<void> {
  const end = Date.now() + 10_000;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const p = spawn('redis-cli', ['-p', String(port), 'ping'], { stdio: ['ignore', 'pipe', 'ignore'] });
      let out = '';
      p.stdout.on('data', (d) => (out += d));
      p.on('exit', () => resolve(out.includes('PONG')));
    });
    if (ok) return;
    if (Date.now() > end) throw new Error('redis did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('Redis restart', () => {
  it('a Redis restart in the middle of a flow does not lose the case', async () => {
    const port = await freePort();
    const dir = tempDir('idv-redis-');
    let redis = startRedis(port, dir);
    await redisUp(port);
    const pg2 = await freshPgDatabase();
    const config = testConfig({
      DATABASE_URL: pg2.url,
      REDIS_URL: `redis://127.0.0.1:${port}`,
      FACE_WORKERS: '1',
      PIPELINE_CONCURRENCY: '1',
      PIPELINE_BACKOFF_MS: '500',
      PIPELINE_SWEEP_SECONDS: '5',
    });
    const own = await startService(config);
    try {
      const client = new ApiClient(own.url!, config.API_KEYS[0]!);
      const fx = await fixtureCase({ attack: 'none', seed: 1, formats: ['webm'] });
      const c = await client.submitFixture(own.runtime.db, fx, fx.webm!);
      const end = Date.now() + 120_000;
      for (;;) {
        const r = await own.runtime.db.query<{ progress: Record<string, { state: string }> }>(
          'SELECT progress FROM cases WHERE id = $1',
          [c.id],
        );
        const p = r.rows[0]!.progress;
        if (['document', 'face', 'speech'].some((s) => p[s]?.state === 'running')) break;
        if (Date.now() > end) throw new Error('no stage started');
        await new Promise((r) => setTimeout(r, 100));
      }
      const exited = new Promise((r) => redis.once('exit', r));
      redis.kill('SIGTERM'); // SHUTDOWN: the append-only file is flushed, like a planned restart
      await exited;
      await new Promise((r) => setTimeout(r, 1500));
      redis = startRedis(port, dir);
      await redisUp(port);
      const final = await client.waitForDecision(c.token, 180_000);
      expect(['approved', 'in_review', 'rejected', 'resubmission_requested']).toContain(final.status);
      const decisions = await own.runtime.db.query('SELECT 1 FROM decisions WHERE case_id = $1', [c.id]);
      expect(decisions.rowCount).toBe(1);
    } finally {
      await own.stop();
      redis.kill('SIGKILL');
      await pg2.drop();
    }
  }, 300_000);
});
