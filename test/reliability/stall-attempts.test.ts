// Issue #17 item 8: a worker killed during the face stage as many times as PIPELINE_ATTEMPTS uses up the stage's
// runs (stalls count), and the stage that finally failed leaves a `failed` row with its cause, which the decision
// and the reviewer see; the case still reaches a person.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import { startService, type RunningService } from '../../service/server.js';
import { testConfig } from '../helpers/env.js';
import { fixtureCase } from '../helpers/fixtures.js';
import { ApiClient, freshPgDatabase } from '../api/client.js';
import { killGroup, spawnWorker, stopWorker, workerEnv } from '../pipeline/workers.js';

const ATTEMPTS = 3;
let pgDb: { url: string; drop(): Promise<void> };
let svc: RunningService;
let api: ApiClient;
let worker: ChildProcess | undefined;

beforeAll(async () => {
  pgDb = await freshPgDatabase();
  svc = await startService(
    testConfig({
      DATABASE_URL: pgDb.url,
      ROLE: 'api',
      FACE_WORKERS: '1',
      PIPELINE_CONCURRENCY: '1',
      PIPELINE_BACKOFF_MS: '500',
      PIPELINE_SWEEP_SECONDS: '5',
      PIPELINE_ATTEMPTS: String(ATTEMPTS),
    }),
  );
  api = new ApiClient(svc.url!, svc.runtime.config.API_KEYS[0]!);
}, 600_000);

afterAll(async () => {
  if (worker) await stopWorker(worker);
  await svc?.stop();
  await pgDb?.drop();
});

async function faceRunning(caseId: string): Promise<boolean> {
  const r = await svc.runtime.db.query<{ progress: Record<string, { state: string }> }>(
    'SELECT progress FROM cases WHERE id = $1',
    [caseId],
  );
  return r.rows[0]?.progress.face?.state === 'running';
}

describe('stalls and attempts', () => {
  it(`${ATTEMPTS} kills during the face stage: a failed face row with its cause, the case in review`, async () => {
    const db = svc.runtime.db;
    const config = svc.runtime.config;
    const env = workerEnv(config, { PIPELINE_ATTEMPTS: String(ATTEMPTS) });
    const fx = await fixtureCase({ attack: 'none', seed: 1, formats: ['webm'] });
    worker = spawnWorker(env);
    const c = await api.submitFixture(db, fx, fx.webm!);
    for (let k = 0; k < ATTEMPTS; k++) {
      const end = Date.now() + 240_000;
      while (!(await faceRunning(c.id))) {
        if (Date.now() > end) throw new Error(`face stage not running before kill ${k + 1}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      const victim = worker!;
      const gone = new Promise((r) => victim.once('exit', r));
      killGroup(victim);
      await gone;
      // The next run marks the stage running again; clear the mark so that the wait above sees that run.
      await db.query(`UPDATE cases SET progress = progress - 'face' WHERE id = $1`, [c.id]);
      worker = spawnWorker(env);
    }
    const final = await api.waitForDecision(c.token, 300_000);
    expect(final.status).toBe('in_review');
    const face = await db.query<{ status: string; result: { error: string; message: string } }>(
      "SELECT status, result FROM stage_results WHERE case_id = $1 AND attempt = 1 AND stage = 'face'",
      [c.id],
    );
    expect(face.rows[0]).toMatchObject({ status: 'failed', result: { error: 'WorkerLost' } });
    const decisions = await db.query<{ reasons: string[] }>(
      'SELECT reasons FROM decisions WHERE case_id = $1',
      [c.id],
    );
    expect(decisions.rowCount).toBe(1);
    expect(decisions.rows[0]!.reasons).toContain('PROCESSING_FAILED');
  }, 900_000);
});
