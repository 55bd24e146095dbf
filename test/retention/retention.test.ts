// Retention with a controlled clock, on real PostgreSQL and Redis: verifications created and uploaded through the
// applicant API (media encrypted on disk by the real upload path), decided through the data layer's
// recordDecision (the function the pipeline and the reviewers use), then the scheduled job's run function is
// applied at chosen times. API-only process: no pipeline worker touches the cases.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startService, type RunningService } from '../../service/server.js';
import { lockCase, recordDecision, type DecisionOutcome } from '../../service/cases/index.js';
import { exists, mediaStoreFor, readAll } from '../../service/storage/index.js';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { evidenceFor } from '../../service/evidence/service.js';
import { loadEvidenceKeys } from '../../service/evidence/keys.js';
import { verifyEvidenceFile } from '../../service/evidence/evidence-file.js';
import { createAnchor, verifyAgainstAnchor } from '../../service/evidence/anchor.js';
import { entryHash, rowToRecord, verifyAuditChain } from '../../service/audit/audit-repository.js';
import { retentionPolicyFrom } from '../../service/retention/policy.js';
import { runRetentionSweep } from '../../service/retention/purge.js';
import { runRetentionJob, startRetentionJobs, RETENTION_SCHEDULER_ID } from '../../service/retention/job.js';
import { QUEUE } from '../../service/pipeline/jobs.js';
import { createLogger } from '../../service/logger.js';
import { testConfig, tempDir } from '../helpers/env.js';
import { freshPgDatabase } from '../helpers/pg.js';
import { ApiClient } from '../api/client.js';
import { FACE_JPG, FACE2_JPG, makeReviewer, PASSWORD, testVideo } from '../review/seed.js';
import { ReviewClient } from '../review/client.js';

const DAY = 86_400_000;
const T0 = new Date();
const at = (days: number) => new Date(T0.getTime() + days * DAY);

let pg: { url: string; drop(): Promise<void> };
let svc: RunningService;
let api: ApiClient;

const applicant = {
  lastName: 'Dupont-Retention',
  firstNames: 'Jeanne',
  birthDate: '1985-02-03',
  email: 'jeanne@example.test',
  mobile: '+33 6 00 00 00 01',
};

async function uploadAll(token: string, withVideo = true): Promise<void> {
  for (const [kind, path] of [
    ['front', FACE_JPG],
    ['back', FACE2_JPG],
    ...(withVideo ? [['video', testVideo()]] : []),
  ] as const) {
    const u = await api.upload(token, kind, path, kind === 'video' ? 'selfie.webm' : `${kind}.jpg`);
    expect(u.status, kind).toBe(201);
  }
}

/** A submitted verification moved to `outcome` by the data layer at `now`. */
async function decidedCase(outcome: DecisionOutcome, now: Date): Promise<{ id: string; token: string }> {
  const c = await api.create(applicant);
  await uploadAll(c.token);
  await api.challenge(c.token); // the applicant app asks for the digits when recording starts
  expect((await api.submit(c.token)).status).toBe(202);
  await svc.runtime.db.tx(async (q) => {
    const row = (await lockCase(q, c.id))!;
    await recordDecision(q, row, {
      outcome,
      reasons: outcome === 'reject' ? ['FACE_MISMATCH'] : outcome === 'review' ? ['FACE_BORDERLINE'] : [],
      source: 'auto',
      policyVersion: 'test',
      now,
      ...(outcome === 'review' ? { reviewDeadline: new Date(now.getTime() + 2 * DAY) } : {}),
    });
  });
  return { id: c.id, token: c.token };
}

async function storageKeys(caseId: string): Promise<string[]> {
  const r = await svc.runtime.db.query<{ storage_key: string }>(
    'SELECT storage_key FROM media WHERE case_id = $1',
    [caseId],
  );
  return r.rows.map((x) => x.storage_key);
}

async function objectsPresent(caseId: string): Promise<boolean[]> {
  const dir = join(svc.runtime.config.DATA_DIR, 'media');
  return Promise.all((await storageKeys(caseId)).map((k) => exists(dir, k)));
}

async function caseRow(caseId: string) {
  const r = await svc.runtime.db.query<{
    status: string;
    applicant: Record<string, string>;
    media_purged_at: Date | null;
    personal_data_erased_at: Date | null;
  }>('SELECT status, applicant, media_purged_at, personal_data_erased_at FROM cases WHERE id = $1', [caseId]);
  return r.rows[0]!;
}

async function receipts(caseId: string) {
  const r = await svc.runtime.db.query<{
    seq: string;
    action: string;
    details: Record<string, unknown>;
    created_at: Date;
  }>(
    `SELECT seq, action, details, created_at FROM audit_events WHERE case_id = $1 AND action LIKE 'retention.%' ORDER BY seq`,
    [caseId],
  );
  return r.rows;
}

function runJob(now: Date) {
  const cfg = svc.runtime.config;
  return runRetentionJob({
    db: svc.runtime.db,
    store: mediaStoreFor(cfg, svc.runtime.db),
    policy: retentionPolicyFrom(cfg),
    evidence: evidenceFor(svc.runtime, () => now),
    signingKey: loadEvidenceKeys(cfg).signing,
    anchorDir: cfg.AUDIT_ANCHOR_DIR,
    now: () => now,
  });
}

function idv(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['bin/idv.js', ...args],
      { env: { ...process.env, IDV_FROM_SOURCE: '1', NODE_ENV: 'test', ...env } },
      (err, stdout, stderr) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

beforeAll(async () => {
  pg = await freshPgDatabase();
  svc = await startService(testConfig({ DATABASE_URL: pg.url, ROLE: 'api' }));
  api = new ApiClient(svc.url!, svc.runtime.config.API_KEYS[0]!);
  testVideo();
}, 120_000);

afterAll(async () => {
  await svc?.stop();
  await pg?.drop();
});

describe('scheduled purge (controlled clock)', () => {
  let rejected: { id: string };
  let approved: { id: string };
  let held: { id: string };
  let inReview: { id: string };
  let unfinished: { id: string; token: string };

  beforeAll(async () => {
    rejected = await decidedCase('reject', T0);
    approved = await decidedCase('approve', T0);
    held = await decidedCase('reject', T0);
    inReview = await decidedCase('review', T0);
    const u = await api.create(applicant);
    await uploadAll(u.token, false);
    unfinished = u;
  }, 120_000);

  it('keeps everything before the configured days', async () => {
    // The link expires after 3 days (VERIFICATION_TTL_HOURS=72): unfinished data go 7 days later.
    const r = await runJob(at(9));
    expect(r).toMatchObject({ media: 0, unfinished: 0, evidence: 0 });
    // The safety net built the evidence files the outbox (not running in an API-only process) did not.
    expect(r.evidenceBuilt).toBeGreaterThanOrEqual(3);
    for (const c of [rejected, approved, held, inReview, unfinished]) {
      expect((await objectsPresent(c.id)).every(Boolean)).toBe(true);
      expect(await receipts(c.id)).toEqual([]);
    }
  });

  it('an admin puts a case under legal hold (reviewer console API)', async () => {
    const admin = await makeReviewer(svc.runtime.db, 'admin');
    const reviewer = await makeReviewer(svc.runtime.db, 'reviewer');
    const a = new ReviewClient(svc.url!);
    const r = new ReviewClient(svc.url!);
    expect((await a.login(admin.email, PASSWORD)).status).toBe(200);
    expect((await r.login(reviewer.email, PASSWORD)).status).toBe(200);
    const path = `/api/retention/cases/${held.id}/legal-hold`;
    expect((await r.req('PUT', path, { hold: true, reason: 'court order 42' })).status).toBe(403);
    expect((await a.req('PUT', path, { hold: true }, { csrf: null })).status).toBe(403);
    const ok = await a.req('PUT', path, { hold: true, reason: 'court order 42' });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ id: held.id, legalHold: true });
    const audit = await svc.runtime.db.query<{ actor_id: string }>(
      `SELECT actor_id FROM audit_events WHERE case_id = $1 AND action = 'case.legal_hold.set'`,
      [held.id],
    );
    expect(audit.rows.map((x) => x.actor_id)).toEqual([admin.id]);
  });

  it('purges a verification never submitted after RETENTION_UNFINISHED_DAYS (media, identity, link)', async () => {
    expect(await runJob(at(11))).toMatchObject({ media: 0, unfinished: 1, evidence: 0 });
    const u = await caseRow(unfinished.id);
    expect(u.status).toBe('expired');
    expect(u.applicant.lastName).toBe('');
    expect(u.applicant.email).toBe('');
    expect(u.personal_data_erased_at).not.toBeNull();
    expect(await objectsPresent(unfinished.id)).toEqual([false, false]);
    expect((await receipts(unfinished.id))[0]!.details).toMatchObject({
      policy: 'unfinished',
      rule: 'RETENTION_UNFINISHED_DAYS=7',
      objects: 2,
    });
    const link = await fetch(`${svc.url}/v1/applicant/status`, {
      headers: { authorization: `Bearer ${unfinished.token}` },
    });
    expect(link.status).toBe(401);
    expect(await runJob(at(29))).toMatchObject({ media: 0, unfinished: 0, evidence: 0 });
  });

  it('purges media after RETENTION_MEDIA_DAYS, never a case in review or on hold', async () => {
    const before = await storageKeys(rejected.id);
    expect(before.length).toBe(3);
    // A copy of one object taken before the purge (a backup): the purge destroys its key, so it stays unreadable.
    const backupPath = join(
      svc.runtime.config.DATA_DIR,
      'media',
      before[0]!.slice(0, 2),
      `${before[0]}.sealed`,
    );
    const backup = await readFile(backupPath);
    const r = await runJob(at(31));
    expect(r).toMatchObject({ media: 2, unfinished: 0, evidence: 0 });
    for (const c of [rejected, approved]) {
      expect(await objectsPresent(c.id)).toEqual([false, false, false]);
      expect((await caseRow(c.id)).media_purged_at).not.toBeNull();
      // Receipt in the audit trail: what, when, which policy.
      const [receipt, ...more] = await receipts(c.id);
      expect(more).toEqual([]);
      expect(receipt!.action).toBe('retention.purged');
      expect(receipt!.details).toMatchObject({
        policy: 'media',
        rule: 'RETENTION_MEDIA_DAYS=30',
        objects: 3,
        kinds: ['back', 'front', 'video'],
        personalDataErased: false,
        purgedAt: at(31).toISOString(),
      });
    }
    // The store cannot serve a purged object.
    const store = mediaStoreFor(svc.runtime.config, svc.runtime.db);
    await expect(
      (async () => {
        for await (const _ of store.get(before[0]!)) void _;
      })(),
    ).rejects.toThrow(/ENOENT/);
    await writeFile(backupPath, backup);
    await expect(readAll(store, before[0]!)).rejects.toThrow(/data key of this media has been destroyed/);
    await rm(backupPath);
    // Declared identity kept on a media purge (the case is decided; erasure is the business service's call).
    expect((await caseRow(rejected.id)).applicant.lastName).toBe(applicant.lastName);
    // Held and in-review cases untouched.
    for (const c of [held, inReview]) {
      expect((await objectsPresent(c.id)).every(Boolean)).toBe(true);
      expect(await receipts(c.id)).toEqual([]);
    }
    expect((await caseRow(inReview.id)).status).toBe('in_review');
    // The evidence file outlives the media, and still verifies.
    const ev = await fetch(`${svc.url}/v1/verifications/${rejected.id}/evidence`, {
      headers: { 'x-api-key': api.apiKey },
    });
    expect(ev.status).toBe(200);
    const check = verifyEvidenceFile(
      Buffer.from(await ev.arrayBuffer()),
      loadEvidenceKeys(svc.runtime.config).published,
    );
    expect(check).toMatchObject({ ok: true, outcome: 'reject' });
    // Re-running at the same time purges nothing twice.
    expect(await runJob(at(31))).toMatchObject({ media: 0, unfinished: 0 });
  });

  it('counts purged cases in the Prometheus metrics', async () => {
    const r = await fetch(`${svc.url}/metrics`, {
      headers: { authorization: `Bearer ${svc.runtime.config.METRICS_TOKEN}` },
    });
    const text = await r.text();
    expect(text).toMatch(/^idv_retention_purged_cases\{policy="media"\} 2$/m);
    expect(text).toMatch(/^idv_retention_purged_cases\{policy="unfinished"\} 1$/m);
    expect(text).toMatch(/^idv_retention_legal_holds 1$/m);
  });

  it('purges a held case once the hold is lifted, and evidence files after RETENTION_EVIDENCE_YEARS', async () => {
    const out = await idv(['retention', 'release', held.id], {
      DATABASE_URL: pg.url,
      DATA_DIR: svc.runtime.config.DATA_DIR,
    });
    expect(out.stderr).toBe('');
    expect(JSON.parse(out.stdout)).toEqual({ id: held.id, legalHold: false });
    expect(await runJob(at(32))).toMatchObject({ media: 1 });
    expect(await objectsPresent(held.id)).toEqual([false, false, false]);
    // 7 years after the decision (T0): evidence of the decided cases purged; the case in review has none.
    expect(await runJob(at(7 * 365 + 1))).toMatchObject({ evidence: 0 });
    const r = await runJob(at(7 * 366 + 1));
    expect(r.evidence).toBe(3);
    const rec = await receipts(rejected.id);
    expect(rec.at(-1)!.action).toBe('retention.evidence.purged');
    expect(rec.at(-1)!.details).toMatchObject({ policy: 'evidence', rule: 'RETENTION_EVIDENCE_YEARS=7' });
    const ev = await fetch(`${svc.url}/v1/verifications/${rejected.id}/evidence`, {
      headers: { 'x-api-key': api.apiKey },
    });
    expect(ev.status).toBe(410);
    expect((await caseRow(inReview.id)).status).toBe('in_review');
    expect((await objectsPresent(inReview.id)).every(Boolean)).toBe(true);
    expect(await verifyAuditChain(svc.runtime.db)).toMatchObject({ ok: true });
  });
  it('never purges the media of a decided case before its evidence file exists', async () => {
    const c = await decidedCase('reject', T0);
    const cfg = svc.runtime.config;
    const sweep = await runRetentionSweep(
      { db: svc.runtime.db, store: mediaStoreFor(cfg, svc.runtime.db), policy: retentionPolicyFrom(cfg) },
      at(40),
    );
    expect(sweep.media).toBe(0);
    expect((await objectsPresent(c.id)).every(Boolean)).toBe(true);
    // The scheduled job builds the missing file first, then purges.
    expect(await runJob(at(40))).toMatchObject({ evidenceBuilt: 1, media: 1 });
    expect(await objectsPresent(c.id)).toEqual([false, false, false]);
  });
});

describe('public API description', () => {
  it('lists the evidence, erasure and key routes in /openapi.json', async () => {
    const doc = (await (await fetch(`${svc.url}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    expect(doc.paths['/v1/verifications/{id}/evidence']?.get).toBeDefined();
    expect(doc.paths['/v1/verifications/{id}/personal-data']?.delete).toBeDefined();
    expect(doc.paths['/.well-known/idv-evidence-keys.json']?.get).toBeDefined();
    const keys = (await (await fetch(`${svc.url}/.well-known/idv-evidence-keys.json`)).json()) as {
      keys: Array<{ kid: string; crv: string; status: string }>;
    };
    expect(keys.keys).toEqual([
      expect.objectContaining({
        kid: loadEvidenceKeys(svc.runtime.config).signing.keyId,
        crv: 'Ed25519',
        status: 'current',
      }),
    ]);
  });
});

describe('erasure request from the business service', () => {
  it('purges at once what the evidence retention does not require, and says what was kept and why', async () => {
    const c = await decidedCase('approve', new Date());
    const keys = await storageKeys(c.id);
    const del = await fetch(`${svc.url}/v1/verifications/${c.id}/personal-data`, {
      method: 'DELETE',
      headers: { 'x-api-key': api.apiKey },
    });
    expect(del.status).toBe(200);
    const body = (await del.json()) as {
      deleted: Array<{ item: string; count?: number }>;
      kept: Array<{ item: string; until?: string; why: string }>;
    };
    expect(body.deleted[0]).toEqual({ item: 'media (document photos, selfie video, face and mouth crops)', count: 3 });
    expect(body.deleted.map((d) => d.item)).toContain('declared identity and contact data');
    expect(body.kept.map((k) => k.item)).toEqual([
      'evidence file',
      'verification record',
      'audit trail entries',
    ]);
    expect(body.kept[0]!.why).toMatch(/^RETENTION_EVIDENCE_YEARS=7: /);
    expect(new Date(body.kept[0]!.until!).getUTCFullYear()).toBe(new Date().getUTCFullYear() + 7);
    // What is left in the database and the store.
    const row = await caseRow(c.id);
    expect(Object.values(row.applicant).every((v) => v === '')).toBe(true);
    expect(row.status).toBe('approved');
    const dir = join(svc.runtime.config.DATA_DIR, 'media');
    expect(await Promise.all(keys.map((k) => exists(dir, k)))).toEqual([false, false, false]);
    const dump = JSON.stringify(
      (await svc.runtime.db.query('SELECT * FROM cases WHERE id = $1', [c.id])).rows[0],
    );
    expect(dump).not.toContain(applicant.lastName);
    expect(dump).not.toContain(applicant.email);
    expect((await receipts(c.id)).map((x) => x.details.policy)).toEqual(['erasure']);
    // The evidence file was built before the erasure and still verifies.
    const ev = await fetch(`${svc.url}/v1/verifications/${c.id}/evidence`, {
      headers: { 'x-api-key': api.apiKey },
    });
    expect(ev.status).toBe(200);
    expect(
      verifyEvidenceFile(Buffer.from(await ev.arrayBuffer()), loadEvidenceKeys(svc.runtime.config).published)
        .ok,
    ).toBe(true);
  });

  it('refuses a case in review or on legal hold, and needs the API key', async () => {
    const r = await decidedCase('review', new Date());
    const del = (id: string, key = api.apiKey) =>
      fetch(`${svc.url}/v1/verifications/${id}/personal-data`, {
        method: 'DELETE',
        headers: { 'x-api-key': key },
      });
    expect((await del(r.id, 'wrong')).status).toBe(401);
    const busy = await del(r.id);
    expect(busy.status).toBe(409);
    expect(((await busy.json()) as { error: { code: string } }).error.code).toBe('in_progress');
    const h = await decidedCase('reject', new Date());
    const hold = await idv(['retention', 'hold', h.id, '--reason', 'investigation'], {
      DATABASE_URL: pg.url,
      DATA_DIR: svc.runtime.config.DATA_DIR,
    });
    expect(hold.code).toBe(0);
    const held = await del(h.id);
    expect(held.status).toBe(409);
    expect(((await held.json()) as { error: { code: string } }).error.code).toBe('legal_hold');
    expect((await objectsPresent(h.id)).every(Boolean)).toBe(true);
    expect((await del('00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });
});

describe('scheduled job and audit anchoring', () => {
  it('registers one repeatable BullMQ job and runs it; the exported anchor detects a rewrite of the database', async () => {
    const cfg = svc.runtime.config;
    const anchorDir = tempDir('idv-anchors-');
    const jobs = await startRetentionJobs({
      db: svc.runtime.db,
      store: mediaStoreFor(cfg, svc.runtime.db),
      policy: retentionPolicyFrom(cfg),
      evidence: evidenceFor(svc.runtime),
      signingKey: loadEvidenceKeys(cfg).signing,
      logger: createLogger('silent'),
      queues: svc.runtime.queues,
      everyMinutes: 60,
      anchorDir,
    });
    // The queue of the job vocabulary, under the deployment's prefix.
    const q = svc.runtime.queues.retention;
    expect(q.name).toBe(QUEUE.retention);
    try {
      const schedulers = await q.getJobSchedulers();
      expect(schedulers.map((s) => [s.key, s.every])).toEqual([[RETENTION_SCHEDULER_ID, 3_600_000]]);
      const run = await jobs.runNow();
      expect(run.anchor.seq).toBeGreaterThan(0);
      const anchor = JSON.parse(readFileSync(run.anchor.file, 'utf8')) as { seq: number; hash: string };
      expect(anchor.seq).toBe(run.anchor.seq);
    } finally {
      await jobs.close();
      await q.obliterate({ force: true });
    }

    // On demand, as `idv audit anchor` does; then the CLI checks the database against it.
    const db = svc.runtime.db;
    const keys = loadEvidenceKeys(cfg).published;
    const anchor = await createAnchor(db, loadEvidenceKeys(cfg).signing, new Date());
    const anchorFile = join(anchorDir, 'head.json');
    const keysFile = join(anchorDir, 'keys.json');
    writeFileSync(anchorFile, JSON.stringify(anchor));
    writeFileSync(keysFile, JSON.stringify(keys));
    const env = { DATABASE_URL: pg.url, DATA_DIR: cfg.DATA_DIR };
    const good = await idv(['audit', 'verify', '--anchor', anchorFile, '--keys', keysFile], env);
    expect(good.code).toBe(0);
    expect(JSON.parse(good.stdout)).toMatchObject({ ok: true, anchorSeq: anchor.seq, problems: [] });

    // A rewrite by someone with database rights: one entry changed and every later hash recomputed, so that the
    // chain is consistent on its own again.
    const target = anchor.seq - 3;
    await db.exec('ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update');
    const rows = (await db.query('SELECT * FROM audit_events WHERE seq >= $1 ORDER BY seq', [target])).rows;
    let prev = rows[0]!.prev_hash as string;
    for (const raw of rows) {
      const rec = rowToRecord(raw as unknown as Parameters<typeof rowToRecord>[0]);
      const { prevHash: _p, hash: _h, ...entry } = rec;
      if (rec.seq === target) entry.details = { ...entry.details, rewritten: true };
      const hash = entryHash(prev, entry);
      await db.query('UPDATE audit_events SET prev_hash = $2, hash = $3, details = $4 WHERE seq = $1', [
        rec.seq,
        prev,
        hash,
        JSON.stringify(entry.details),
      ]);
      prev = hash;
    }
    await db.query('UPDATE audit_head SET hash = $1 WHERE id = 1', [prev]);
    await db.exec('ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update');
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true });
    const bad = await idv(['audit', 'verify', '--anchor', anchorFile, '--keys', keysFile], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(
      `audit verify: audit entry seq ${anchor.seq}: hash differs from the anchored hash (the chain was rewritten)`,
    );
    // A forged anchor (hash changed) fails its signature.
    const forged = await verifyAgainstAnchor(db, { ...anchor, hash: prev }, keys);
    expect(forged.problems).toContain(
      `anchor signature: signature does not verify with key ${anchor.keyId} (signed content altered)`,
    );
  }, 120_000);
});
