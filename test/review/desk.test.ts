// Seen before, QA, search and the development outbox against a running service (real PGlite, Redis, the real
// decide step on the generated case's real stage results, the real outbox dispatcher for invitations).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { startService, type RunningService } from '../../service/server.js';
import { loadConfig } from '../../service/config/index.js';
import { purgeCaseMedia } from '../../service/retention/purge.js';
import { retentionPolicyFrom } from '../../service/retention/policy.js';
import { qaDraw } from '../../service/fraud/hooks.js';
import { decide } from '../../service/decision/index.js';
import { tempDir, testConfig } from '../helpers/env.js';
import { waitFor } from '../activation/servers.js';
import { makeReviewer, PASSWORD, realRun, seedCase } from './seed.js';
import { decideDeps, seedAndDecide } from './seen-before.js';
import { handleFace } from '../../service/pipeline/handlers.js';
import { createFaceAdapter } from '../../service/pipeline/engines/face.js';
import { faceCaptureLimits, faceThresholds } from '../../service/pipeline/policy-config.js';
import { ReviewClient } from './client.js';

let svc: RunningService;
const clients: Record<string, ReviewClient> = {};
const users: Record<string, { id: string; email: string }> = {};

beforeAll(async () => {
  // No SMTP_HOST, no SMS_PROVIDER: the development outbox. Every automatic approval sampled for QA.
  svc = await startService(testConfig({ QA_SAMPLE_RATE: '1' }));
  for (const [tag, role] of [
    ['rita', 'reviewer'],
    ['otto', 'ops'],
    ['ada', 'admin'],
  ] as const) {
    users[tag] = await makeReviewer(svc.runtime.db, role, tag);
    clients[tag] = new ReviewClient(svc.url!);
    expect((await clients[tag].login(users[tag].email, PASSWORD)).status).toBe(200);
  }
  await realRun();
}, 600_000);
afterAll(async () => svc?.stop());

const db = () => svc.runtime.db;
const audit = async (caseId: string, action: string) =>
  (await db().query('SELECT details FROM audit_events WHERE case_id = $1 AND action = $2', [caseId, action]))
    .rows;

describe('seen before', () => {
  let first: { id: string; status: string; reasons: string[] };
  let other: { id: string; status: string; reasons: string[] };

  it('finds the same document number and the same face declared under another identity', async () => {
    const { store, config } = svc.runtime;
    first = await seedAndDecide(db(), store, config);
    expect(first.reasons).not.toContain('DOCUMENT_SEEN_BEFORE');
    expect(first.reasons).not.toContain('FACE_SEEN_BEFORE');
    // Same generated person and document, declared as somebody else.
    other = await seedAndDecide(db(), store, config, {
      declared: { lastName: 'DUPONT', firstNames: 'Jeanne', birthDate: '1985-01-01' },
    });
    expect(other.status).toBe('in_review');
    expect(other.reasons).toEqual(expect.arrayContaining(['DOCUMENT_SEEN_BEFORE', 'FACE_SEEN_BEFORE']));
    // The same identity again (a second verification of the same person): the document is seen on both, the face
    // only on the case declared under another identity.
    const again = await seedAndDecide(db(), store, config);
    expect(again.reasons).toEqual(expect.arrayContaining(['DOCUMENT_SEEN_BEFORE', 'FACE_SEEN_BEFORE']));
    const found = await db().query<{ other_case_id: string; kind: string }>(
      'SELECT other_case_id, kind FROM seen_before_matches WHERE case_id = $1 ORDER BY kind, other_case_id',
      [again.id],
    );
    expect(
      found.rows
        .filter((x) => x.kind === 'document')
        .map((x) => x.other_case_id)
        .sort(),
    ).toEqual([first.id, other.id].sort());
    expect(found.rows.filter((x) => x.kind === 'face').map((x) => x.other_case_id)).toEqual([other.id]);
    // Never the document number in clear: only keyed hashes and a sealed descriptor.
    const real = await realRun();
    const docNumber = String(real.stages.document!.fields.documentNumber);
    expect(docNumber.length).toBeGreaterThan(4);
    const rows = await db().query<{ t: string }>('SELECT row_to_json(i)::text AS t FROM seen_before_index i');
    expect(rows.rows.length).toBeGreaterThanOrEqual(3);
    for (const r of rows.rows) {
      expect(r.t).not.toContain(docNumber);
      expect(r.t).not.toContain(String(real.faceDescriptor![0]).slice(0, 8));
    }
  });

  it('the real face stage seals its live descriptor into the index and gives each crop its landmarks', async () => {
    const { store, config } = svc.runtime;
    const id = await seedCase(db(), store, { status: 'processing', realCrops: true });
    await db().query(`DELETE FROM stage_results WHERE case_id = $1 AND stage = 'face'`, [id]);
    const face = createFaceAdapter(1, faceThresholds(config), faceCaptureLimits(config));
    try {
      const deps = {
        ...decideDeps(db(), store, config),
        engines: { ...decideDeps(db(), store, config).engines, face: async () => face },
      };
      const out = await handleFace(deps, {
        caseId: id,
        attempt: 1,
        lastAttempt: true,
        progress: () => Promise.resolve(),
      });
      expect(out.status).toBe('ok');
    } finally {
      await face.close();
    }
    const row = await db().query<{ face_sealed: string | null }>(
      'SELECT face_sealed FROM seen_before_index WHERE case_id = $1',
      [id],
    );
    expect(row.rows[0]!.face_sealed).toMatch(/^v1\./);
    const stored = await db().query<{
      result: { cropLandmarks?: { portrait: number[] | null; bestFrame: number[] | null } };
    }>(`SELECT result FROM stage_results WHERE case_id = $1 AND stage = 'face'`, [id]);
    const lm = stored.rows[0]!.result.cropLandmarks!;
    expect(lm.portrait).toHaveLength(136);
    expect(lm.bestFrame).toHaveLength(136);
    for (const v of [...lm.portrait!, ...lm.bestFrame!]) {
      expect(v).toBeGreaterThan(-0.05);
      expect(v).toBeLessThan(1.05);
    }
  }, 300_000);

  it('shows the other cases side by side and audits that access on both cases', async () => {
    const r = await clients.rita!.get(`/api/review/cases/${other.id}/seen-before`);
    expect(r.status).toBe(200);
    const m = (
      r.body.matches as Array<{ otherCaseId: string; kinds: string[]; similarity: number; media: string[] }>
    ).find((x) => x.otherCaseId === first.id)!;
    expect(m.kinds.sort()).toEqual(['document', 'face']);
    expect(m.similarity).toBeGreaterThan(0.9);
    expect(m.media).toEqual(expect.arrayContaining(['front', 'live_frame', 'portrait']));
    expect(await audit(other.id, 'case.seen_before.viewed')).toHaveLength(1);
    expect(await audit(first.id, 'case.viewed_as_seen_before')).toEqual([
      { details: { fromCase: other.id } },
    ]);
    expect((await clients.otto!.get(`/api/review/cases/${other.id}/seen-before`)).status).toBe(403);
  });

  it('the index goes with the biometrics: a media purge deletes it, and the case is no longer found', async () => {
    const { store, config } = svc.runtime;
    const out = await purgeCaseMedia(
      { db: db(), store, policy: retentionPolicyFrom(config) },
      first.id,
      new Date(),
    );
    expect(out.status).toBe('purged');
    const left = await db().query('SELECT 1 FROM seen_before_index WHERE case_id = $1', [first.id]);
    expect(left.rowCount).toBe(0);
    const next = await seedAndDecide(db(), store, config, {
      declared: { lastName: 'MARTIN', firstNames: 'Paul' },
    });
    const found = await db().query<{ other_case_id: string }>(
      'SELECT other_case_id FROM seen_before_matches WHERE case_id = $1',
      [next.id],
    );
    expect(found.rows.map((x) => x.other_case_id)).not.toContain(first.id);
    expect(found.rows.map((x) => x.other_case_id)).toContain(other.id);
  });

  it('the policy adds nothing when nothing was seen before (eval cases unchanged)', async () => {
    const real = await realRun();
    const p = { reviewAll: false, maxAttempts: 3, faceAccept: 0.92, faceReject: 0.25 };
    const signals = {
      document: real.stages.document!.signals,
      face: real.stages.face!.signals,
      speech: real.stages.speech!.signals,
      attempt: 1,
    };
    const base = decide(signals, p);
    expect(decide({ ...signals, seenBefore: { document: false, face: false } }, p)).toEqual(base);
    expect(decide({ ...signals, seenBefore: { document: true, face: false } }, p).reasons).toContain(
      'DOCUMENT_SEEN_BEFORE',
    );
  });
});

describe('QA and search', () => {
  it('samples automatic approvals into the QA queue; verdicts give per-reviewer agreement (API and metrics)', async () => {
    const { store, config } = svc.runtime;
    const approved = await seedAndDecide(db(), store, config, {
      declared: { lastName: 'QA', firstNames: 'Case', birthDate: '1970-01-01' },
    });
    // A face seen under another identity is never approved automatically; the QA sample holds only approvals.
    const sampled = await db().query<{ case_id: string }>('SELECT case_id FROM qa_samples');
    const approvedIds = (
      await db().query<{ id: string }>(`SELECT id FROM cases WHERE status = 'approved'`)
    ).rows.map((r) => r.id);
    expect(sampled.rows.map((r) => r.case_id).sort()).toEqual(approvedIds.sort());
    expect(approvedIds.length).toBeGreaterThanOrEqual(1);
    expect(approved.status).toBe('in_review');
    const target = approvedIds[0]!;

    const queue = await clients.rita!.get('/api/review/qa');
    expect(queue.status).toBe(200);
    expect(queue.body.items.map((i: { caseId: string }) => i.caseId)).toContain(target);
    expect((await clients.rita!.post(`/api/review/qa/${target}`, { verdict: 'maybe' })).status).toBe(400);
    expect((await clients.rita!.post(`/api/review/qa/${randomUUID()}`, { verdict: 'agree' })).status).toBe(
      404,
    );
    const ok = await clients.rita!.post(`/api/review/qa/${target}`, { verdict: 'agree' });
    expect(ok.status).toBe(200);
    expect((await clients.rita!.post(`/api/review/qa/${target}`, { verdict: 'disagree' })).status).toBe(409);
    expect(await audit(target, 'case.qa.reviewed')).toEqual([{ details: { verdict: 'agree' } }]);

    const figures = await clients.otto!.get('/api/ops/reviewers');
    expect(figures.status).toBe(200);
    const auto = figures.body.reviewers.find((r: { reviewerId: string }) => r.reviewerId === 'auto');
    expect(auto).toMatchObject({ qaChecked: 1, qaAgreed: 1, agreement: 1 });
    expect(auto.decisions.approve).toBe(approvedIds.length);
    const rita = figures.body.reviewers.find((r: { reviewerId: string }) => r.reviewerId === users.rita!.id);
    expect(rita).toMatchObject({ qaDone: 1 });
    expect(figures.body.names[users.rita!.id]).toBe(users.rita!.email);
    expect((await clients.rita!.get('/api/ops/reviewers')).status).toBe(403);

    const metrics = await (
      await fetch(`${svc.url}/metrics`, {
        headers: { authorization: `Bearer ${svc.runtime.config.METRICS_TOKEN}` },
      })
    ).text();
    expect(metrics).toMatch(/^idv_qa_samples\{state="agree"\} 1$/m);
    expect(metrics).toMatch(
      new RegExp(`^idv_qa_samples\\{state="pending"\\} ${approvedIds.length - 1}$`, 'm'),
    );
    expect(metrics).toMatch(/^idv_qa_agreement_ratio\{decider="auto"\} 1$/m);
  });

  it('draws the QA sample at the configured rate, the same way on a replay', () => {
    const ids = Array.from({ length: 4000 }, () => randomUUID());
    const share = ids.filter((id) => qaDraw(id) < 0.1).length / ids.length;
    expect(share).toBeGreaterThan(0.08);
    expect(share).toBeLessThan(0.12);
    expect(qaDraw(ids[0]!)).toBe(qaDraw(ids[0]!));
  });

  it('finds a case by reference or id (beginning), for reviewers only', async () => {
    const row = (
      await db().query<{ id: string; reference: string }>('SELECT id, reference FROM cases LIMIT 1')
    ).rows[0]!;
    const byRef = await clients.rita!.get(
      `/api/review/search?q=${encodeURIComponent(row.reference.toLowerCase())}`,
    );
    expect(byRef.status).toBe(200);
    expect(byRef.body.items[0].caseId).toBe(row.id);
    const byId = await clients.rita!.get(`/api/review/search?q=${row.id.slice(0, 8)}`);
    expect(byId.body.items.map((i: { caseId: string }) => i.caseId)).toContain(row.id);
    expect((await clients.rita!.get('/api/review/search?q=%25')).body.items).toEqual([]);
    expect((await clients.rita!.get('/api/review/search?q=')).status).toBe(400);
    expect((await clients.otto!.get(`/api/review/search?q=${row.reference}`)).status).toBe(403);
  });
});

describe('development outbox', () => {
  it('keeps letters and SMS encrypted in the database and shows them to admins as the applicant gets them', async () => {
    expect(svc.runtime.config.MAIL_TRANSPORT).toBe('outbox');
    expect(svc.runtime.config.SMS_PROVIDER).toBe('outbox');
    const key = svc.runtime.config.API_KEYS[0]!;
    const r = await fetch(`${svc.url}/v1/verifications`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': key },
      body: JSON.stringify({
        lang: 'fr',
        applicant: {
          lastName: 'Outbox',
          firstNames: 'Léa',
          birthDate: '1990-04-12',
          email: 'lea.outbox@example.test',
          mobile: '+33 6 12 34 56 78',
        },
        invite: { email: true, sms: true },
      }),
    });
    expect(r.status).toBe(201);
    type Item = { channel: string; to: string; subject?: string; text: string; html?: string };
    const items = await waitFor(async () => {
      const l = await clients.ada!.get('/api/review/dev-outbox');
      const got = (l.body.items ?? []) as Item[];
      const invitation = (i: Item) => /\/invitations\/|\/v\//.test(i.html ?? i.text);
      return got.some((i) => i.channel === 'email' && invitation(i)) &&
        got.some((i) => i.channel === 'sms' && invitation(i))
        ? got
        : undefined;
    }, 'the letter and the SMS in the outbox');
    const mail = items.find((i) => i.channel === 'email' && i.to === 'lea.outbox@example.test')!;
    expect(mail.to).toBe('lea.outbox@example.test');
    expect(mail.subject).toMatch(/Lettre recommandée électronique/);
    expect(mail.html).toContain('/invitations/');
    const sms = items.find((i) => i.channel === 'sms' && i.to.replace(/\s/g, '').endsWith('612345678'))!;
    expect(sms.text).toMatch(/https?:\/\//);
    // Sealed at rest: neither the address nor the link in the row.
    const raw = await db().query<{ t: string }>('SELECT row_to_json(o)::text AS t FROM dev_outbox o');
    for (const x of raw.rows) {
      expect(x.t).not.toContain('lea.outbox');
      expect(x.t).not.toContain('/invitations/');
    }
    expect(
      (await db().query(`SELECT 1 FROM audit_events WHERE action = 'dev_outbox.viewed'`)).rowCount,
    ).toBeGreaterThan(0);
    expect((await clients.rita!.get('/api/review/dev-outbox')).status).toBe(403);
  });

  it('is refused in production, naming the variable', () => {
    const prod = {
      NODE_ENV: 'production',
      DATA_DIR: tempDir(),
      API_KEYS: 'k'.repeat(24),
      MEDIA_ENCRYPTION_KEY: 'a'.repeat(64),
      SESSION_SECRET: 's'.repeat(32),
      CODE_HMAC_SECRET: 'c'.repeat(32),
      WEBHOOK_SECRET: 'w'.repeat(16),
      METRICS_TOKEN: 'm'.repeat(16),
      EVIDENCE_SIGNING_KEY_FILE: '/run/secrets/k.pem',
      SMS_PROVIDER: 'http',
      SMS_HTTP_URL: 'https://sms.example.test/send',
    };
    expect(() => loadConfig({ ...prod, MAIL_TRANSPORT: 'outbox' })).toThrow(
      /MAIL_TRANSPORT=outbox.*refused in production/,
    );
    expect(() => loadConfig({ ...prod, SMS_PROVIDER: 'outbox' })).toThrow(
      /SMS_PROVIDER=outbox.*refused in production/,
    );
    expect(loadConfig(prod).MAIL_TRANSPORT).toBe('smtp');
    // Development with an SMTP server configured: letters go there.
    expect(testConfig({ SMTP_HOST: '127.0.0.1' }).MAIL_TRANSPORT).toBe('smtp');
  });
});
