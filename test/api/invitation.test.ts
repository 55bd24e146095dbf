// Invitation e-letters against a running service, a real loopback SMTP server and an HTTP SMS provider:
// sent on creation (invite), read on a page that records nothing on GET, receipt recorded when the person
// presses the button (POST), status per channel in GET /v1/verifications/:id, bounded re-sends.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type RunningService } from '../../service/server.js';
import { testConfig } from '../helpers/env.js';
import {
  startSmtp,
  startSmsProvider,
  waitFor,
  type LoopbackSmtp,
  type LoopbackSms,
} from '../activation/servers.js';

let svc: RunningService;
let smtp: LoopbackSmtp;
let sms: LoopbackSms;
let key: string;

const applicant = {
  lastName: 'Durand',
  firstNames: 'Inès',
  birthDate: '1991-02-03',
  email: 'ines@example.test',
  mobile: '+33 6 11 22 33 44',
};

beforeAll(async () => {
  smtp = await startSmtp();
  sms = await startSmsProvider();
  svc = await startService(
    testConfig({
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: String(smtp.port),
      SMS_PROVIDER: 'http',
      SMS_HTTP_URL: sms.url,
      INVITE_EMAIL: 'true',
    }),
  );
  key = svc.runtime.config.API_KEYS[0]!;
}, 120_000);

afterAll(async () => {
  await svc?.stop();
  await smtp?.close();
  await sms?.close();
});

const post = (path: string, body: unknown) =>
  fetch(`${svc.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': key },
    body: JSON.stringify(body),
  });
const business = async (id: string) =>
  (await (await fetch(`${svc.url}/v1/verifications/${id}`, { headers: { 'x-api-key': key } })).json()) as {
    invitation: { email: string | null; sms: string | null; receivedAt: string | null; resendsLeft: number };
  };
const receipts = async (caseId: string) =>
  (
    await svc.runtime.db.query(
      `SELECT details FROM audit_events WHERE case_id = $1 AND action = 'invitation.letter.received'`,
      [caseId],
    )
  ).rows;

describe('invitation e-letter', () => {
  it('sends the letter and the SMS; a GET records nothing, the button records the receipt once', async () => {
    const r = await post('/v1/verifications', { lang: 'fr', applicant, invite: { sms: true } });
    expect(r.status).toBe(201);
    const c = (await r.json()) as { id: string; token: string };
    const mail = await waitFor(
      () => smtp.mails.find((m) => m.parsed.text?.includes('/invitations/')),
      'the letter',
    );
    expect(mail.parsed.subject).toMatch(/Lettre recommandée électronique/);
    expect(String(mail.parsed.html)).toContain('Lire mon courrier');
    // The mail carries a link to the letter, never the app link (its token).
    expect(mail.raw).not.toContain(c.token);
    const link = /http\S+\/invitations\/([A-Za-z0-9_-]{43})/.exec(mail.parsed.text!)!;
    const text = await waitFor(
      () => sms.requests.find((q) => q.body.text.includes('/invitations/')),
      'the SMS',
    );
    expect(text.body.to).toBe('+33611223344');
    await waitFor(async () => {
      const b = await business(c.id);
      return b.invitation?.email === 'sent' && b.invitation.sms === 'sent';
    }, 'both deliveries recorded');

    const page = await fetch(`${svc.url}/invitations/${link[1]}`, {
      headers: { 'user-agent': 'LinkScanner/1.0' },
    });
    expect(page.status).toBe(200);
    expect(page.headers.get('cache-control')).toBe('no-store');
    const html = await page.text();
    expect(html).toContain('Confirmer mon identité');
    expect(html).not.toContain(c.token);
    expect(await receipts(c.id)).toHaveLength(0);
    expect((await business(c.id)).invitation.receivedAt).toBeNull();

    const confirm = () =>
      fetch(`${svc.url}/invitations/${link[1]}/confirm`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'user-agent': 'Phone/1.0' },
      });
    const first = await confirm();
    expect(first.status).toBe(303);
    expect(first.headers.get('location')).toBe(`/v/${c.token}`);
    expect(await confirm().then((x) => x.status)).toBe(303);
    const rows = await receipts(c.id);
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows[0])).toMatch(/uaSha256/);
    expect(JSON.stringify(rows[0])).not.toContain('Phone/1.0');
    expect((await business(c.id)).invitation.receivedAt).not.toBeNull();
    expect((await fetch(`${svc.url}/invitations/${'x'.repeat(43)}`)).status).toBe(404);
  });

  it('re-sends on request, at most 4 invitations in all; invite:false sends nothing', async () => {
    const r = await post('/v1/verifications', { lang: 'en', applicant, invite: { email: false } });
    const c = (await r.json()) as { id: string };
    expect((await business(c.id)).invitation).toMatchObject({ email: null, sms: null });
    const before = smtp.mails.length;
    for (let i = 0; i < 3; i++) expect((await post(`/v1/verifications/${c.id}/invite`, {})).status).toBe(202);
    const refused = await post(`/v1/verifications/${c.id}/invite`, {});
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('invite_limit');
    await waitFor(() => smtp.mails.length - before >= 3, 'three letters');
    expect(smtp.mails.slice(before).every((m) => /confirm your identity/i.test(m.parsed.subject ?? ''))).toBe(
      true,
    );
    expect((await business(c.id)).invitation.resendsLeft).toBe(0);
  });
});
