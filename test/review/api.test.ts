import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { startService, type RunningService } from '../../service/server.js';
import { testConfig } from '../helpers/env.js';
import { verifyAuditChain } from '../../service/audit/audit-repository.js';
import express from 'express';
import type { Server } from 'node:http';
import { sessionGuard } from '../../service/auth/middleware.js';
import { sweepExpired } from '../../service/review/expiry.js';
import type { MediaStore } from '../../service/storage/index.js';
import { declaredIdentity, makeReviewer, PASSWORD, realRun, seedCase, testVideo } from './seed.js';
import { DocumentStageResultSchema } from '../../service/contracts/stage-results.js';
import { ReviewClient } from './client.js';

let svc: RunningService;
let store: MediaStore;
let base: string;
const users: Record<string, { id: string; email: string }> = {};
const clients: Record<string, ReviewClient> = {};

beforeAll(async () => {
  svc = await startService(testConfig());
  base = svc.url!;
  store = svc.runtime.store;
  for (const [tag, role] of [
    ['alice', 'reviewer'],
    ['bob', 'reviewer'],
    ['sue', 'supervisor'],
    ['otto', 'ops'],
  ] as const) {
    users[tag] = await makeReviewer(svc.runtime.db, role, tag);
    clients[tag] = new ReviewClient(base);
    expect((await clients[tag].login(users[tag].email, PASSWORD)).status).toBe(200);
  }
  // The real stages run once (face models, MRZ and speech engines), before the first case is seeded.
  await realRun();
  await realRun('passport');
  testVideo();
}, 600_000);
afterAll(async () => svc?.stop());

const db = () => svc.runtime.db;

describe('authentication', () => {
  it('sets an httpOnly SameSite=Strict session cookie and returns a CSRF token', async () => {
    const c = new ReviewClient(base);
    const r = await c.login(users.alice!.email, PASSWORD);
    const cookie = r.headers.get('set-cookie')!;
    expect(cookie).toMatch(/idv_session=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(r.body.csrfToken).toMatch(/^[\w-]{20,}$/);
    const me = await c.get('/api/review/auth/me');
    expect(me.body.reviewer.role).toBe('reviewer');
    // Logout needs CSRF too, then the session is gone.
    expect((await c.post('/api/review/auth/logout', {}, { csrf: null })).status).toBe(403);
    expect((await c.post('/api/review/auth/logout')).status).toBe(200);
    expect((await c.get('/api/review/auth/me')).status).toBe(401);
  });

  it('locks an account only for the address that failed, and answers unknown e-mails the same', async () => {
    const u = await makeReviewer(db(), 'reviewer', 'lock');
    const c = new ReviewClient(base);
    const from = (ip: string) => ({ headers: { 'x-forwarded-for': ip } });
    const login = (email: string, password: string, ip: string) =>
      c.req('POST', '/api/review/auth/login', { email, password }, from(ip));
    const attacker = '203.0.113.66';
    const ghost = `ghost-${Date.now()}@example.test`;
    for (let i = 0; i < 4; i++) {
      const real = await login(u.email, 'wrong password!', attacker);
      const unknown = await login(ghost, 'wrong password!', attacker);
      expect(real.status).toBe(401);
      expect(unknown.body).toEqual(real.body);
    }
    const fifth = await login(u.email, 'wrong password!', attacker);
    expect(fifth.status).toBe(429);
    expect(fifth.body.error.code).toBe('account_locked');
    // Unknown accounts lock the same way: the lock answer reveals no account.
    const fifthGhost = await login(ghost, 'wrong password!', attacker);
    expect(fifthGhost.status).toBe(429);
    expect(fifthGhost.body).toEqual(fifth.body);
    // Even the right password is refused from that address while locked...
    expect((await login(u.email, PASSWORD, attacker)).body.error.code).toBe('account_locked');
    // ...but the reviewer, from their own address, is not locked out.
    expect((await login(u.email, PASSWORD, '198.51.100.23')).status).toBe(200);
    await db().query('DELETE FROM login_attempts');
  });

  it('throttles an address with too many failures', async () => {
    const c = new ReviewClient(base);
    let last = 0;
    for (let i = 0; i < 25 && last !== 429; i++)
      last = (await c.login(`ghost${i}@example.test`, 'nope')).status;
    expect(last).toBe(429);
    // Clean up so that later logins from 127.0.0.1 work.
    await db().query('DELETE FROM login_attempts');
  });
});

describe('every reviewer route', () => {
  let caseId: string;
  beforeAll(async () => {
    caseId = await seedCase(db(), store);
  }, 120_000);
  const routes = (id: string): Array<[string, string, string]> => [
    // method, path, capability
    ['GET', '/api/review/auth/me', 'any'],
    ['POST', '/api/review/auth/logout', 'any'],
    ['GET', '/api/review/reasons', 'review'],
    ['GET', '/api/review/queue', 'review'],
    ['GET', '/api/review/supervisor/at-risk', 'supervise'],
    ['GET', '/api/ops/summary', 'ops'],
    ['GET', `/api/review/cases/${id}`, 'review'],
    ['POST', `/api/review/cases/${id}/claim`, 'review'],
    ['POST', `/api/review/cases/${id}/release`, 'review'],
    ['POST', `/api/review/cases/${id}/decision`, 'review'],
    ['GET', `/api/review/cases/${id}/media/video`, 'review'],
    ['GET', `/api/review/cases/${id}/frame?t=1`, 'review'],
    ['GET', `/api/review/cases/${id}/media/portrait`, 'review'],
  ];

  it('answers 401 without a session', async () => {
    const anon = new ReviewClient(base);
    for (const [m, p] of routes(caseId)) {
      const r = await anon.req(m, p, m === 'POST' ? {} : undefined);
      expect(r.status, `${m} ${p}`).toBe(401);
      expect(r.body.error.code).toBe('unauthorized');
    }
  });

  it('answers 403 to the wrong role', async () => {
    const wrong: Record<string, string> = { review: 'otto', supervise: 'alice', ops: 'alice' };
    for (const [m, p, cap] of routes(caseId)) {
      if (cap === 'any') continue;
      const r = await clients[wrong[cap]!]!.req(m, p, m === 'POST' ? { action: 'approve' } : undefined);
      expect(r.status, `${m} ${p}`).toBe(403);
      expect(r.body.error.code).toBe('forbidden');
    }
    // And the right roles get through.
    expect((await clients.sue!.get('/api/review/supervisor/at-risk')).status).toBe(200);
    expect((await clients.otto!.get('/api/ops/summary')).status).toBe(200);
  });

  it('refuses state-changing calls without the CSRF token, with a wrong one, or without JSON', async () => {
    for (const [m, p] of routes(caseId).filter(([m]) => m === 'POST')) {
      const none = await clients.alice!.req(m, p, {}, { csrf: null });
      expect(none.status, p).toBe(403);
      expect(none.body.error.code).toBe('csrf_failed');
      const wrongToken = await clients.alice!.req(m, p, {}, { csrf: clients.bob!.csrf! });
      expect(wrongToken.body.error.code).toBe('csrf_failed');
    }
    const form = await fetch(`${base}/api/review/cases/${caseId}/claim`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        cookie: clients.alice!.cookie!,
        'x-csrf-token': clients.alice!.csrf!,
      },
      body: 'a=1',
    });
    expect(form.status).toBe(415);
    // Nothing was claimed by any of these.
    expect((await db().query('SELECT 1 FROM review_leases WHERE case_id = $1', [caseId])).rowCount).toBe(0);
  });
});

describe('sessionGuard for other areas (e.g. /ops/queues)', () => {
  it('reuses the reviewer session and role checks', async () => {
    const app = express();
    app.use('/ops/queues', ...sessionGuard(db(), svc.runtime.config.SESSION_SECRET, 'ops'), (_req, res) => {
      res.json({ ok: true });
    });
    app.use(
      (
        err: { status?: number },
        _req: express.Request,
        res: express.Response,
        _next: express.NextFunction,
      ) => {
        res.status(err.status ?? 500).end();
      },
    );
    const server = await new Promise<Server>((r) => {
      const s = app.listen(0, '127.0.0.1', () => r(s));
    });
    try {
      const addr = server.address() as { port: number };
      const url = `http://127.0.0.1:${addr.port}/ops/queues`;
      expect((await fetch(url)).status).toBe(401);
      expect((await fetch(url, { headers: { cookie: clients.alice!.cookie! } })).status).toBe(403);
      expect((await fetch(url, { headers: { cookie: clients.otto!.cookie! } })).status).toBe(200);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});

describe('queue and case page', () => {
  it('lists cases by deadline with filters', async () => {
    const soon = await seedCase(db(), store, {
      deadline: new Date(Date.now() + 3600_000),
      reasons: ['DIGITS_UNCERTAIN'],
      lang: 'en',
      docType: 'PASSPORT',
    });
    const later = await seedCase(db(), store, {
      deadline: new Date(Date.now() + 30 * 24 * 3600_000),
      reasons: ['NAME_MISMATCH'],
    });
    const all = (await clients.alice!.get('/api/review/queue')).body.items as Array<{
      caseId: string;
      deadline: string;
      atRisk: boolean;
    }>;
    const ids = all.map((i) => i.caseId);
    expect(ids.indexOf(soon)).toBeLessThan(ids.indexOf(later));
    const deadlines = all.map((i) => i.deadline);
    expect([...deadlines].sort()).toEqual(deadlines);
    expect(all.find((i) => i.caseId === soon)!.atRisk).toBe(true);
    const byReason = (await clients.alice!.get('/api/review/queue?reason=NAME_MISMATCH')).body.items;
    expect(byReason.map((i: { caseId: string }) => i.caseId)).toEqual([later]);
    const byLang = (await clients.alice!.get('/api/review/queue?lang=en')).body.items;
    expect(byLang.map((i: { caseId: string }) => i.caseId)).toEqual([soon]);
    const byDoc = (await clients.alice!.get('/api/review/queue?docType=PASSPORT')).body.items;
    expect(byDoc.map((i: { caseId: string }) => i.caseId)).toEqual([soon]);
    const risky = (await clients.alice!.get('/api/review/queue?atRisk=1')).body.items;
    expect(risky.map((i: { caseId: string }) => i.caseId)).toContain(soon);
    expect(risky.map((i: { caseId: string }) => i.caseId)).not.toContain(later);
    expect((await clients.alice!.get('/api/review/queue?lang=de')).status).toBe(400);
  });

  it('shows the case and streams the video with HTTP Range, auditing the views', async () => {
    const id = await seedCase(db(), store);
    const page = await clients.alice!.get(`/api/review/cases/${id}`);
    expect(page.status).toBe(200);
    const real = await realRun();
    const { truth } = real.fixture;
    const declared = declaredIdentity(truth);
    expect(page.body.declared).toEqual({
      lastName: declared.lastName,
      firstNames: declared.firstNames,
      birthDate: declared.birthDate,
    });
    expect(JSON.stringify(page.body)).not.toContain(declared.email);
    expect(page.body.challengeDigits).toBe(truth.digits);
    // The stage results are the real stages' output, served with the schemas the console parses them with.
    expect(page.body.stages.speech.result).toEqual(real.stages.speech);
    expect(DocumentStageResultSchema.parse(page.body.stages.document.result).status).toBe('read');
    expect(page.body.media.map((m: { kind: string }) => m.kind).sort()).toEqual([
      'front',
      'live_frame',
      'portrait',
      'video',
    ]);

    const original = readFileSync(testVideo());
    const full = await clients.alice!.get(`/api/review/cases/${id}/media/video`);
    expect(full.status).toBe(200);
    expect(full.headers.get('accept-ranges')).toBe('bytes');
    expect(Buffer.compare(full.body as Buffer, original)).toBe(0);
    const part = await clients.alice!.get(`/api/review/cases/${id}/media/video`, {
      range: 'bytes=1000-1999',
    });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 1000-1999/${original.length}`);
    expect(Buffer.compare(part.body as Buffer, original.subarray(1000, 2000))).toBe(0);
    const tail = await clients.alice!.get(`/api/review/cases/${id}/media/video`, { range: 'bytes=-100' });
    expect(Buffer.compare(tail.body as Buffer, original.subarray(original.length - 100))).toBe(0);
    expect(
      (
        await clients.alice!.get(`/api/review/cases/${id}/media/video`, {
          range: `bytes=${original.length}-`,
        })
      ).status,
    ).toBe(416);

    const frame = await clients.alice!.get(`/api/review/cases/${id}/frame?t=1.4`);
    expect(frame.headers.get('content-type')).toBe('image/jpeg');
    expect((frame.body as Buffer).subarray(0, 2).toString('hex')).toBe('ffd8');
    const portrait = await clients.alice!.get(`/api/review/cases/${id}/media/portrait`);
    expect(portrait.status).toBe(200);
    expect((portrait.body as Buffer).subarray(0, 2).toString('hex')).toBe('ffd8');
    const front = await clients.alice!.get(`/api/review/cases/${id}/media/front`);
    expect(front.headers.get('content-type')).toBe('image/jpeg');

    const audit = await db().query<{ action: string; details: { kind?: string } }>(
      'SELECT action, details FROM audit_events WHERE case_id = $1 ORDER BY seq',
      [id],
    );
    const views = audit.rows.filter((a) => a.action === 'case.media.viewed').map((a) => a.details.kind);
    // Frame, portrait, front each once. The video's bytes are a load (one entry for the first bytes, none for
    // range continuations), not a view: nobody has played it.
    expect(views).toEqual(['frame', 'portrait', 'front']);
    const loads = audit.rows.filter((a) => a.action === 'case.media.loaded').map((a) => a.details.kind);
    expect(loads).toEqual(['video']);
    expect(audit.rows[0]!.action).toBe('case.viewed');
  });
});

describe('claims and decisions', () => {
  it('gives a case to one reviewer at a time', async () => {
    const id = await seedCase(db(), store);
    const a = await clients.alice!.post(`/api/review/cases/${id}/claim`);
    expect(a.status).toBe(200);
    const b = await clients.bob!.post(`/api/review/cases/${id}/claim`);
    expect(b.status).toBe(409);
    expect(b.body.error.code).toBe('lease_held');
    const bd = await clients.bob!.post(`/api/review/cases/${id}/decision`, {
      action: 'reject',
      reasons: ['FACE_MISMATCH'],
    });
    expect(bd.status).toBe(409);
    expect(bd.body.error.code).toBe('lease_required');
    // Renewal by the holder extends the lease.
    const renew = await clients.alice!.post(`/api/review/cases/${id}/claim`);
    expect(new Date(renew.body.expiresAt).getTime()).toBeGreaterThanOrEqual(
      new Date(a.body.expiresAt).getTime(),
    );
    // Concurrent claims on a fresh case: exactly one wins.
    const id2 = await seedCase(db(), store);
    const both = await Promise.all([
      clients.alice!.post(`/api/review/cases/${id2}/claim`),
      clients.bob!.post(`/api/review/cases/${id2}/claim`),
    ]);
    expect(both.map((r) => r.status).sort()).toEqual([200, 409]);
    // An expired lease can be taken over.
    await db().query(`UPDATE review_leases SET expires_at = now() - interval '1 second' WHERE case_id = $1`, [
      id,
    ]);
    expect((await clients.bob!.post(`/api/review/cases/${id}/claim`)).status).toBe(200);
    expect(
      (await clients.alice!.post(`/api/review/cases/${id}/decision`, { action: 'approve' })).body.error.code,
    ).toBe('lease_required');
    // Release lets another reviewer in.
    expect((await clients.bob!.post(`/api/review/cases/${id}/release`)).body.released).toBe(true);
    expect((await clients.alice!.post(`/api/review/cases/${id}/claim`)).status).toBe(200);
  });

  it('rejects with reason codes, writes the webhook outbox row and refuses a second decision', async () => {
    const id = await seedCase(db(), store);
    await clients.alice!.post(`/api/review/cases/${id}/claim`);
    await clients.alice!.lookAtEverything(id);
    expect(
      (await clients.alice!.post(`/api/review/cases/${id}/decision`, { action: 'reject' })).body.error.code,
    ).toBe('invalid_reasons');
    expect(
      (
        await clients.alice!.post(`/api/review/cases/${id}/decision`, {
          action: 'reject',
          reasons: ['NOT_A_CODE'],
        })
      ).status,
    ).toBe(400);
    const r = await clients.alice!.post(`/api/review/cases/${id}/decision`, {
      action: 'reject',
      reasons: ['FACE_MISMATCH', 'STATIC_VIDEO'],
      note: 'photo of a photo',
    });
    expect(r.body).toEqual({ status: 'decided', caseStatus: 'rejected' });
    const c = await db().query<{ status: string }>('SELECT status FROM cases WHERE id = $1', [id]);
    expect(c.rows[0]!.status).toBe('rejected');
    const out = await db().query<{ topic: string; payload: { status: string; reasons: string[] } }>(
      'SELECT topic, payload FROM outbox WHERE case_id = $1',
      [id],
    );
    // The webhook, and the evidence file of the final outcome (service/evidence).
    expect(out.rows.map((o) => o.topic).sort()).toEqual(['evidence', 'webhook']);
    expect(out.rows.find((o) => o.topic === 'webhook')!.payload.status).toBe('rejected');
    const again = await clients.alice!.post(`/api/review/cases/${id}/decision`, { action: 'approve' });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('not_in_review');
  });

  it('approves with the activation and webhook outbox rows', async () => {
    const id = await seedCase(db(), store);
    await clients.bob!.post(`/api/review/cases/${id}/claim`);
    await clients.bob!.lookAtEverything(id);
    const r = await clients.bob!.post(`/api/review/cases/${id}/decision`, { action: 'approve' });
    expect(r.body).toEqual({ status: 'decided', caseStatus: 'approved' });
    const out = await db().query<{ topic: string; payload: Record<string, unknown> }>(
      'SELECT topic, payload FROM outbox WHERE case_id = $1 ORDER BY id',
      [id],
    );
    // All rows in the same transaction as the decision.
    expect(out.rows.map((o) => o.topic).sort()).toEqual(['activation', 'evidence', 'webhook']);
    expect(out.rows.find((o) => o.topic === 'activation')!.payload).toEqual({ caseId: id });
  });

  it('requests resubmission', async () => {
    const id = await seedCase(db(), store);
    await clients.bob!.post(`/api/review/cases/${id}/claim`);
    await clients.bob!.lookAtEverything(id);
    const r = await clients.bob!.post(`/api/review/cases/${id}/decision`, {
      action: 'resubmit',
      reasons: ['CARD_NOT_IN_VIDEO'],
    });
    expect(r.body.caseStatus).toBe('resubmission_requested');
    // The next attempt is open with a fresh challenge, and the business service is told.
    const c = await db().query<{ attempt: number }>('SELECT attempt FROM cases WHERE id = $1', [id]);
    expect(c.rows[0]!.attempt).toBe(2);
    const ch = await db().query<{ digits: string }>(
      'SELECT digits FROM challenges WHERE case_id = $1 AND attempt = 2',
      [id],
    );
    expect(ch.rows[0]!.digits).toMatch(/^\d{3}$/);
    const hook = await db().query<{ payload: { status: string } }>(
      `SELECT payload FROM outbox WHERE case_id = $1 AND topic = 'webhook'`,
      [id],
    );
    expect(hook.rows[0]!.payload.status).toBe('resubmission_requested');
  });

  it('needs a supervisor as second approver after FACE_MISMATCH or DIGITS_MISMATCH', async () => {
    for (const reason of ['FACE_MISMATCH', 'DIGITS_MISMATCH']) {
      const id = await seedCase(db(), store, { reasons: [reason] });
      await clients.alice!.post(`/api/review/cases/${id}/claim`);
      expect((await clients.alice!.get(`/api/review/cases/${id}`)).body.fourEyes.stage).toBe(
        'first_approval',
      );
      await clients.alice!.lookAtEverything(id);
      const first = await clients.alice!.post(`/api/review/cases/${id}/decision`, { action: 'approve' });
      expect(first.body).toEqual({ status: 'awaiting_second_approval' });
      const staged = (await clients.bob!.get(`/api/review/cases/${id}`)).body.fourEyes;
      expect(staged.stage).toBe('second_approval');
      expect(staged.firstApproverId).toBe(users.alice!.id);
      expect((await db().query('SELECT 1 FROM outbox WHERE case_id = $1', [id])).rowCount).toBe(0);
      // Another plain reviewer cannot give the second approval.
      expect((await clients.bob!.post(`/api/review/cases/${id}/claim`)).status).toBe(200);
      await clients.bob!.lookAtEverything(id);
      const bob = await clients.bob!.post(`/api/review/cases/${id}/decision`, { action: 'approve' });
      expect(bob.status).toBe(403);
      expect(bob.body.error.code).toBe('supervisor_required');
      await clients.bob!.post(`/api/review/cases/${id}/release`);
      // Nor can the first approver, even by claiming again.
      await clients.alice!.post(`/api/review/cases/${id}/claim`);
      expect(
        (await clients.alice!.post(`/api/review/cases/${id}/decision`, { action: 'approve' })).body.error
          .code,
      ).toBe('same_approver');
      await clients.alice!.post(`/api/review/cases/${id}/release`);
      const queue = (await clients.sue!.get('/api/review/queue?awaitingSecondApproval=1')).body.items.map(
        (i: { caseId: string }) => i.caseId,
      );
      expect(queue).toContain(id);
      await clients.sue!.post(`/api/review/cases/${id}/claim`);
      await clients.sue!.lookAtEverything(id);
      const second = await clients.sue!.post(`/api/review/cases/${id}/decision`, { action: 'approve' });
      expect(second.body).toEqual({ status: 'decided', caseStatus: 'approved' });
      const out = await db().query<{ topic: string }>(
        'SELECT topic FROM outbox WHERE case_id = $1 ORDER BY id',
        [id],
      );
      expect(out.rows.map((o) => o.topic).sort()).toEqual(['activation', 'evidence', 'webhook']);
    }
  });
});

describe('what the reviewer looked at (issue #20 item 4)', () => {
  it('refuses a decision until the video was played and each document side opened, per reviewer', async () => {
    const id = await seedCase(db(), store);
    const c = `/api/review/cases/${id}`;
    await clients.alice!.post(`${c}/claim`);
    const before = await clients.alice!.get(c);
    expect(before.body.checks).toEqual({ required: ['video', 'front'], done: [] });
    const refused = await clients.alice!.post(`${c}/decision`, { action: 'approve' });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('review_incomplete');
    expect(refused.body.error.message).toMatch(/video, front/);
    // Playback cannot be claimed for a video never loaded by this reviewer.
    const unloaded = await clients.alice!.post(`${c}/views`, { kind: 'video', secondsWatched: 4 });
    expect(unloaded.status).toBe(409);
    expect(unloaded.body.error.code).toBe('media_not_loaded');
    expect((await clients.alice!.post(`${c}/views`, { kind: 'video', secondsWatched: -1 })).status).toBe(400);
    expect((await clients.alice!.post(`${c}/views`, { kind: 'portrait' })).status).toBe(400);
    await clients.alice!.get(`${c}/media/video`, { range: 'bytes=0-' });
    // Loading (what a page does) is not playing: zero seconds watched does not tick the item.
    expect(
      (await clients.alice!.post(`${c}/views`, { kind: 'video', secondsWatched: 0 })).body.checks.done,
    ).toEqual([]);
    expect(
      (await clients.alice!.post(`${c}/views`, { kind: 'video', secondsWatched: 2.34 })).body.checks.done,
    ).toEqual(['video']);
    expect((await clients.alice!.post(`${c}/decision`, { action: 'approve' })).body.error.message).toMatch(
      /still to do: front\)/,
    );
    // Another reviewer's views do not count for alice.
    expect((await clients.bob!.get(c)).body.checks.done).toEqual([]);
    expect((await clients.alice!.post(`${c}/views`, { kind: 'front' })).body.checks.done).toEqual([
      'video',
      'front',
    ]);
    const ok = await clients.alice!.post(`${c}/decision`, { action: 'approve' });
    expect(ok.body).toEqual({ status: 'decided', caseStatus: 'approved' });
    const audit = await db().query<{ action: string; details: Record<string, unknown> }>(
      `SELECT action, details FROM audit_events WHERE case_id = $1 AND action IN ('case.media.viewed', 'case.media.zoomed') ORDER BY seq`,
      [id],
    );
    expect(audit.rows).toEqual([
      { action: 'case.media.viewed', details: { kind: 'video', attempt: 1, secondsWatched: 0 } },
      { action: 'case.media.viewed', details: { kind: 'video', attempt: 1, secondsWatched: 2.3 } },
      { action: 'case.media.zoomed', details: { kind: 'front', attempt: 1 } },
    ]);
  });
});

describe('lease take-over (issue #20 item 5)', () => {
  it('lets a supervisor take over the lease of another reviewer, audited; not a reviewer', async () => {
    const id = await seedCase(db(), store);
    const c = `/api/review/cases/${id}`;
    await clients.bob!.post(`${c}/claim`);
    const shown = await clients.sue!.get(c);
    expect(shown.body.lease.reviewerId).toBe(users.bob!.id);
    expect(shown.body.reviewers[users.bob!.id]).toBe(users.bob!.email);
    expect(Date.parse(shown.body.lease.claimedAt)).toBeLessThanOrEqual(Date.now());
    const denied = await clients.alice!.post(`${c}/takeover`);
    expect(denied.status).toBe(403);
    const t = await clients.sue!.post(`${c}/takeover`);
    expect(t.status).toBe(200);
    expect(t.body.previousReviewerId).toBe(users.bob!.id);
    expect(t.body.reviewerId).toBe(users.sue!.id);
    // Bob's lease is gone: his decision is refused.
    await clients.bob!.lookAtEverything(id);
    expect((await clients.bob!.post(`${c}/decision`, { action: 'approve' })).body.error.code).toBe(
      'lease_required',
    );
    const a = await db().query<{ actor_id: string; details: Record<string, unknown> }>(
      `SELECT actor_id, details FROM audit_events WHERE case_id = $1 AND action = 'case.lease.taken_over'`,
      [id],
    );
    expect(a.rows).toEqual([
      { actor_id: users.sue!.id, details: { fromReviewerId: users.bob!.id, leaseMinutes: 15 } },
    ]);
  });
});

describe('the review deadline', () => {
  it('refuses a decision after the deadline, even before the expiry ran, then expires the case', async () => {
    const id = await seedCase(db(), store);
    await clients.alice!.post(`/api/review/cases/${id}/claim`);
    await db().query(`UPDATE cases SET review_deadline = now() - interval '1 second' WHERE id = $1`, [id]);
    const late = await clients.alice!.post(`/api/review/cases/${id}/decision`, { action: 'approve' });
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('deadline_passed');
    expect(late.body.error.message).toMatch(/deadline has passed/);
    expect(await sweepExpired(db())).toBeGreaterThanOrEqual(1);
    const after = await clients.alice!.post(`/api/review/cases/${id}/decision`, {
      action: 'reject',
      reasons: ['FACE_MISMATCH'],
    });
    expect(after.status).toBe(409);
    expect(after.body.error.code).toBe('case_expired');
    expect((await clients.bob!.post(`/api/review/cases/${id}/claim`)).body.error.code).toBe('case_expired');
    const c = await db().query<{ status: string }>('SELECT status FROM cases WHERE id = $1', [id]);
    expect(c.rows[0]!.status).toBe('expired');
    const breach = await db().query('SELECT 1 FROM sla_breaches WHERE case_id = $1', [id]);
    expect(breach.rowCount).toBe(1);
    const hook = await db().query<{ payload: { status: string } }>(
      `SELECT payload FROM outbox WHERE case_id = $1 AND topic = 'webhook'`,
      [id],
    );
    expect(hook.rows[0]!.payload.status).toBe('expired');
    const summary = await clients.otto!.get('/api/ops/summary');
    expect(summary.body.stats.breaches).toBeGreaterThanOrEqual(1);
    // Last-hour timeline: 12 five-minute buckets; the seeded cases were decided automatically ~1 h after submission.
    expect(summary.body.timeline).toHaveLength(12);
    const last = summary.body.timeline.at(-1);
    expect(last.reviewDepth).toBeGreaterThan(0);
    expect(last.processingP50).toBeGreaterThan(3000);
    expect(
      summary.body.timeline.some((p: { reviewWaitP50: number | null }) => p.reviewWaitP50 !== null),
    ).toBe(true);
  });

  it('expires a case through the delayed BullMQ job at its deadline', async () => {
    const deadline = new Date(Date.now() + 1500);
    const id = await seedCase(db(), store, { deadline });
    await svc.runtime.expiry.schedule(id, deadline);
    const t0 = Date.now();
    let status = 'in_review';
    while (status === 'in_review' && Date.now() - t0 < 15_000) {
      await new Promise((r) => setTimeout(r, 250));
      status = (await db().query<{ status: string }>('SELECT status FROM cases WHERE id = $1', [id])).rows[0]!
        .status;
    }
    expect(status).toBe('expired');
    expect(Date.now()).toBeGreaterThanOrEqual(deadline.getTime());
  });

  it('leaves a hash chain that verifies', async () => {
    const v = await verifyAuditChain(db());
    expect(v.ok).toBe(true);
    expect(v.count).toBeGreaterThan(20);
  });
});
