// `idv bench pipeline`: generated fixture cases through the public API and the real queue, with the
// production topology by default (one worker process whose face pool and CPU-bound stages use every core;
// PostgreSQL required: with embedded PGlite only one process may open the database).
// Two phases: latency (one case in flight at a time: the time an applicant waits after submitting) and
// throughput (many cases in flight: the capacity of the machine, with the latency seen under that load).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { loadConfig } from '../config/index.js';
import { startService } from '../server.js';
import { resolveEntry } from '../shared/entry.js';
import { percentile } from '../cli/output.js';
import { processTreeCpuMs } from '../media/cpu-time.js';
import { availableParallelism } from 'node:os';
import { decisionTiming, setChallengeDigits, stageDurations } from '../cases/index.js';

/** Distinct fixture cases generated for the throughput phase at most (generation takes ~3 s per case). */
const DISTINCT_CASES = 20;

export interface BenchOptions {
  /** Cases of the throughput phase. */
  cases: number;
  /** Cases of the latency phase (submitted one after the other). */
  latencyCases: number;
  /** Pipeline worker processes. */
  workers: number;
  /** Face inference processes per worker process (FACE_WORKERS) and CPU-bound stage concurrency. */
  faceWorkers: number;
  /** Cases in flight at once in the throughput phase. */
  concurrency: number;
  dir: string;
  log(msg: string): void;
}

interface Line {
  front: string;
  back?: string;
  video: string;
  digits: string;
  lang: 'fr' | 'en';
  case: string;
}

async function ensureCases(dir: string, n: number, log: (m: string) => void): Promise<Line[]> {
  const file = join(dir, 'cases.jsonl');
  const read = () =>
    readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Line);
  if (existsSync(file) && read().length >= n) return read().slice(0, n);
  log(`generating ${n} fixture cases into ${dir}`);
  const { generateCaseSet } = await import('../fixtures/case-set.js');
  await generateCaseSet({ n, seed: 7, out: dir, format: 'webm' });
  return read().slice(0, n);
}

async function withAdmin<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

export async function benchPipeline(o: BenchOptions) {
  // Line 0 is the warm-up case; a throughput phase longer than the set submits its cases again (each one
  // is a new verification session with its own uploads).
  const lines = await ensureCases(
    o.dir,
    Math.max(Math.min(o.cases, DISTINCT_CASES), o.latencyCases) + 1,
    o.log,
  );
  const cycle = (n: number) => Array.from({ length: n }, (_, i) => lines[1 + (i % (lines.length - 1))]!);
  const adminUrl =
    process.env.DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const dbName = `idv_bench_${randomBytes(4).toString('hex')}`;
  await withAdmin(adminUrl, (c) => c.query(`CREATE DATABASE ${dbName}`));
  const u = new URL(adminUrl);
  u.pathname = `/${dbName}`;
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    DATA_DIR: join(o.dir, '.service'),
    DATABASE_URL: u.toString(),
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    QUEUE_PREFIX: `bench${randomBytes(3).toString('hex')}`,
    MEDIA_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    API_KEYS: randomBytes(16).toString('hex'),
    FACE_WORKERS: String(o.faceWorkers),
    PIPELINE_CONCURRENCY: String(o.faceWorkers),
  };
  const config = loadConfig({ ...env, ROLE: 'api', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' });
  const svc = await startService(config);
  const entry = resolveEntry(import.meta.url, '../main');
  const workers: ChildProcess[] = [];
  for (let i = 0; i < o.workers; i++) {
    workers.push(
      spawn(process.execPath, [...entry.execArgv, entry.file], {
        env: { ...process.env, ...env, ROLE: 'worker' },
        stdio: ['ignore', 'ignore', 'inherit'],
      }),
    );
  }
  const base = svc.url!;
  const key = config.API_KEYS[0]!;

  interface CaseRun {
    id: string;
    latencyMs: number;
    status: string;
  }

  async function runCase(l: Line): Promise<CaseRun> {
    const truth = JSON.parse(await readFile(join(o.dir, l.case, 'case.json'), 'utf8')) as {
      identity: { surname: string; givenNames: string[]; birthDate: string };
    };
    const r = await fetch(`${base}/v1/verifications`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': key },
      body: JSON.stringify({
        lang: l.lang,
        applicant: {
          lastName: truth.identity.surname,
          firstNames: truth.identity.givenNames.join(' '),
          birthDate: truth.identity.birthDate,
          email: 'bench@example.test',
          mobile: '+33600000000',
        },
      }),
    });
    const c = (await r.json()) as { id: string; token: string };
    // The applicant app asks for the challenge when recording starts; the fixture says fixed digits: make them
    // the issued challenge.
    const ch = await fetch(`${base}/v1/applicant/challenge`, {
      method: 'POST',
      headers: { authorization: `Bearer ${c.token}` },
    });
    if (ch.status !== 200) throw new Error(`challenge: HTTP ${ch.status}`);
    await setChallengeDigits(svc.runtime.db, c.id, l.digits);
    const auth = { authorization: `Bearer ${c.token}` };
    for (const [kind, rel] of [
      ['front', l.front],
      ['back', l.back],
      ['video', l.video],
    ] as const) {
      if (!rel) continue;
      const form = new FormData();
      form.append('file', new Blob([new Uint8Array(await readFile(join(o.dir, rel)))]), kind);
      const up = await fetch(`${base}/v1/applicant/media/${kind}`, {
        method: 'PUT',
        headers: auth,
        body: form,
      });
      if (up.status !== 201) throw new Error(`upload ${kind}: HTTP ${up.status}`);
    }
    const sub = await fetch(`${base}/v1/applicant/submit`, { method: 'POST', headers: auth });
    if (sub.status !== 202) throw new Error(`submit: HTTP ${sub.status}`);
    for (;;) {
      const x = (await decisionTiming(svc.runtime.db, c.id))!;
      if (x.status !== 'processing' && x.decidedAt)
        return {
          id: c.id,
          latencyMs: x.decidedAt.getTime() - (x.submittedAt?.getTime() ?? 0),
          status: x.status,
        };
      await new Promise((res) => setTimeout(res, 100));
    }
  }

  async function runAll(batch: Line[], label: string, concurrency: number) {
    const out: CaseRun[] = [];
    let next = 0;
    const t0 = Date.now();
    await Promise.all(
      Array.from({ length: Math.min(concurrency, batch.length) }, async () => {
        while (next < batch.length) {
          const l = batch[next++]!;
          out.push(await runCase(l));
          o.log(`${label}: ${out.length}/${batch.length}`);
        }
      }),
    );
    return { out, wallMs: Date.now() - t0 };
  }

  try {
    // Warm-up (model loading in every worker and child process), not counted.
    await runAll(
      lines.slice(0, Math.max(2, o.faceWorkers) * o.workers),
      'warm-up',
      o.faceWorkers * o.workers,
    );
    const r2 = (x: number) => Math.round(x * 100) / 100;
    const summary = (out: CaseRun[]) => {
      const lat = out.map((x) => x.latencyMs / 1000);
      const outcomes: Record<string, number> = {};
      for (const x of out) outcomes[x.status] = (outcomes[x.status] ?? 0) + 1;
      return { p50: r2(percentile(lat, 50)), p95: r2(percentile(lat, 95)), outcomes };
    };
    const seq = await runAll(cycle(o.latencyCases), 'latency', 1);
    // CPU of the service's own processes (this one: API server and the test client; the workers, their face
    // workers, sandboxed stages and ffmpeg runs) over
    // the throughput phase: a figure that does not depend on what else the machine runs. Redis and
    // PostgreSQL are not included.
    const tree = () => processTreeCpuMs([process.pid, ...workers.map((w) => w.pid!)]);
    const cpu0 = tree();
    const par = await runAll(cycle(o.cases), 'throughput', o.concurrency);
    const cpuPerCaseS = (tree() - cpu0) / 1000 / par.out.length;
    const latency = summary(seq.out);
    // Where the latency goes: each stage's own duration (as recorded by the workers), median per stage.
    const stages = await stageDurations(
      svc.runtime.db,
      seq.out.map((x) => x.id),
    );
    const byStage: Record<string, number[]> = {};
    for (const r of stages) (byStage[r.stage] ??= []).push(r.ms);
    const stageP50 = Object.fromEntries(
      Object.entries(byStage).map(([k, v]) => [k, Math.round(percentile(v, 50))]),
    );
    const loaded = summary(par.out);
    return {
      workers: o.workers,
      face_workers: o.faceWorkers,
      latency_cases: seq.out.length,
      decision_p50_s: latency.p50,
      decision_p95_s: latency.p95,
      throughput_cases: par.out.length,
      concurrency: o.concurrency,
      cases_per_min: r2((par.out.length / par.wallMs) * 60_000),
      cpu_s_per_case: r2(cpuPerCaseS),
      /** What the cores could sustain if only CPU limited: cores × 60 / cpu_s_per_case. */
      cpu_bound_cases_per_min: r2((availableParallelism() * 60) / cpuPerCaseS),
      loaded_decision_p50_s: loaded.p50,
      loaded_decision_p95_s: loaded.p95,
      stage_ms_p50: stageP50,
      outcomes: latency.outcomes,
    };
  } finally {
    for (const w of workers) w.kill('SIGTERM');
    await Promise.all(
      workers.map((w) => (w.exitCode === null ? new Promise((r) => w.once('exit', r)) : undefined)),
    );
    await svc.stop();
    await withAdmin(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`)).catch(
      () => undefined,
    );
  }
}
