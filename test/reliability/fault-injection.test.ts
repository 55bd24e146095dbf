// Issue #17 acceptance: fault injection on loopback. 20 generated cases flow through an API process and a worker
// process (the real entry point, ROLE=api / ROLE=worker) while the worker is SIGKILLed at random moments (at least
// 10 times, restarted each time), a private Redis (append-only file kept) is restarted once and a private
// PostgreSQL is restarted once. Cases left in review are approved through the review API, so every case ends
// with an activation code, a registered e-letter (a real SMTP server on loopback) and an SMS (an HTTP provider on
// loopback). Afterwards: no case lost or stuck in processing, no duplicate decision, code, letter or SMS, no
// plaintext media anywhere under the temporary directory or DATA_DIR, `idv storage check` clean and the audit
// chain valid. The counts are printed as one JSON line.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import type { Config } from '../../service/config/index.js';
import { openDb, type Db } from '../../service/db/index.js';
import { migrate } from '../../service/db/migrate.js';
import { createReviewer } from '../../service/auth/account-repository.js';
import { loadEvidenceKeys } from '../../service/evidence/keys.js';
import { mulberry32 } from '../../service/shared/mulberry32.js';
import { testConfig } from '../helpers/env.js';
import { fixtureCase, type FixtureCase } from '../helpers/fixtures.js';
import { identityOf } from '../api/client.js';
import { ReviewClient } from '../review/client.js';
import { startSmsProvider, startSmtp, type LoopbackSms, type LoopbackSmtp } from '../activation/servers.js';
import { killGroup, spawnWorker, stopWorker, workerEnv } from '../pipeline/workers.js';
import {
  freePort,
  startPrivatePg,
  startPrivateRedis,
  type PrivatePg,
  type PrivateRedis,
} from './private-servers.js';
import { findPlaintext, fingerprint, plaintextsOf } from './plaintext.js';
import { storageCheck } from './storage-cli.js';

const CASES = 20;
const MIN_KILLS = 10;
/** Distinct generated cases (seeds no other test uses, so their plaintexts are this test's alone), reused. */
const SEEDS = [1701, 1702, 1703, 1704, 1705];
const PASSWORD = 'fault-injection-password';
const random = mulberry32(17);

let pgs: PrivatePg;
let redis: PrivateRedis;
let smtp: LoopbackSmtp;
let sms: LoopbackSms;
let config: Config;
let base: string;
let db: Db;
let fixtures: FixtureCase[];
let api: ChildProcess | undefined;
let worker: ChildProcess | undefined;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `fn` until it returns a value other than undefined; throws with `what` after `ms`. */
async function until<T>(what: string, ms: number, fn: () => Promise<T | undefined>, every = 250): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms: ${what}`);
    await sleep(every);
  }
}

function childEnv(role: 'api' | 'worker'): Record<string, string> {
  return workerEnv(config, {
    ROLE: role,
    PORT: String(config.PORT),
    PUBLIC_URL: config.PUBLIC_URL,
    PIPELINE_ATTEMPTS: String(config.PIPELINE_ATTEMPTS),
    SESSION_SECRET: config.SESSION_SECRET,
    CODE_HMAC_SECRET: config.CODE_HMAC_SECRET,
    METRICS_TOKEN: config.METRICS_TOKEN,
    SMTP_HOST: config.SMTP_HOST,
    SMTP_PORT: String(config.SMTP_PORT),
    SMS_PROVIDER: 'http',
    SMS_HTTP_URL: config.SMS_HTTP_URL!,
    SMS_HTTP_TOKEN: config.SMS_HTTP_TOKEN!,
    NOTIFY_BACKOFF_MS: String(config.NOTIFY_BACKOFF_MS),
    NOTIFY_ATTEMPTS: String(config.NOTIFY_ATTEMPTS),
  });
}

beforeAll(async () => {
  [pgs, redis, smtp, sms] = await Promise.all([
    startPrivatePg(),
    startPrivateRedis(),
    startSmtp(),
    startSmsProvider(),
  ]);
  const port = await freePort();
  config = testConfig({
    DATABASE_URL: pgs.url,
    REDIS_URL: redis.url,
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    FACE_WORKERS: '1',
    PIPELINE_CONCURRENCY: '1',
    PIPELINE_BACKOFF_MS: '500',
    PIPELINE_SWEEP_SECONDS: '3',
    // Several kills can land on one job: enough runs that a stage still finishes (a stage that runs out goes
    // to review with PROCESSING_FAILED, which the review step below approves anyway).
    PIPELINE_ATTEMPTS: '6',
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: String(smtp.port),
    SMS_PROVIDER: 'http',
    SMS_HTTP_URL: sms.url,
    SMS_HTTP_TOKEN: 'fault-injection-sms-token',
    NOTIFY_BACKOFF_MS: '300',
    NOTIFY_ATTEMPTS: '20',
  });
  base = `http://127.0.0.1:${port}`;
  // The evidence signing key is generated on first use: once here, not by two processes at once.
  loadEvidenceKeys(config);
  db = await openDb({ url: pgs.url, poolSize: 3 });
  await migrate(db);
  for (const [email, role] of [
    ['fi-reviewer@example.test', 'reviewer'],
    ['fi-supervisor@example.test', 'supervisor'],
  ] as const)
    await createReviewer(db, { email, role, password: PASSWORD });
  fixtures = [];
  for (const seed of SEEDS) fixtures.push(await fixtureCase({ attack: 'none', seed, formats: ['webm'] }));
}, 600_000);

afterAll(async () => {
  if (worker) await stopWorker(worker);
  if (api) await stopWorker(api);
  await db?.close();
  await Promise.allSettled([smtp?.close(), sms?.close()]);
  await redis?.destroy();
  await pgs?.destroy();
});

interface Submitted {
  id: string;
  token: string;
  email: string;
  mobile: string;
}

/**
 * A request retried while the service answers 503 (a dependency down) or cannot be reached; any other answer
 * than `expected` fails the test at once.
 */
async function call(
  what: string,
  path: string,
  init: () => RequestInit,
  expected: number,
): Promise<Record<string, unknown>> {
  const end = Date.now() + 120_000;
  for (;;) {
    const r = await fetch(base + path, init()).catch(() => undefined);
    if (r) {
      const body = (await r.json().catch(() => ({}))) as Record<string, unknown>;
      if (r.status === expected) return body;
      if (r.status !== 503) throw new Error(`${what}: ${r.status} ${JSON.stringify(body)}`);
    }
    if (Date.now() > end) throw new Error(`${what}: still unavailable after 120 s`);
    await sleep(250);
  }
}

async function submitCase(i: number): Promise<Submitted> {
  const fx = fixtures[i % fixtures.length]!;
  const n = String(i).padStart(2, '0');
  const applicant = { ...identityOf(fx), email: `fi-${n}@example.test`, mobile: `+33 6 12 34 56 ${n}` };
  const key = config.API_KEYS[0]!;
  const created = await call(
    'create',
    '/v1/verifications',
    () => ({
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': key },
      body: JSON.stringify({ lang: fx.truth.lang, applicant }),
    }),
    201,
  );
  const id = created.id as string;
  const token = created.token as string;
  const auth = { authorization: `Bearer ${token}` };
  await call('challenge', '/v1/applicant/challenge', () => ({ method: 'POST', headers: auth }), 200);
  // The fixture video says fixed digits: make them the issued challenge (the server's digits are random).
  await until('challenge digits', 120_000, async () => {
    await db.query('UPDATE challenges SET digits = $1 WHERE case_id = $2', [fx.truth.digits, id]);
    return true;
  });
  for (const [kind, path] of [
    ['front', fx.front],
    ['back', fx.back],
    ['video', fx.webm!],
  ] as const) {
    if (!path) continue;
    const bytes = await readFile(path);
    await call(
      `upload ${kind}`,
      `/v1/applicant/media/${kind}`,
      () => {
        const form = new FormData();
        form.append('file', new Blob([new Uint8Array(bytes)]), `${kind}.bin`);
        return { method: 'PUT', headers: auth, body: form };
      },
      201,
    );
  }
  await call('submit', '/v1/applicant/submit', () => ({ method: 'POST', headers: auth }), 202);
  return { id, token, email: applicant.email, mobile: applicant.mobile };
}

describe('fault injection', () => {
  it(`${CASES} cases, ≥ ${MIN_KILLS} worker kills, a Redis and a PostgreSQL restart: nothing lost, duplicated or left in plaintext`, async () => {
    const t0 = Date.now();
    const roots = [tmpdir(), config.DATA_DIR];
    // Copies of these fixtures that exist for other reasons (an aborted earlier run's folders) are not this run's.
    const fixturePlain = await Promise.all(
      fixtures.flatMap((f) => [f.front, f.back, f.webm].filter((x): x is string => !!x)).map(fingerprint),
    );
    const before = new Set(await findPlaintext(roots, fixturePlain));
    /** Processes this test stopped; any other exit is a crash of the service. */
    const stopped = new Set<ChildProcess>();
    let unexpectedExits = 0;
    const watch = (p: ChildProcess) => {
      p.once('exit', () => {
        if (!stopped.has(p)) unexpectedExits++;
      });
      return p;
    };
    const startWorker = () => watch(spawnWorker(childEnv('worker')));
    api = watch(spawnWorker(childEnv('api')));
    worker = startWorker();
    await until('API listening', 120_000, async () =>
      (await fetch(`${base}/healthz`)).status === 200 ? true : undefined,
    );

    // The chaos loop: once the current worker has finished a stage since it started (models loaded, jobs
    // flowing), it is killed (whole process group, SIGKILL) at a random moment 0–3 s later, mid-way through
    // whatever it runs next, and restarted at once; until the submissions are done and MIN_KILLS kills happened.
    // Kills land only while cases are being processed (a kill of an idle worker would prove nothing).
    let submitting = true;
    let kills = 0;
    const chaos = (async () => {
      while (submitting || kills < MIN_KILLS) {
        const since = new Date();
        const busy = await until('the worker processing', 300_000, async () => {
          const r = await db.query<{ done: string; open: string }>(
            `SELECT (SELECT count(*) FROM stage_results WHERE created_at > $1) AS done,
                    (SELECT count(*) FROM cases WHERE status = 'processing') AS open`,
            [since],
          );
          if (Number(r.rows[0]!.done) > 0) return true;
          if (!submitting && Number(r.rows[0]!.open) === 0) return false;
          return undefined;
        });
        if (!busy) break;
        await sleep(random() * 3000);
        const victim = worker!;
        stopped.add(victim);
        const gone =
          victim.exitCode === null && victim.signalCode === null
            ? new Promise((r) => victim.once('exit', r))
            : Promise.resolve();
        killGroup(victim);
        await gone;
        kills++;
        worker = startWorker();
      }
    })();
    // Awaited below; marked handled now so that a failure while submissions run is reported once, there.
    chaos.catch(() => undefined);

    const submitted: Submitted[] = [];
    let redisRestarts = 0;
    let pgRestarts = 0;
    try {
      for (let i = 0; i < CASES; i++) {
        if (i === 7) {
          // Redis down for a few seconds, then back with its append-only file.
          await redis.stop();
          await sleep(3000);
          await redis.start();
          redisRestarts++;
        }
        if (i === 14) {
          await pgs.stop();
          await sleep(3000);
          await pgs.start();
          pgRestarts++;
        }
        submitted.push(await submitCase(i));
      }
    } finally {
      submitting = false;
    }
    const submittedAt = Date.now();
    await chaos;
    // The last worker stays up: its start-up and periodic sweeps pick up whatever the kills left behind.
    const ids = submitted.map((s) => s.id);
    const statusOf = async () =>
      (
        await db.query<{ id: string; status: string }>(
          'SELECT id, status FROM cases WHERE id = ANY($1::uuid[])',
          [ids],
        )
      ).rows;
    await until(
      'every case decided after the sweep',
      600_000,
      async () => {
        const rows = await statusOf();
        return rows.length === CASES && rows.every((r) => r.status !== 'processing' && r.status !== 'created')
          ? rows
          : undefined;
      },
      1000,
    );
    const decided = await statusOf();
    const statuses: Record<string, number> = {};
    for (const r of decided) statuses[r.status] = (statuses[r.status] ?? 0) + 1;

    // Cases in review are approved through the review API (a supervisor gives the second approval when the
    // flags require one), so every case produces a code, a letter and an SMS.
    const reviewer = new ReviewClient(base);
    const supervisor = new ReviewClient(base);
    expect((await reviewer.login('fi-reviewer@example.test', PASSWORD)).status).toBe(200);
    expect((await supervisor.login('fi-supervisor@example.test', PASSWORD)).status).toBe(200);
    let approvedByReviewers = 0;
    for (const r of decided.filter((x) => x.status === 'in_review')) {
      expect((await reviewer.post(`/api/review/cases/${r.id}/claim`)).status).toBe(200);
      // As in the console: the server refuses a decision before the video is played and each side opened.
      await reviewer.lookAtEverything(r.id);
      const first = await reviewer.post(`/api/review/cases/${r.id}/decision`, { action: 'approve' });
      expect(first.status, JSON.stringify(first.body)).toBe(200);
      if (first.body.status === 'awaiting_second_approval') {
        await reviewer.post(`/api/review/cases/${r.id}/release`);
        expect((await supervisor.post(`/api/review/cases/${r.id}/claim`)).status).toBe(200);
        await supervisor.lookAtEverything(r.id);
        const second = await supervisor.post(`/api/review/cases/${r.id}/decision`, { action: 'approve' });
        expect(second.body).toEqual({ status: 'decided', caseStatus: 'approved' });
      } else expect(first.body).toEqual({ status: 'decided', caseStatus: 'approved' });
      approvedByReviewers++;
    }
    const approved = (await statusOf()).filter((r) => r.status === 'approved').map((r) => r.id);
    const approvedSet = new Set(approved);
    const expectedOut = submitted.filter((s) => approvedSet.has(s.id));

    // Every approved case's e-letter and SMS sent (rows) and received (the loopback servers).
    const mailTo = () =>
      smtp.mails.map((m) =>
        m.parsed.to && !Array.isArray(m.parsed.to) ? (m.parsed.to.value[0]?.address ?? '') : '',
      );
    await until(
      'letters and SMS delivered',
      300_000,
      async () => {
        const sent = await db.query<{ n: string }>(
          "SELECT count(*) AS n FROM deliveries WHERE status = 'sent' AND case_id = ANY($1::uuid[])",
          [approved],
        );
        const mails = new Set(mailTo());
        const texts = new Set(sms.requests.map((q) => q.body.to.replace(/\s/g, '')));
        return Number(sent.rows[0]!.n) === 2 * approved.length &&
          expectedOut.every((s) => mails.has(s.email) && texts.has(s.mobile.replace(/\s/g, '')))
          ? true
          : undefined;
      },
      500,
    );
    // Stop both processes cleanly: what is left on disk is what stays.
    stopped.add(worker!).add(api);
    await stopWorker(worker!);
    await stopWorker(api);
    worker = undefined;
    api = undefined;

    const one = async (sql: string, params: unknown[] = []) =>
      Number((await db.query<{ n: string }>(sql, params)).rows[0]!.n);
    const dupCount = (values: string[]) => {
      const seen = new Map<string, number>();
      for (const v of values) seen.set(v, (seen.get(v) ?? 0) + 1);
      return [...seen.values()].filter((n) => n > 1).length;
    };
    const plain = await plaintextsOf(db, ids);
    const plaintextFiles = (await findPlaintext(roots, plain)).filter((p) => !before.has(p));
    const storage = await storageCheck(config);
    const audit = spawnSync(process.execPath, ['bin/idv.js', 'audit', 'verify'], {
      encoding: 'utf8',
      env: {
        ...process.env,
        IDV_FROM_SOURCE: '1',
        NODE_ENV: 'test',
        DATABASE_URL: pgs.url,
        DATA_DIR: config.DATA_DIR,
        LOG_LEVEL: 'silent',
      },
      timeout: 120_000,
    });
    const auditResult = JSON.parse(audit.stdout.trim().split('\n').pop() || '{}') as {
      ok?: boolean;
      count?: number;
    };
    // Why the pipeline sent cases to review (PROCESSING_FAILED: a stage that ran out of attempts under the kills).
    const reviewReasons: Record<string, number> = {};
    for (const r of (
      await db.query<{ reason: string; n: string }>(
        "SELECT unnest(reasons) AS reason, count(*) AS n FROM decisions WHERE outcome = 'review' GROUP BY 1",
      )
    ).rows)
      reviewReasons[r.reason] = Number(r.n);
    const counts = {
      cases: CASES,
      inDatabase: await one('SELECT count(*) AS n FROM cases'),
      lost: CASES - decided.length,
      stuckProcessing: await one("SELECT count(*) AS n FROM cases WHERE status IN ('processing', 'created')"),
      statusesAfterPipeline: statuses,
      reviewReasons,
      approvedByReviewers,
      approved: approved.length,
      workerKills: kills,
      unexpectedExits,
      redisRestarts,
      postgresRestarts: pgRestarts,
      decisions: await one('SELECT count(*) AS n FROM decisions'),
      duplicateAutomaticDecisions: await one(
        "SELECT count(*) AS n FROM (SELECT 1 FROM decisions WHERE source <> 'reviewer' GROUP BY case_id, attempt HAVING count(*) > 1) d",
      ),
      duplicateFinalDecisions: await one(
        "SELECT count(*) AS n FROM (SELECT 1 FROM decisions WHERE outcome IN ('approve', 'reject') GROUP BY case_id HAVING count(*) > 1) d",
      ),
      activationCodes: await one('SELECT count(*) AS n FROM activation_codes'),
      duplicateCodes: await one(
        'SELECT count(*) AS n FROM (SELECT 1 FROM activation_codes GROUP BY case_id HAVING count(*) > 1) d',
      ),
      letters: await one('SELECT count(*) AS n FROM letters'),
      duplicateLetters: await one(
        'SELECT count(*) AS n FROM (SELECT 1 FROM letters GROUP BY case_id HAVING count(*) > 1) d',
      ),
      deliveriesSent: await one("SELECT count(*) AS n FROM deliveries WHERE status = 'sent'"),
      mailsReceived: smtp.mails.length,
      duplicateMails: dupCount(mailTo()),
      smsReceived: sms.requests.length,
      duplicateSms: dupCount(sms.requests.map((q) => q.body.to)),
      plaintextFiles: plaintextFiles.length,
      storage: {
        ok: storage.ok,
        objects: storage.objects,
        rows: storage.rows,
        orphans: storage.orphanObjects.length,
        missing: storage.missingObjects.length,
      },
      auditChainOk: auditResult.ok === true,
      auditEntries: auditResult.count,
      secondsSubmitting: Math.round((submittedAt - t0) / 1000),
      seconds: Math.round((Date.now() - t0) / 1000),
      loadAverage: loadavg().map((x) => Math.round(x * 10) / 10),
    };
    console.log(JSON.stringify({ faultInjection: counts }));

    expect(counts.inDatabase).toBe(CASES);
    expect(counts.lost).toBe(0);
    expect(counts.stuckProcessing).toBe(0);
    expect(counts.workerKills).toBeGreaterThanOrEqual(MIN_KILLS);
    expect(counts.unexpectedExits).toBe(0);
    expect(counts.redisRestarts).toBe(1);
    expect(counts.postgresRestarts).toBe(1);
    expect(counts.duplicateAutomaticDecisions).toBe(0);
    expect(counts.duplicateFinalDecisions).toBe(0);
    expect(counts.approved).toBeGreaterThan(0);
    expect(counts.activationCodes).toBe(counts.approved);
    expect(counts.duplicateCodes).toBe(0);
    expect(counts.letters).toBe(counts.approved);
    expect(counts.duplicateLetters).toBe(0);
    expect(counts.deliveriesSent).toBe(2 * counts.approved);
    expect(counts.mailsReceived).toBe(counts.approved);
    expect(counts.duplicateMails).toBe(0);
    expect(counts.smsReceived).toBe(counts.approved);
    expect(counts.duplicateSms).toBe(0);
    expect(plaintextFiles).toEqual([]);
    expect(storage).toMatchObject({ ok: true, orphanObjects: [], missingObjects: [] });
    expect(storage.rows).toBeGreaterThanOrEqual(CASES * 2);
    expect(audit.status, audit.stderr).toBe(0);
    expect(counts.auditChainOk).toBe(true);
  }, 1_200_000);
});
