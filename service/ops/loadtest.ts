// Load test against a running service on loopback: creates verifications with the API key, uploads a
// pre-generated case (front, back, video) with the applicant token, submits, polls until a decision, then
// reads the queue wait back from /metrics. Bounded in count and time; stops by itself.
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { percentile } from '../cli/output.js';
import { generateCase, type CaseTruth } from '../fixtures/case.js';
import { bucketDelta, histogramBuckets, histogramQuantile, parsePromText, type Sample } from './prom-text.js';

export interface LoadtestOptions {
  /** Service base URL; loopback only. */
  url: string;
  /** Submissions per second. */
  rate: number;
  /** Cases submitted in total. */
  count: number;
  apiKey: string;
  /** Bearer token of /metrics; without it the queue wait is not reported. */
  metricsToken?: string;
  /** Hard stop for the whole run, in seconds. */
  timeoutS: number;
  /** Where generated cases are kept and reused between runs. */
  casesDir: string;
  /** Distinct generated cases reused round-robin. */
  pool: number;
  /** Progress lines (stderr). */
  log?: (msg: string) => void;
}

export interface LoadtestResult {
  url: string;
  rate: number;
  count: number;
  submitted: number;
  decided: number;
  timedOut: number;
  errors: number;
  errorKinds: Record<string, number>;
  outcomes: Record<string, number>;
  durationS: number;
  throughputPerMin: number;
  decisionLatencyS: { p50: number; p95: number; p99: number; max: number };
  uploadS: { p50: number; p95: number };
  queueWaitP95S: number | null;
  queueWaitP95ByQueueS: Record<string, number>;
}

const FINAL = new Set(['approved', 'rejected', 'resubmission_requested', 'in_review', 'expired']);
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

export function assertLoopback(url: string): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error(`not a URL: ${url}`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('the load test speaks http(s) only');
  if (!LOOPBACK.has(u.hostname) && !/^127\.\d+\.\d+\.\d+$/.test(u.hostname)) {
    throw new Error(
      `refusing to load-test ${u.hostname}: loopback addresses only (127.0.0.1, localhost, ::1)`,
    );
  }
  return u;
}

export interface PreparedCase {
  truth: CaseTruth;
  front: Buffer;
  back?: Buffer;
  video: Buffer;
  videoName: string;
}

/** Generates (or reuses) `n` genuine cases with different faces' seeds; slow the first time (ffmpeg, speech). */
export async function prepareCases(
  dir: string,
  n: number,
  log: (m: string) => void = () => undefined,
): Promise<PreparedCase[]> {
  const out: PreparedCase[] = [];
  for (let i = 0; i < n; i++) {
    const caseDir = join(dir, `case-${i + 1}`);
    const truthFile = join(caseDir, 'case.json');
    let truth: CaseTruth;
    if (existsSync(truthFile)) truth = JSON.parse(readFileSync(truthFile, 'utf8')) as CaseTruth;
    else {
      log(`generating load-test case ${i + 1}/${n} (kept in ${dir})`);
      truth = await generateCase({ out: caseDir, seed: 1000 + i, formats: ['webm'] });
    }
    const f = truth.files;
    if (!f.webm) throw new Error(`case ${caseDir} has no webm video`);
    out.push({
      truth,
      front: await readFile(join(caseDir, f.front)),
      ...(f.back ? { back: await readFile(join(caseDir, f.back)) } : {}),
      video: await readFile(join(caseDir, f.webm)),
      videoName: 'video.webm',
    });
  }
  return out;
}

class HttpFailure extends Error {
  constructor(
    readonly kind: string,
    message: string,
  ) {
    super(message);
  }
}

async function call(url: string, init: RequestInit & { timeoutMs?: number }, what: string): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(url, { ...init, signal: AbortSignal.timeout(init.timeoutMs ?? 30_000) });
  } catch (e) {
    throw new HttpFailure(`${what}:network`, (e as Error).message);
  }
  const body = (await res.json().catch(() => null)) as { error?: { code?: string } } | null;
  if (!res.ok)
    throw new HttpFailure(
      `${what}:${res.status}:${body?.error?.code ?? 'error'}`,
      `${what} answered ${res.status}`,
    );
  return body;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface CaseRun {
  latencyS?: number;
  uploadS?: number;
  outcome?: string;
  error?: string;
  timedOut?: boolean;
}

async function runOne(
  base: string,
  apiKey: string,
  c: PreparedCase,
  n: number,
  deadline: number,
): Promise<CaseRun> {
  const id = c.truth.identity;
  const created = (await call(
    `${base}/v1/verifications`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
      body: JSON.stringify({
        reference: `loadtest-${Date.now().toString(36)}-${n}`,
        lang: c.truth.lang,
        applicant: {
          lastName: id.surname,
          firstNames: id.givenNames.join(' '),
          birthDate: id.birthDate,
          email: `loadtest+${n}@example.invalid`,
          mobile: '+33 6 00 00 00 00',
        },
      }),
    },
    'create',
  )) as { token: string };
  const auth = { authorization: `Bearer ${created.token}` };
  const t0 = Date.now();
  const upload = async (kind: string, bytes: Buffer, name: string, type: string) => {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(bytes)], { type }), name);
    await call(
      `${base}/v1/applicant/media/${kind}`,
      { method: 'PUT', headers: auth, body: form, timeoutMs: 120_000 },
      `upload-${kind}`,
    );
  };
  await upload('front', c.front, 'front.jpg', 'image/jpeg');
  if (c.back) await upload('back', c.back, 'back.jpg', 'image/jpeg');
  // As the applicant app does when recording starts (the create response carries no digits).
  await call(`${base}/v1/applicant/challenge`, { method: 'POST', headers: auth }, 'challenge');
  await upload('video', c.video, c.videoName, 'video/webm');
  const uploadS = (Date.now() - t0) / 1000;
  await call(`${base}/v1/applicant/submit`, { method: 'POST', headers: auth }, 'submit');
  const submittedAt = Date.now();
  // Poll quickly: the decision latency is measured here, so the polling period bounds its resolution.
  while (Date.now() < deadline) {
    const s = (await call(`${base}/v1/applicant/status`, { headers: auth }, 'status')) as { status: string };
    if (FINAL.has(s.status))
      return { latencyS: (Date.now() - submittedAt) / 1000, uploadS, outcome: s.status };
    await sleep(100);
  }
  return { uploadS, timedOut: true };
}

async function scrape(base: string, token: string): Promise<Sample[] | undefined> {
  try {
    const res = await fetch(`${base}/metrics`, {
      headers: { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(10_000),
    });
    return res.ok ? parsePromText(await res.text()) : undefined;
  } catch {
    return undefined;
  }
}

/** p95 of the queue wait observed between two scrapes, over all queues and per queue. */
export function queueWaitP95(
  before: Sample[],
  after: Sample[],
): { all: number | null; byQueue: Record<string, number> } {
  const name = 'idv_queue_wait_seconds';
  const all = histogramQuantile(
    0.95,
    bucketDelta(histogramBuckets(after, name), histogramBuckets(before, name)),
  );
  const queues = new Set(after.filter((s) => s.name === `${name}_bucket`).map((s) => s.labels.queue!));
  const byQueue: Record<string, number> = {};
  for (const q of queues) {
    const v = histogramQuantile(
      0.95,
      bucketDelta(
        histogramBuckets(after, name, (l) => l.queue === q),
        histogramBuckets(before, name, (l) => l.queue === q),
      ),
    );
    if (Number.isFinite(v)) byQueue[q] = round(v);
  }
  return { all: Number.isFinite(all) ? round(all) : null, byQueue };
}

const round = (x: number) => Math.round(x * 1000) / 1000;

export async function runLoadtest(o: LoadtestOptions): Promise<LoadtestResult> {
  const log = o.log ?? (() => undefined);
  const base = assertLoopback(o.url).origin;
  if (!(o.rate > 0 && o.rate <= 50)) throw new Error('--rate must be in (0, 50] submissions per second');
  if (!(Number.isInteger(o.count) && o.count >= 1 && o.count <= 10_000))
    throw new Error('--count must be an integer in [1, 10000]');
  const cases = await prepareCases(o.casesDir, Math.max(1, Math.min(o.pool, o.count)), log);
  await call(`${base}/healthz`, {}, 'healthz');
  const before = o.metricsToken ? await scrape(base, o.metricsToken) : undefined;

  const start = Date.now();
  const deadline = start + o.timeoutS * 1000;
  const runs: Array<Promise<CaseRun>> = [];
  let done = 0;
  for (let i = 0; i < o.count; i++) {
    const at = start + (i * 1000) / o.rate;
    if (at > deadline) break;
    await sleep(Math.max(0, at - Date.now()));
    runs.push(
      runOne(base, o.apiKey, cases[i % cases.length]!, i, deadline)
        .catch((e: unknown): CaseRun => ({ error: e instanceof HttpFailure ? e.kind : 'unexpected' }))
        .finally(() => {
          done++;
          if (done % Math.max(1, Math.ceil(o.count / 10)) === 0 || done === o.count)
            log(`loadtest: ${done}/${o.count} finished`);
        }),
    );
  }
  const results = await Promise.all(runs);
  const end = Date.now();
  const after = o.metricsToken ? await scrape(base, o.metricsToken) : undefined;

  const lat = results.flatMap((r) => (r.latencyS === undefined ? [] : [r.latencyS]));
  const up = results.flatMap((r) => (r.uploadS === undefined ? [] : [r.uploadS]));
  const errorKinds: Record<string, number> = {};
  const outcomes: Record<string, number> = {};
  for (const r of results) {
    if (r.error) errorKinds[r.error] = (errorKinds[r.error] ?? 0) + 1;
    if (r.outcome) outcomes[r.outcome] = (outcomes[r.outcome] ?? 0) + 1;
  }
  const wait = before && after ? queueWaitP95(before, after) : { all: null, byQueue: {} };
  const durationS = (end - start) / 1000;
  const pct = (p: number) => (lat.length ? round(percentile(lat, p)) : NaN);
  return {
    url: base,
    rate: o.rate,
    count: o.count,
    submitted: runs.length,
    decided: lat.length,
    timedOut: results.filter((r) => r.timedOut).length,
    errors: results.filter((r) => r.error).length,
    errorKinds,
    outcomes,
    durationS: round(durationS),
    throughputPerMin: round((lat.length / durationS) * 60),
    decisionLatencyS: {
      p50: pct(50),
      p95: pct(95),
      p99: pct(99),
      max: lat.length ? round(Math.max(...lat)) : NaN,
    },
    uploadS: {
      p50: up.length ? round(percentile(up, 50)) : NaN,
      p95: up.length ? round(percentile(up, 95)) : NaN,
    },
    queueWaitP95S: wait.all,
    queueWaitP95ByQueueS: wait.byQueue,
  };
}
