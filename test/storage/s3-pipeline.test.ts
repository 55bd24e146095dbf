// Issue #21 item 1: one generated case through the real pipeline with MEDIA_STORAGE=s3 (s3rver): the API and a
// worker process have different DATA_DIRs (nothing shared but PostgreSQL, Redis and the bucket); the case is
// approved, the bucket holds only sealed objects (v2: per-case keys), and no plaintext is left in either work dir.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { startService, type RunningService } from '../../service/server.js';
import { testConfig, tempDir } from '../helpers/env.js';
import { fixtureCase, type FixtureCase } from '../helpers/fixtures.js';
import { ApiClient, freshPgDatabase } from '../api/client.js';
import { spawnWorker, stopWorker, workerEnv } from '../pipeline/workers.js';
import { startS3Server, type S3TestServer } from '../helpers/s3-server.js';
import { mediaStoreFor } from '../../service/storage/index.js';
import { storageCheck } from '../reliability/storage-cli.js';

let s3: S3TestServer;
let pgDb: { url: string; drop(): Promise<void> };
let svc: RunningService;
let api: ApiClient;
let worker: ChildProcess;
let fx: FixtureCase;
const workerDataDir = tempDir('idv-worker-');

async function files(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await files(p)));
    else out.push(p);
  }
  return out;
}

beforeAll(async () => {
  s3 = await startS3Server();
  pgDb = await freshPgDatabase();
  const config = testConfig({
    DATABASE_URL: pgDb.url,
    ROLE: 'api',
    FACE_WORKERS: '1',
    PIPELINE_CONCURRENCY: '1',
    PIPELINE_BACKOFF_MS: '500',
    PIPELINE_SWEEP_SECONDS: '5',
    ...s3.env,
  });
  svc = await startService(config);
  api = new ApiClient(svc.url!, config.API_KEYS[0]!);
  worker = spawnWorker(workerEnv(config, { ...s3.env, DATA_DIR: workerDataDir }));
  fx = await fixtureCase({ attack: 'none', seed: 1, formats: ['webm'] });
}, 600_000);

afterAll(async () => {
  if (worker) await stopWorker(worker);
  await svc?.stop();
  await pgDb?.drop();
  await s3?.close();
});

describe('pipeline with media on S3', () => {
  it('approves a generated case with API and worker on separate data directories', async () => {
    const db = svc.runtime.db;
    expect(svc.runtime.store.backend).toBe('s3');
    const c = await api.submitFixture(db, fx, fx.webm!);
    const final = await api.waitForDecision(c.token, 280_000);
    expect(final.status).toBe('approved');

    // Every media row's object is in the bucket, sealed with its case's data key.
    const rows = await db.query<{ storage_key: string }>('SELECT storage_key FROM media WHERE case_id = $1', [
      c.id,
    ]);
    expect(rows.rows.length).toBeGreaterThanOrEqual(3);
    const listed = new Set((await mediaStoreFor(svc.runtime.config, db).list()).map((x) => x.key));
    for (const r of rows.rows) expect(listed.has(r.storage_key)).toBe(true);
    const objects = (await files(s3.directory)).filter((f) => f.endsWith('_S3rver_object'));
    expect(objects.length).toBeGreaterThanOrEqual(rows.rows.length);
    for (const f of objects) expect((await readFile(f)).subarray(0, 4).toString()).toBe('IDV2');
    // The video's plaintext is nowhere in the bucket.
    const video = await readFile(fx.webm!);
    for (const f of await files(s3.directory))
      expect((await readFile(f)).includes(video.subarray(4096, 4096 + 64))).toBe(false);

    // `idv storage check` on the bucket: every row has its object, no orphan.
    expect(await storageCheck(svc.runtime.config)).toMatchObject({
      ok: true,
      code: 0,
      missingObjects: [],
      orphanObjects: [],
    });

    // No media on either host's disk: no local store, no plaintext left in the work directories.
    for (const dir of [svc.runtime.config.DATA_DIR, workerDataDir]) {
      expect(await files(join(dir, 'media'))).toEqual([]);
      expect(await files(join(dir, 'work'))).toEqual([]);
    }
  }, 320_000);
});
