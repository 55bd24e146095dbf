// Activation end to end (real Redis, PGlite, the real outbox dispatcher, a loopback SMTP server, a
// loopback HTTP SMS provider and a webhook receiver): approval outbox row -> code -> registered
// e-letter + SMS -> proof of receipt -> activation -> signed webhook. The activation routes run in
// an HTTP app of its own (not startService) so that other areas' workers do not slow these tests.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { createHash, randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { RedisClient as Redis } from '../../service/infra/redis.js';
import type { Config } from '../../service/config/index.js';
import { createApp } from '../../service/api/app.js';
import { openDb, type Db } from '../../service/db/index.js';
import { migrate } from '../../service/db/migrate.js';
import { createRedis } from '../../service/infra/redis.js';
import { createInvitationOutboxHandler } from '../../service/invitation/outbox-handler.js';
import { activationOutboxHandler } from '../../service/activation/outbox-handler.js';
import { evidenceOutboxHandler } from '../../service/evidence/outbox-handler.js';
import { evidenceFor } from '../../service/evidence/service.js';
import { createApplicantActivationRouter } from '../../service/api/applicant/activation.js';
import { activationRouter, letterRouter } from '../../service/api/activation/routes.js';
import { createPipelineQueues, type PipelineQueues } from '../../service/pipeline/queues.js';
import {
  createWebhookHandler,
  startOutboxDispatcher,
  verifyWebhook,
  type OutboxDispatcher,
} from '../../service/outbox/index.js';
import { createLogger } from '../../service/logger.js';
import { createActivation, type ActivationService } from '../../service/activation/service.js';
import { caseAudit } from '../../service/audit/audit-repository.js';
import { listOutbox } from '../../service/cases/index.js';
import { hashCode, sealingKey } from '../../service/activation/code.js';
import { issueOnApproval } from '../../service/activation/issue.js';
import { testConfig } from '../helpers/env.js';
import {
  startSmsProvider,
  startSmtp,
  startWebhookReceiver,
  waitFor,
  type LoopbackSms,
  type LoopbackSmtp,
} from './servers.js';

const API_KEY = 'test-api-key-0123456789abcdef';
const SMS_TOKEN = 'sms-provider-token-xyz';
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

let smtp: LoopbackSmtp;
let sms: LoopbackSms;
let hooks: Awaited<ReturnType<typeof startWebhookReceiver>>;
let rt: { config: Config; db: Db; redis: Redis };
let queues: PipelineQueues;
let dispatcher: OutboxDispatcher;
let server: Server;
/** What the tests use of a running service. */
const svc = { url: '', runtime: undefined as unknown as typeof rt };
let act: ActivationService;
const logLines: string[] = [];
/** Every secret and personal value the flow handled: none may reach the logs. */
const sensitive = new Set<string>();

interface TestCase {
  id: string;
  reference: string;
  email: string;
  mobile: string;
  lastName: string;
  firstNames: string;
}

let seq = 0;
async function approvedCase(lang: 'fr' | 'en' = 'fr', before?: (email: string) => void): Promise<TestCase> {
  seq++;
  const c: TestCase = {
    id: randomUUID(),
    reference: `ref-${randomUUID()}`,
    email: `camille.dupont${seq}@example.org`,
    mobile: `+3361234${String(seq).padStart(4, '0')}`,
    lastName: `Dupontel${seq}`,
    firstNames: `Camille${seq} Marie`,
  };
  [c.email, c.mobile, c.lastName, c.firstNames].forEach((v) => sensitive.add(v));
  before?.(c.email);
  const db = svc.runtime.db;
  await db.tx(async (q) => {
    await q.query(
      `INSERT INTO cases (id, reference, status, lang, applicant, expires_at, decided_at, outcome)
       VALUES ($1, $2, 'approved', $3, $4, now() + interval '1 day', now(), 'approve')`,
      [
        c.id,
        c.reference,
        lang,
        JSON.stringify({
          lastName: c.lastName,
          firstNames: c.firstNames,
          birthDate: '1990-04-12',
          email: c.email,
          mobile: c.mobile,
        }),
      ],
    );
    // What the approval transaction writes (pipeline or console); the outbox dispatcher takes it from here.
    await q.query(`INSERT INTO outbox (topic, case_id, payload) VALUES ('activation', $1, $2)`, [
      c.id,
      JSON.stringify({ caseId: c.id }),
    ]);
  });
  return c;
}

function smsCodes(c: TestCase): string[] {
  return sms.requests.filter((r) => r.body.to === c.mobile).map((r) => /\b(\d{6})\b/.exec(r.body.text)![1]!);
}

async function nextSmsCode(c: TestCase, n: number): Promise<string> {
  const codes = await waitFor(() => (smsCodes(c).length >= n ? smsCodes(c) : undefined), `SMS #${n}`);
  const code = codes[n - 1]!;
  sensitive.add(code);
  return code;
}

function mailsTo(c: TestCase) {
  return smtp.mails.filter((m) => m.parsed.to && JSON.stringify(m.parsed.to).includes(c.email));
}

async function postActivation(reference: string, code: string, ip = '198.51.100.1') {
  const r = await fetch(`${svc.url}/v1/activations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
    body: JSON.stringify({ reference, code }),
  });
  return {
    status: r.status,
    body: (await r.json()) as {
      error?: { code: string; details?: { attemptsRemaining: number } };
      status?: string;
    },
    headers: r.headers,
  };
}

/** The applicant app's activation: the bearer is the letter's link token. */
async function postByLink(token: string, code: string, ip = '198.51.100.2') {
  const r = await fetch(`${svc.url}/v1/applicant/activation`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': ip, authorization: `Bearer ${token}` },
    body: JSON.stringify({ code }),
  });
  return {
    status: r.status,
    body: (await r.json()) as { error?: { code: string; details?: { attemptsRemaining: number } } },
  };
}

const letterToken = (mail: { parsed: { text?: string | false } }) =>
  /\/letters\/([A-Za-z0-9_-]{43})/.exec(String(mail.parsed.text ?? ''))![1]!;

const wrongCode = (code: string, i = 1) => String((Number(code) + 1000 * i) % 1_000_000).padStart(6, '0');

beforeAll(async () => {
  smtp = await startSmtp();
  sms = await startSmsProvider();
  const sink = new Writable({
    write(chunk, _enc, cb) {
      logLines.push(String(chunk));
      cb();
    },
  });
  const config = testConfig({
    API_KEYS: API_KEY,
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: String(smtp.port),
    SMS_PROVIDER: 'http',
    SMS_HTTP_URL: sms.url,
    SMS_HTTP_TOKEN: SMS_TOKEN,
    NOTIFY_ATTEMPTS: '4',
    NOTIFY_BACKOFF_MS: '150',
    ACTIVATION_RATE_LIMIT_IP: '25',
    ACTIVATION_RATE_LIMIT_SESSION: '10',
  });
  hooks = await startWebhookReceiver();
  // Everything at trace level, so that any leak would show.
  const logger = createLogger('trace', sink);
  const db = await openDb({ pgliteDir: join(config.DATA_DIR, 'pglite') });
  await migrate(db);
  rt = { config, db, redis: createRedis(config.REDIS_URL) };
  svc.runtime = rt;
  queues = createPipelineQueues(config.REDIS_URL, config.QUEUE_PREFIX);
  act = createActivation({ config, db, logger, redis: rt.redis, queues });
  dispatcher = startOutboxDispatcher({
    db,
    queues,
    logger,
    pollMs: 100,
    backoffMs: 100,
    handlers: {
      webhook: createWebhookHandler({ url: hooks.url, secret: config.WEBHOOK_SECRET }),
      activation: activationOutboxHandler(act),
      invitation: createInvitationOutboxHandler({ config, db, logger }).handler,
      evidence: evidenceOutboxHandler(evidenceFor({ config, db })),
    },
  });
  await act.startWorkers();
  const app = createApp({
    logger,
    readiness: [],
    routers: [
      ['/v1/activations', activationRouter(act, config.API_KEYS)],
      ['/letters', letterRouter(act)],
      ['/v1', createApplicantActivationRouter({ db, activation: act })],
    ],
  });
  server = await new Promise<Server>((r) => {
    const s = app.listen(0, '127.0.0.1', () => r(s));
  });
  svc.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  await dispatcher?.close();
  await act?.stop();
  await queues?.close();
  rt?.redis.disconnect();
  await rt?.db.close();
  await smtp?.close();
  await sms?.close();
  await hooks?.close();
});

describe('activation', () => {
  it('sends a registered e-letter without the code and an SMS with it; opening the letter records the receipt', async () => {
    const c = await approvedCase('fr');
    const code = await nextSmsCode(c, 1);
    expect(code).toMatch(/^\d{6}$/);
    expect(sms.requests.at(-1)!.authorization).toBe(`Bearer ${SMS_TOKEN}`);
    expect(sms.requests.at(-1)!.body.text).toContain(code);

    const mail = (await waitFor(() => mailsTo(c)[0], 'the e-letter'))!;
    expect(mail.parsed.subject).toMatch(/Lettre recommandée électronique/);
    expect(mail.raw).not.toContain(code);
    expect(mail.parsed.text).not.toContain(code);
    expect(String(mail.parsed.html)).not.toContain(code);
    const link = /(http\S+\/letters\/([A-Za-z0-9_-]{43}))/.exec(mail.parsed.text ?? '')!;
    expect(link).not.toBeNull();
    expect(String(mail.parsed.html)).toContain(link[1]);
    const token = link[2]!;
    sensitive.add(token);

    // The database keeps neither the code nor the token in clear.
    const stored = await svc.runtime.db.query<Record<string, unknown>>(
      `SELECT c.*, l.* FROM activation_codes c JOIN letters l ON l.code_id = c.id WHERE c.case_id = $1`,
      [c.id],
    );
    expect(JSON.stringify(stored.rows)).not.toContain(code);
    expect(JSON.stringify(stored.rows)).not.toContain(token);

    const [outboxRow] = await listOutbox(rt.db, { caseId: c.id, topic: 'activation' });
    expect(outboxRow!.status).toBe('delivered');
    // The SMTP server has the message a moment before the sender records the delivery as sent.
    await waitFor(async () => {
      const d = (await act.status(c.id)).delivery;
      return d.email?.status === 'sent' && d.sms?.status === 'sent';
    }, 'both deliveries recorded');
    const status = await act.status(c.id);
    expect(status.delivery.email).toMatchObject({ status: 'sent', attempts: 1, lastError: null });
    expect(status.delivery.sms).toMatchObject({ status: 'sent', attempts: 1 });
    expect(status.letterReceivedAt).toBeNull();

    const ua = 'Mozilla/5.0 (X11; Linux x86_64) TestBrowser/1.0';
    // A GET (a mail filter scanning the link) shows a button, not the code, and records nothing.
    const scan = await fetch(`${svc.url}/letters/${token}`, { headers: { 'user-agent': 'LinkScanner/2.0' } });
    expect(scan.status).toBe(200);
    const envelope = await scan.text();
    expect(envelope).not.toContain(code);
    expect(envelope).toContain(`<form method="post" action="/letters/${token}">`);
    expect((await act.status(c.id)).letterReceivedAt).toBeNull();
    expect((await caseAudit(svc.runtime.db, c.id)).map((e) => e.action)).not.toContain(
      'activation.letter.received',
    );
    // The person presses the button: the first opening, then the letter.
    const pressed = await fetch(`${svc.url}/letters/${token}`, {
      method: 'POST',
      headers: { 'user-agent': ua, 'content-type': 'application/x-www-form-urlencoded' },
      body: '',
      redirect: 'manual',
    });
    expect(pressed.status).toBe(303);
    expect(pressed.headers.get('location')).toBe(`/letters/${token}`);
    const page = await fetch(`${svc.url}/letters/${token}`, { headers: { 'user-agent': ua } });
    expect(page.status).toBe(200);
    expect(page.headers.get('cache-control')).toBe('no-store');
    const html = await page.text();
    expect(html).toContain(code);
    expect(html).toContain(c.firstNames);

    const receipt = (
      await svc.runtime.db.query<{
        opened_at: Date;
        opened_ip_sha256: string;
        opened_ua_sha256: string;
        open_count: number;
      }>(`SELECT opened_at, opened_ip_sha256, opened_ua_sha256, open_count FROM letters WHERE case_id = $1`, [
        c.id,
      ])
    ).rows[0]!;
    expect(receipt.opened_at).not.toBeNull();
    expect(receipt.opened_ua_sha256).toBe(sha256(ua));
    expect([sha256('127.0.0.1'), sha256('::ffff:127.0.0.1'), sha256('::1')]).toContain(
      receipt.opened_ip_sha256,
    );
    const audit = await caseAudit(svc.runtime.db, c.id);
    const received = audit.filter((e) => e.action === 'activation.letter.received');
    expect(received).toHaveLength(1);
    expect(received[0]!.details).toMatchObject({ uaSha256: sha256(ua), ipSha256: receipt.opened_ip_sha256 });

    // A second opening shows the letter again but the proof of receipt stays the first one.
    const again = await fetch(`${svc.url}/letters/${token}`, { headers: { 'user-agent': 'other' } });
    expect(await again.text()).toContain(code);
    const audit2 = await caseAudit(svc.runtime.db, c.id);
    expect(audit2.filter((e) => e.action === 'activation.letter.received')).toHaveLength(1);
    expect((await act.status(c.id)).letterReceivedAt).toBe(new Date(receipt.opened_at).toISOString());

    expect((await fetch(`${svc.url}/letters/${'x'.repeat(43)}`)).status).toBe(404);

    // Activation: a wrong code first, then the right one; the webhook is queued in the outbox.
    const wrong = await postActivation(c.reference, wrongCode(code));
    expect(wrong.status).toBe(400);
    expect(wrong.body.error).toMatchObject({ code: 'invalid_code' });
    // A bare reference says nothing about the code's budget (and does not spend it).
    expect(wrong.body.error!.details).toBeUndefined();
    const ok = await postActivation(c.id, code);
    expect(ok.status).toBe(200);
    expect(ok.body.status).toBe('activated');
    const hookRows = await svc.runtime.db.query<{ payload: unknown }>(
      `SELECT payload FROM outbox WHERE topic = 'webhook' AND case_id = $1`,
      [c.id],
    );
    expect(hookRows.rows).toHaveLength(1);
    const p0 = hookRows.rows[0]!.payload;
    const row = (typeof p0 === 'string' ? JSON.parse(p0) : p0) as Record<string, string>;
    expect(row).toMatchObject({
      event: 'identity.activated',
      verificationId: c.id,
      reference: c.reference,
      status: 'activated',
    });
    expect((await act.status(c.id)).state).toBe('activated');
    // ... and the dispatcher delivers it, signed, to the business service.
    const hook = await waitFor(
      () => hooks.hooks.find((h) => h.body.includes('identity.activated') && h.body.includes(c.id)),
      'the webhook',
    );
    const sig = verifyWebhook(
      rt.config.WEBHOOK_SECRET,
      String(hook.headers['x-idv-timestamp']),
      hook.body,
      String(hook.headers['x-idv-signature']),
    );
    expect(sig).toBe(true);

    // The same code again: refused.
    const reused = await postByLink(token, code);
    expect(reused.status).toBe(409);
    expect(reused.body.error!.code).toBe('already_activated');
    // The letter no longer shows the code once used.
    expect(await (await fetch(`${svc.url}/letters/${token}`)).text()).not.toContain(code);

    // A redelivered outbox row issues nothing new.
    const again2 = await act.handleApproval(c.id);
    expect(again2.created).toBe(false);
    expect(smsCodes(c)).toHaveLength(1);
  });

  it('locks a code after 5 wrong attempts, then a resend unlocks with a new code', async () => {
    const c = await approvedCase('en');
    const code = await nextSmsCode(c, 1);
    const mail = await waitFor(() => mailsTo(c)[0], 'the e-letter');
    expect(mail.parsed.subject).toMatch(/Registered e-letter/);
    const token = letterToken(mail);
    for (let i = 1; i <= 4; i++) {
      const r = await postByLink(token, wrongCode(code, i));
      expect(r.status).toBe(400);
      expect(r.body.error!.details!.attemptsRemaining).toBe(5 - i);
    }
    const fifth = await postByLink(token, wrongCode(code, 5));
    expect(fifth.status).toBe(423);
    expect(fifth.body.error!.code).toBe('code_locked');
    const right = await postByLink(token, code);
    expect(right.status).toBe(423);
    expect((await act.status(c.id)).code).toMatchObject({ status: 'locked', attemptsLeft: 0 });

    const resend = await fetch(`${svc.url}/v1/activations/resend`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}` },
      body: JSON.stringify({ reference: c.reference }),
    });
    expect(resend.status).toBe(202);
    const code2 = await nextSmsCode(c, 2);
    expect((await postActivation(c.reference, code2)).status).toBe(200);
  });

  it('a bare reference is no oracle and cannot lock the applicant out; malformed codes cost nothing', async () => {
    const c = await approvedCase('en');
    const code = await nextSmsCode(c, 1);
    const token = letterToken(await waitFor(() => mailsTo(c)[0], 'the e-letter'));
    const unknown = await postActivation(`ref-${randomUUID()}`, wrongCode(code), '192.0.2.77');
    const known = await postActivation(c.reference, wrongCode(code), '192.0.2.78');
    expect(known.status).toBe(unknown.status);
    expect(known.body).toEqual(unknown.body);
    // Someone who knows the reference guesses until the bare-reference door closes...
    for (let i = 2; i <= 8; i++) {
      const r = await postActivation(c.reference, i === 8 ? code : wrongCode(code, i), `192.0.2.${80 + i}`);
      expect(r.body).toEqual(unknown.body);
    }
    // ...yet the applicant's own code is untouched: full budget on the link.
    expect((await act.status(c.id)).code).toMatchObject({ status: 'active', attemptsLeft: 5 });
    // A malformed entry is refused without spending an attempt.
    const typo = await postByLink(token, '12a456');
    expect(typo.status).toBe(400);
    expect(typo.body.error!.code).toBe('malformed_code');
    expect((await act.status(c.id)).code).toMatchObject({ attemptsLeft: 5 });
    const ok = await postByLink(token, code);
    expect(ok.status).toBe(200);
  });

  it('a resend invalidates the previous code; at most 3 resends', async () => {
    const c = await approvedCase('fr');
    const code1 = await nextSmsCode(c, 1);
    const mail1 = await waitFor(() => mailsTo(c)[0], 'first letter');
    const token1 = /\/letters\/([A-Za-z0-9_-]{43})/.exec(mail1.parsed.text ?? '')![1]!;

    const noKey = await fetch(`${svc.url}/v1/activations/resend`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ reference: c.reference }),
    });
    expect(noKey.status).toBe(401);

    const r1 = await act.resend(c.id, { actorType: 'reviewer', actorId: randomUUID() });
    expect(r1).toMatchObject({ generation: 1, resendsLeft: 2 });
    const code2 = await nextSmsCode(c, 2);
    await waitFor(() => mailsTo(c).length >= 2, 'second letter');
    // The old letter now says it was replaced, without the code.
    const old = await (await fetch(`${svc.url}/letters/${token1}`)).text();
    expect(old).not.toContain(code1);
    expect(old).toMatch(/remplacée/);

    if (code1 !== code2) {
      const stale = await postActivation(c.reference, code1);
      expect(stale.status).toBe(400);
      expect(stale.body.error!.code).toBe('invalid_code');
    }
    await act.resend(c.id, { actorType: 'service', actorId: 'api-key' });
    await act.resend(c.id, { actorType: 'service', actorId: 'api-key' });
    await expect(act.resend(c.id, { actorType: 'service', actorId: 'api-key' })).rejects.toMatchObject({
      code: 'resend_limit',
    });
    // The code of a superseded generation may be cancelled before its SMS leaves: wait for the current one.
    await waitFor(async () => (await act.status(c.id)).delivery.sms?.status === 'sent', 'the last SMS');
    const current = (
      await svc.runtime.db.query<{ code_hmac: string }>(
        `SELECT code_hmac FROM activation_codes WHERE case_id = $1 AND status = 'active'`,
        [c.id],
      )
    ).rows[0]!.code_hmac;
    const code4 = smsCodes(c).find(
      (x) => hashCode(svc.runtime.config.CODE_HMAC_SECRET, c.id, x) === current,
    )!;
    expect(code4).toBeDefined();
    sensitive.add(code4);
    const status = await act.status(c.id);
    expect(status).toMatchObject({
      resendsUsed: 3,
      resendsLeft: 0,
      code: { generation: 3, status: 'active' },
    });
    expect(status.deliveries.filter((d) => d.channel === 'sms')).toHaveLength(4);
    const done = await postActivation(c.reference, code4);
    expect(done.status).toBe(200);
  });

  it('refuses an expired code', async () => {
    const c = await approvedCase('en');
    const code = await nextSmsCode(c, 1);
    await svc.runtime.db.query(
      `UPDATE activation_codes SET expires_at = now() - interval '1 second' WHERE case_id = $1`,
      [c.id],
    );
    const token = letterToken(await waitFor(() => mailsTo(c)[0], 'the e-letter'));
    const r = await postByLink(token, code);
    expect(r.status).toBe(410);
    expect(r.body.error!.code).toBe('code_expired');
    expect((await act.status(c.id)).state).toBe('issued');
  });

  it('retries a refused or closed e-mail connection with backoff and delivers it once the SMTP server recovers', async () => {
    // First attempt: the message is refused (451); second: the server closes the connection (421); then it is fine.
    const c = await approvedCase('fr', (email) => smtp.failures.set(email, ['reject', 'close']));
    await waitFor(
      async () => (await act.status(c.id)).delivery.email?.status === 'sent',
      'the e-mail sent after recovery',
    );
    expect(smtp.failures.get(c.email)).toEqual([]);
    const done = await act.status(c.id);
    expect(done.delivery.email).toMatchObject({ status: 'sent', attempts: 3, lastError: null });
    expect(mailsTo(c)).toHaveLength(1);
    expect(done.delivery.sms?.status).toBe('sent');
    // Each failed attempt was logged with a non-personal label (the delivery record keeps the last one).
    const failures = logLines
      .map((l) => JSON.parse(l) as { msg: string; deliveryId?: number; error?: string })
      .filter(
        (l) =>
          l.msg === 'delivery attempt failed, will retry' && l.deliveryId === done.delivery.email!.deliveryId,
      )
      .map((l) => l.error);
    expect(failures).toEqual([expect.stringMatching(/451/), expect.stringMatching(/421/)]);
  });

  it('flags a delivery failed after the last retry for ops, and an ops retry sends it', async () => {
    const c = await approvedCase('en');
    sms.failFor.add(c.mobile);
    // 4 attempts, backoff 150, 300, 600 ms.
    await waitFor(
      async () => (await act.status(c.id)).delivery.sms?.status === 'failed',
      'the SMS flagged failed',
    );
    const st = await act.status(c.id);
    expect(st.delivery.sms).toMatchObject({ status: 'failed', attempts: 4, lastError: 'sms_http_500' });
    const flagged = await act.failedDeliveries();
    expect(flagged.map((d) => d.id)).toContain(st.delivery.sms!.deliveryId);
    const audit = await caseAudit(svc.runtime.db, c.id);
    expect(audit.some((e) => e.action === 'activation.delivery.failed')).toBe(true);

    sms.failFor.delete(c.mobile);
    expect(await act.retryDelivery(st.delivery.sms!.deliveryId)).toBe(true);
    await waitFor(
      async () => (await act.status(c.id)).delivery.sms?.status === 'sent',
      'the SMS sent after an ops retry',
    );
    expect(smsCodes(c)).toHaveLength(1);
  });

  it('re-queues deliveries a crash left unqueued (committed, never enqueued)', async () => {
    const id = randomUUID();
    const email = `sweep.${id.slice(0, 8)}@example.org`;
    sensitive.add(email);
    await rt.db.query(
      `INSERT INTO cases (id, reference, status, lang, applicant, expires_at) VALUES ($1, $2, 'approved', 'en', $3, now() + interval '1 day')`,
      [id, `ref-${id}`, JSON.stringify({ email, mobile: '+33700000001' })],
    );
    // The process "dies" between the commit and the enqueue: nothing reaches the queue.
    const issued = await issueOnApproval(
      {
        db: rt.db,
        hmacSecret: rt.config.CODE_HMAC_SECRET,
        sealingKey: sealingKey(rt.config.CODE_HMAC_SECRET),
        ttlDays: 30,
        schedule: async () => undefined,
      },
      id,
    );
    expect(issued.created).toBe(true);
    await new Promise((r) => setTimeout(r, 300));
    expect((await act.status(id)).delivery.email).toMatchObject({ status: 'pending', attempts: 0 });
    expect(await act.sweep(0)).toBeGreaterThanOrEqual(2);
    await waitFor(async () => {
      const st = await act.status(id);
      return st.delivery.email?.status === 'sent' && st.delivery.sms?.status === 'sent';
    }, 'both deliveries after the sweep');
    expect(smtp.mails.filter((m) => JSON.stringify(m.parsed.to).includes(email))).toHaveLength(1);
  });

  it('rate-limits activation attempts per session and per IP with 429 JSON', async () => {
    const ref = `ref-${randomUUID()}`;
    for (let i = 0; i < 10; i++)
      expect((await postActivation(ref, '000000', `192.0.2.${i}`)).status).toBe(400);
    const limited = await postActivation(ref, '000000', '192.0.2.200');
    expect(limited.status).toBe(429);
    expect(limited.body.error!.code).toBe('rate_limited');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);

    const ip = '203.0.113.9';
    for (let i = 0; i < 25; i++)
      expect((await postActivation(`ref-${randomUUID()}`, '000000', ip)).status).toBe(400);
    expect((await postActivation(`ref-${randomUUID()}`, '000000', ip)).status).toBe(429);
  });

  it('never writes codes, tokens, e-mail addresses, phone numbers or names to the logs', () => {
    const logs = logLines.join('');
    expect(logs.length).toBeGreaterThan(1000);
    expect(logs).toContain('delivery sent');
    expect(sensitive.size).toBeGreaterThan(20);
    for (const s of sensitive) {
      const re = /^\d{6}$/.test(s) ? new RegExp(`(?<!\\d)${s}(?!\\d)`) : undefined;
      if (re) expect(re.test(logs), `code ${s} in logs`).toBe(false);
      else expect(logs.includes(s), `"${s}" in logs`).toBe(false);
    }
  });
});
