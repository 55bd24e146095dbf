// Several hosts: the API in one network namespace and two workers in two others (test/reliability/netns.ts), each
// with its own DATA_DIR and TMPDIR, sharing only a private PostgreSQL, Redis and S3 server reachable on the
// services address. 20 generated cases are submitted; one worker host is killed (every process of its namespace,
// SIGKILL) in the middle; the other finishes every case; no media is left on either worker's disk (the killed one
// is checked after it comes back, as its start-up sweep is what clears a crash's leftovers).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdirSync, openSync, readSync, closeSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDb, type Db } from '../../service/db/index.js';
import { tempDir } from '../helpers/env.js';
import { fixtureCase, type FixtureCase } from '../helpers/fixtures.js';
import { startS3Server, type S3TestServer } from '../helpers/s3-server.js';
import { ApiClient } from '../api/client.js';
import { createSimNetwork, type SimNetwork } from './netns.js';
import { startPrivatePg, startPrivateRedis, type PrivatePg, type PrivateRedis } from './private-servers.js';

const CASES = 20;
/** Cases decided before the worker host is killed. */
const KILL_AFTER = 6;
const API_PORT = 8080;
/** The run's bound: five minutes from the first upload to the last check (longer only when asked, on a loaded host). */
const BUDGET_MS = Number(process.env.IDV_MULTIHOST_BUDGET_MS ?? 280_000);
/** The restarted worker host's start-up and disk sweep. */
const SWEEP_MS = 60_000;

let net: SimNetwork | undefined;
let pg: PrivatePg | undefined;
let redis: PrivateRedis | undefined;
let s3: S3TestServer | undefined;
let db: Db | undefined;
const dirs: string[] = [];
const procs = new Map<string, ChildProcess>();
const logs = new Map<string, string[]>();
let shared: Record<string, string> = {};
const fixtures: FixtureCase[] = [];

/** One host's own disk: DATA_DIR, TMPDIR, and its copy of the evidence signing key (a mounted secret). */
function hostDisk(name: string, keyPem: string): { root: string; env: Record<string, string> } {
  const root = tempDir(`idv-host-${name}-`);
  dirs.push(root);
  for (const d of ['data', 'tmp', 'secrets']) mkdirSync(join(root, d), { recursive: true });
  writeFileSync(join(root, 'secrets', 'evidence.pem'), keyPem, { mode: 0o600 });
  return {
    root,
    env: {
      DATA_DIR: join(root, 'data'),
      TMPDIR: join(root, 'tmp'),
      EVIDENCE_SIGNING_KEY_FILE: join(root, 'secrets', 'evidence.pem'),
    },
  };
}

const disks = new Map<string, { root: string; env: Record<string, string> }>();

function startHost(name: string, role: 'api' | 'worker'): void {
  const env = {
    ...process.env,
    ...shared,
    ...disks.get(name)!.env,
    ROLE: role,
    ...(role === 'api' ? { HOST: net!.host(name).addr, PORT: String(API_PORT) } : {}),
  };
  const child = net!.spawnIn(name, process.execPath, ['--import', 'tsx', 'service/main.ts'], {
    env,
    // Its structured log (stdout) and crashes (stderr) are kept to explain a failure (logs hold no personal data).
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = logs.get(name) ?? [];
  logs.set(name, lines);
  const keep = (d: Buffer) => {
    lines.push(d.toString());
    if (lines.length > 200) lines.shift();
    if (process.env.IDV_TEST_VERBOSE) process.stderr.write(`[${name}] ${d.toString()}`);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  procs.set(name, child);
}

async function until<T>(what: string, ms: number, f: () => Promise<T | undefined>): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > end)
      throw new Error(
        `timed out: ${what}\n${[...logs].map(([k, l]) => `[${k}] ${l.slice(-5).join('')}`).join('\n')}`,
      );
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Every regular file under `dir`, with its first bytes. */
function filesUnder(dir: string): Array<{ path: string; head: Buffer }> {
  const out: Array<{ path: string; head: Buffer }> = [];
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile()) continue;
    const path = join(e.parentPath, e.name);
    const head = Buffer.alloc(16);
    const fd = openSync(path, 'r');
    readSync(fd, head, 0, 16, 0);
    closeSync(fd);
    out.push({ path, head });
  }
  return out;
}

/** JPEG, PNG, WebM/Matroska, MP4/MOV, WAV: the media kinds the service handles, in plaintext. */
function isPlainMedia(head: Buffer): boolean {
  return (
    (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) ||
    head.subarray(0, 4).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47])) ||
    head.subarray(0, 4).equals(Buffer.from([0x1a, 0x45, 0xdf, 0xa3])) ||
    head.subarray(4, 8).toString('latin1') === 'ftyp' ||
    head.subarray(0, 4).toString('latin1') === 'RIFF'
  );
}

/** What a worker host keeps on its disk that belongs to a case: any plaintext media, any file of media/ or work/. */
function caseFilesOn(name: string): string[] {
  const { root, env } = disks.get(name)!;
  return filesUnder(root)
    .filter(
      (f) =>
        isPlainMedia(f.head) ||
        f.path.startsWith(join(env.DATA_DIR!, 'media')) ||
        f.path.startsWith(join(env.DATA_DIR!, 'work')),
    )
    .map((f) => f.path.slice(root.length));
}

beforeAll(async () => {
  // Generated by the fixture generator (cached on disk after the first run).
  for (const seed of [1, 3]) fixtures.push(await fixtureCase({ attack: 'none', seed, formats: ['webm'] }));
  net = createSimNetwork(['api', 'w1', 'w2']);
  pg = await startPrivatePg({ host: net.servicesAddr, allow: net.network });
  redis = await startPrivateRedis({ host: net.servicesAddr });
  s3 = await startS3Server({ address: net.servicesAddr });
  const keyPem = generateKeyPairSync('ed25519')
    .privateKey.export({ format: 'pem', type: 'pkcs8' })
    .toString();
  const hex = (n: number) => randomBytes(n).toString('hex');
  // What every host shares: the servers and the secrets (set explicitly, as production requires).
  shared = {
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    DATABASE_URL: pg.url,
    REDIS_URL: redis.url,
    QUEUE_PREFIX: 'mh',
    ...s3.env,
    MEDIA_ENCRYPTION_KEY: hex(32),
    SESSION_SECRET: hex(32),
    CODE_HMAC_SECRET: hex(32),
    WEBHOOK_SECRET: hex(24),
    METRICS_TOKEN: hex(24),
    API_KEYS: hex(24),
    FACE_WORKERS: '1',
    PIPELINE_CONCURRENCY: '1',
    PIPELINE_BACKOFF_MS: '500',
    PIPELINE_SWEEP_SECONDS: '5',
  };
  for (const h of ['api', 'w1', 'w2']) disks.set(h, hostDisk(h, keyPem));
  startHost('api', 'api');
  const base = `http://${net.host('api').addr}:${API_PORT}`;
  await until('API up', 60_000, async () => ((await fetch(`${base}/healthz`)).ok ? true : undefined));
  startHost('w1', 'worker');
  startHost('w2', 'worker');
  db = await openDb({ url: pg.url, pgliteDir: '' });
}, 180_000);

afterAll(async () => {
  // Namespaces first (their processes die with them), then the servers and the disks.
  net?.destroy();
  await db?.close().catch(() => undefined);
  await s3?.close().catch(() => undefined);
  await redis?.destroy().catch(() => undefined);
  await pg?.destroy().catch(() => undefined);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
}, 60_000);

describe('API and workers on separate hosts', () => {
  it(
    'completes 20 cases when one worker host dies mid-run, and leaves no media on the workers',
    async () => {
      // The whole run is bounded: 20 cases, a kill and a recovery within five minutes.
      const t0 = Date.now();
      const deadline = t0 + BUDGET_MS;
      const at = (what: string) =>
        console.log(`multi-host: ${what} at ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      const left = () => Math.max(1_000, deadline - Date.now());
      const api = new ApiClient(`http://${net!.host('api').addr}:${API_PORT}`, shared.API_KEYS!);
      const ids: string[] = [];
      for (let i = 0; i < CASES; i++) {
        const fx = fixtures[i % fixtures.length]!;
        try {
          ids.push((await api.submitFixture(db!, fx, fx.webm!)).id);
        } catch (e) {
          // A refused upload is explained by the API host's own log: its last error lines go with the failure.
          const apiLog = (logs.get('api') ?? []).join('').split('\n');
          const errors = apiLog.filter((l) => /"level":(50|60)/.test(l)).slice(-5);
          throw new Error(`${(e as Error).message}\n[api] ${errors.join('\n[api] ')}`);
        }
      }
      at(`${CASES} cases submitted`);
      const decided = async () =>
        (
          await db!.query<{ id: string; status: string }>(
            `SELECT id, status FROM cases WHERE id = ANY($1) AND status NOT IN ('created', 'processing')`,
            [ids],
          )
        ).rows;
      // Both hosts share the first cases (the run stays within its bound); the kill leaves more than half undone.
      await until('first decisions', left(), async () =>
        (await decided()).length >= KILL_AFTER ? true : undefined,
      );
      const doneAtKill = new Set((await decided()).map((r) => r.id));
      const killed = net!.kill('w1');
      at(`w1 killed (${killed} processes, ${doneAtKill.size} cases decided)`);
      expect(killed).toBeGreaterThan(0);
      expect(doneAtKill.size).toBeLessThan(CASES);

      const finals = await until('every case decided by the surviving worker', left(), async () => {
        const rows = await decided();
        return rows.length === CASES ? rows : undefined;
      });
      at('every case decided');
      // Every case ran every stage to a verdict: approved, or in review only because the 20 cases reuse a few
      // generated applicants (the same document and face again: DOCUMENT_/FACE_SEEN_BEFORE) or for the spoken
      // digits; never a stage that failed (PROCESSING_FAILED) on the way.
      expect(finals.filter((r) => r.status !== 'approved' && r.status !== 'in_review')).toEqual([]);
      const reasons = (
        await db!.query<{ reasons: string[] }>('SELECT reasons FROM decisions WHERE case_id = ANY($1)', [ids])
      ).rows.flatMap((r) => r.reasons);
      console.log(`multi-host: decision reasons ${JSON.stringify(reasons.sort())}`);
      expect(
        reasons.filter((r) => !['DOCUMENT_SEEN_BEFORE', 'FACE_SEEN_BEFORE', 'DIGITS_UNCERTAIN'].includes(r)),
      ).toEqual([]);
      expect(finals.filter((r) => !doneAtKill.has(r.id)).length).toBeGreaterThan(0);
      expect(procs.get('w2')!.exitCode).toBeNull();

      // The surviving worker's disk holds nothing of any case.
      expect(caseFilesOn('w2')).toEqual([]);
      // The killed host comes back: its start-up sweep removes what the crash left.
      at(`w1 down with ${caseFilesOn('w1').length} case files left by the kill`);
      startHost('w1', 'worker');
      // Its own minute, not what the cases left of the budget: a slow run must not starve the restart.
      await until('restarted worker swept its disk', SWEEP_MS, async () =>
        caseFilesOn('w1').length === 0 ? true : undefined,
      );
      expect(caseFilesOn('w1')).toEqual([]);
      // And the bucket holds ciphertext only.
      const objects = filesUnder(s3!.directory).filter(
        (f) => !f.path.includes('metadata') && isPlainMedia(f.head),
      );
      expect(objects.map((o) => o.path)).toEqual([]);
      at('disks checked');
    },
    BUDGET_MS + SWEEP_MS + 20_000,
  );
});
