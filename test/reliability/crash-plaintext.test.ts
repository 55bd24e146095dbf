// Issue #17 item 1: a worker killed with SIGKILL while a stage holds decrypted media leaves no plaintext copy
// behind. One case; the worker process group is killed while each analysis stage runs with its decrypted
// files on disk, then restarted; after the case is decided no file anywhere under the system temporary
// directory or DATA_DIR holds the plaintext of its media.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startService, type RunningService } from '../../service/server.js';
import { testConfig } from '../helpers/env.js';
import { fixtureCase } from '../helpers/fixtures.js';
import { ApiClient, freshPgDatabase } from '../api/client.js';
import { killGroup, spawnWorker, stopWorker, workerEnv } from '../pipeline/workers.js';
import { findPlaintext, fingerprint, plaintextsOf } from './plaintext.js';

let pgDb: { url: string; drop(): Promise<void> };
let svc: RunningService;
let api: ApiClient;
let worker: ChildProcess | undefined;

beforeAll(async () => {
  pgDb = await freshPgDatabase();
  const config = testConfig({
    DATABASE_URL: pgDb.url,
    ROLE: 'api',
    FACE_WORKERS: '1',
    PIPELINE_CONCURRENCY: '1',
    PIPELINE_BACKOFF_MS: '500',
    PIPELINE_SWEEP_SECONDS: '5',
    // Enough attempts that three kills of one job still leave it a run to finish.
    PIPELINE_ATTEMPTS: '5',
  });
  svc = await startService(config);
  api = new ApiClient(svc.url!, config.API_KEYS[0]!);
}, 600_000);

afterAll(async () => {
  if (worker) await stopWorker(worker);
  await svc?.stop();
  await pgDb?.drop();
});

async function stageState(caseId: string, stage: string): Promise<string | undefined> {
  const r = await svc.runtime.db.query<{ progress: Record<string, { state: string }> }>(
    'SELECT progress FROM cases WHERE id = $1',
    [caseId],
  );
  return r.rows[0]?.progress[stage]?.state;
}

describe('plaintext media after a worker crash', () => {
  it('no decrypted copy survives a SIGKILL during the document, face or speech stage', async () => {
    const db = svc.runtime.db;
    const config = svc.runtime.config;
    const fx = await fixtureCase({ attack: 'none', seed: 1, formats: ['webm'] });
    // The plaintexts are the fixture files' bytes (the media rows keep the same size and sha256).
    const plain = await Promise.all([fx.front, fx.back!, fx.webm!].map(fingerprint));
    const roots = [tmpdir(), config.DATA_DIR];
    // Copies of the same fixture that exist for other reasons (other test runs' fixture folders) are not ours:
    // noted before anything of this case is stored.
    const before = new Set(await findPlaintext(roots, plain));
    // Where stages decrypt: the work root now, private `idv-media-*` temporary folders before.
    const stageDirs = () => [
      join(config.DATA_DIR, 'work'),
      ...readdirSync(tmpdir())
        .filter((n) => n.startsWith('idv-media-'))
        .map((n) => join(tmpdir(), n)),
    ];
    worker = spawnWorker(workerEnv(config, { PIPELINE_ATTEMPTS: '5' }));
    const c = await api.submitFixture(db, fx, fx.webm!);
    const rows = await plaintextsOf(db, [c.id]);
    expect(rows.map((r) => r.sha256).sort()).toEqual(plain.map((p) => p.sha256).sort());
    let killedWithPlaintext = 0;
    for (const stage of ['document', 'face', 'speech']) {
      // The stage runs and its decrypted inputs are on disk: the moment a crash used to leave them behind.
      const end = Date.now() + 240_000;
      let seen: string[] = [];
      for (;;) {
        if ((await stageState(c.id, stage)) === 'running') {
          seen = (await findPlaintext(stageDirs(), plain)).filter((p) => !before.has(p));
          if (seen.length) break;
        }
        if (Date.now() > end) throw new Error(`stage ${stage} never ran with its inputs on disk`);
        await new Promise((r) => setTimeout(r, 50));
      }
      const victim = worker!;
      const gone = new Promise((r) => victim.once('exit', r));
      killGroup(victim);
      await gone;
      killedWithPlaintext++;
      worker = spawnWorker(workerEnv(config, { PIPELINE_ATTEMPTS: '5' }));
    }
    expect(killedWithPlaintext).toBe(3);
    const final = await api.waitForDecision(c.token, 400_000);
    expect(['approved', 'in_review', 'rejected', 'resubmission_requested']).toContain(final.status);
    // The live worker may hold copies of another case only; this case is done: none of its plaintext remains.
    expect((await findPlaintext(roots, plain)).filter((p) => !before.has(p))).toEqual([]);
  }, 600_000);
});
