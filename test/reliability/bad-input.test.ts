// Issue #17 item 5 and the bad-input acceptance suite: malformed, hostile and out-of-range requests to every
// public and reviewer route answer 4xx with the error body (never 5xx), no log line carries the personal data
// sent, and the case they were aimed at is unchanged afterwards.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomFillSync, randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import express from 'express';
import sharp from 'sharp';
import { startService, type RunningService } from '../../service/server.js';
import { createLogger } from '../../service/logger.js';
import { createConsoleRouter } from '../../service/api/review/console.js';
import { errorHandler } from '../../service/api/app.js';
import { verifyAuditChain } from '../../service/audit/audit-repository.js';
import { testConfig, tempDir } from '../helpers/env.js';
import { ApiClient, freshPgDatabase, type Created } from '../api/client.js';
import { ReviewClient } from '../review/client.js';
import { makeReviewer, PASSWORD } from '../review/seed.js';
import { storageCheck } from './storage-cli.js';

/** A last name that must never appear in a log line. */
const MARKER = 'Qzwxmarkerlastname';
const lines: string[] = [];
const sink = new Writable({
  write(chunk, _e, cb) {
    lines.push(String(chunk));
    cb();
  },
});

let pgDb: { url: string; drop(): Promise<void> };
let svc: RunningService;
let api: ApiClient;
let admin: ReviewClient;
let target: Created;
let front: Buffer;
let consoleServer: Server;
let consoleBase: string;

const person = {
  lastName: 'Martin',
  firstNames: 'Léa Marie',
  birthDate: '1990-04-12',
  email: 'lea@example.test',
  mobile: '+33612345678',
};

beforeAll(async () => {
  pgDb = await freshPgDatabase();
  svc = await startService(testConfig({ ROLE: 'api', DATABASE_URL: pgDb.url, LOG_LEVEL: 'info' }), {
    logger: createLogger('info', sink),
  });
  api = new ApiClient(svc.url!, svc.runtime.config.API_KEYS[0]!);
  const reviewer = await makeReviewer(svc.runtime.db, 'admin');
  admin = new ReviewClient(svc.url!);
  expect((await admin.login(reviewer.email, PASSWORD)).status).toBe(200);
  target = await api.create(person);
  const raw = Buffer.alloc(320 * 240 * 3);
  randomFillSync(raw);
  front = await sharp(raw, { raw: { width: 320, height: 240, channels: 3 } })
    .jpeg()
    .toBuffer();
  expect((await api.upload(target.token, 'front', front, 'front.jpg')).status).toBe(201);
  // The console router over a built-looking directory, behind the service's error handler.
  const dir = tempDir('idv-console-');
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>console</title>');
  writeFileSync(join(dir, 'assets', 'app.js'), 'console.log(1)');
  const app = express();
  app.use('/console', createConsoleRouter(dir));
  app.use(errorHandler(svc.runtime.logger));
  consoleServer = await new Promise<Server>((r) => {
    const s = app.listen(0, '127.0.0.1', () => r(s));
  });
  consoleBase = `http://127.0.0.1:${(consoleServer.address() as { port: number }).port}`;
}, 120_000);

afterAll(async () => {
  await new Promise((r) => consoleServer?.close(r));
  await svc?.stop();
  await pgDb?.drop();
});

interface Sent {
  label: string;
  status: number;
  json: unknown;
  contentType: string;
}

async function send(
  label: string,
  method: string,
  path: string,
  o: { body?: string | Buffer; headers?: Record<string, string>; base?: string } = {},
): Promise<Sent> {
  const r = await fetch((o.base ?? svc.url!) + path, {
    method,
    headers: o.headers,
    body: o.body === undefined ? undefined : new Uint8Array(Buffer.from(o.body)),
  });
  const contentType = r.headers.get('content-type') ?? '';
  const text = await r.text();
  let json: unknown;
  if (contentType.includes('json')) json = JSON.parse(text);
  return { label, status: r.status, json, contentType };
}

const key = () => ({ 'x-api-key': svc.runtime.config.API_KEYS[0]! });
const jsonHeaders = () => ({ ...key(), 'content-type': 'application/json' });
const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
/** JSON text of a create body with one applicant field replaced by raw JSON text (escapes kept as sent). */
const createWith = (field: string, rawJsonValue: string) =>
  JSON.stringify({ lang: 'fr', applicant: { ...person, lastName: MARKER, [field]: '@@' } }).replace(
    '"@@"',
    rawJsonValue,
  );

function multipart(field: string, filename: string, data: Buffer, boundary = 'b0undary') {
  return {
    body: Buffer.concat([
      Buffer.from(
        `--${boundary}\r\ncontent-disposition: form-data; name="${field}"; filename="${filename}"\r\ncontent-type: application/octet-stream\r\n\r\n`,
      ),
      data,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]),
    headers: { ...bearer(target.token), 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

describe('bad input', () => {
  it('item 5: NUL, lone surrogate, control characters and implausible birth dates are 400, names never logged', async () => {
    const cases: Array<[string, string, number]> = [
      ['NUL in the last name', createWith('lastName', JSON.stringify(`${MARKER}\u0000x`)), 400],
      ['lone surrogate in the first names', createWith('firstNames', '"Jean\\ud800"'), 400],
      ['bell character in the last name', createWith('lastName', JSON.stringify(`${MARKER}\u0007`)), 400],
      ['zero-width space in the first names', createWith('firstNames', '"Jean\\u200bPaul"'), 400],
      ['birth date in 1850', createWith('birthDate', '"1850-01-01"'), 400],
      ['birth date in the future', createWith('birthDate', '"2999-12-31"'), 400],
    ];
    for (const [label, body, want] of cases) {
      const r = await send(label, 'POST', '/v1/verifications', { body, headers: jsonHeaders() });
      expect(r.status, label).toBe(want);
      expect(r.json, label).toMatchObject({
        error: { code: expect.any(String), message: expect.any(String) },
      });
    }
    const dashes = await send('36 dashes', 'GET', `/v1/verifications/${'-'.repeat(36)}`, { headers: key() });
    expect(dashes.status).toBe(404);
    const missing = await send('missing asset', 'GET', '/console/assets/nope.js', { base: consoleBase });
    expect(missing.status).toBe(404);
    expect(missing.json).toMatchObject({ error: { code: 'not_found' } });
    const traversal = await send('traversal', 'GET', '/console/assets/..%2f..%2findex.html', {
      base: consoleBase,
    });
    expect([403, 404]).toContain(traversal.status);
    expect(traversal.json).toMatchObject({ error: { code: expect.any(String) } });
    const ok = await send('asset', 'GET', '/console/assets/app.js', { base: consoleBase });
    expect(ok.status).toBe(200);
    expect(lines.join('')).not.toContain(MARKER.slice(0, 8));
  });

  it('at least 60 bad requests across every route: no 5xx, the error body, the case unchanged', async () => {
    const id = target.id;
    const tok = target.token;
    const out: Sent[] = [];
    const q = async (label: string, method: string, path: string, o: Parameters<typeof send>[3] = {}) =>
      out.push(await send(label, method, path, o));
    const big = 'x'.repeat(5000);
    const truncated = front.subarray(0, Math.floor(front.length / 3));

    // Business service: create, read.
    await q('create: no key', 'POST', '/v1/verifications', {
      body: '{}',
      headers: { 'content-type': 'application/json' },
    });
    await q('create: wrong key', 'POST', '/v1/verifications', {
      body: '{}',
      headers: { 'x-api-key': 'nope', 'content-type': 'application/json' },
    });
    await q('create: malformed JSON', 'POST', '/v1/verifications', {
      body: '{"applicant":',
      headers: jsonHeaders(),
    });
    await q('create: array body', 'POST', '/v1/verifications', { body: '[]', headers: jsonHeaders() });
    await q('create: text/plain', 'POST', '/v1/verifications', {
      body: 'hello',
      headers: { ...key(), 'content-type': 'text/plain' },
    });
    await q('create: over the body limit', 'POST', '/v1/verifications', {
      body: JSON.stringify({ pad: 'x'.repeat(200_000) }),
      headers: jsonHeaders(),
    });
    await q('create: no applicant', 'POST', '/v1/verifications', {
      body: '{"lang":"fr"}',
      headers: jsonHeaders(),
    });
    await q('create: lang de', 'POST', '/v1/verifications', {
      body: JSON.stringify({ lang: 'de', applicant: person }),
      headers: jsonHeaders(),
    });
    await q('create: NUL in reference', 'POST', '/v1/verifications', {
      body: JSON.stringify({ reference: 'a\u0000b', applicant: person }),
      headers: jsonHeaders(),
    });
    await q('create: NUL in e-mail', 'POST', '/v1/verifications', {
      body: createWith('email', '"a\\u0000@example.test"'),
      headers: jsonHeaders(),
    });
    await q('create: NUL in mobile', 'POST', '/v1/verifications', {
      body: createWith('mobile', '"+3361\\u00002345678"'),
      headers: jsonHeaders(),
    });
    await q('create: NUL in a key', 'POST', '/v1/verifications', {
      body: '{"applicant":{"a\\u0000":1}}',
      headers: jsonHeaders(),
    });
    await q('create: lone low surrogate', 'POST', '/v1/verifications', {
      body: createWith('lastName', '"\\udc00abc"'),
      headers: jsonHeaders(),
    });
    await q('create: 5000-char name', 'POST', '/v1/verifications', {
      body: createWith('lastName', JSON.stringify(big)),
      headers: jsonHeaders(),
    });
    await q('create: numeric name', 'POST', '/v1/verifications', {
      body: createWith('lastName', '42'),
      headers: jsonHeaders(),
    });
    await q('create: 30 February', 'POST', '/v1/verifications', {
      body: createWith('birthDate', '"1990-02-30"'),
      headers: jsonHeaders(),
    });
    await q('create: year 0000', 'POST', '/v1/verifications', {
      body: createWith('birthDate', '"0000-01-01"'),
      headers: jsonHeaders(),
    });
    await q('create: date as words', 'POST', '/v1/verifications', {
      body: createWith('birthDate', '"yesterday"'),
      headers: jsonHeaders(),
    });
    await q('create: deep nesting', 'POST', '/v1/verifications', {
      body: '{"applicant":' + '['.repeat(500) + ']'.repeat(500) + '}',
      headers: jsonHeaders(),
    });
    await q('create: duplicate reference', 'POST', '/v1/verifications', {
      body: JSON.stringify({ reference: target.reference, applicant: person }),
      headers: jsonHeaders(),
    });
    await q('get: 36 dashes', 'GET', `/v1/verifications/${'-'.repeat(36)}`, { headers: key() });
    await q('get: short id', 'GET', '/v1/verifications/x', { headers: key() });
    await q('get: %00 id', 'GET', '/v1/verifications/%00', { headers: key() });
    await q('get: unknown uuid', 'GET', `/v1/verifications/${randomUUID()}`, { headers: key() });
    await q('get: 5000-char id', 'GET', `/v1/verifications/${big}`, { headers: key() });
    await q('get: bad percent-encoding', 'GET', '/v1/verifications/%E0%A4%A', { headers: key() });
    await q('get: no key', 'GET', `/v1/verifications/${id}`);

    // Applicant.
    await q('status: no token', 'GET', '/v1/applicant/status');
    await q('status: bogus token', 'GET', '/v1/applicant/status', { headers: bearer('bogus') });
    await q('status: 5000-char token', 'GET', '/v1/applicant/status', { headers: bearer(big) });
    await q('status: basic auth', 'GET', '/v1/applicant/status', {
      headers: { authorization: 'Basic eDp5' },
    });
    await q('upload: unknown kind', 'PUT', '/v1/applicant/media/selfie', multipart('file', 'a.jpg', front));
    await q(
      'upload: traversal kind',
      'PUT',
      '/v1/applicant/media/..%2f..%2fetc',
      multipart('file', 'a.jpg', front),
    );
    await q('upload: not multipart', 'PUT', '/v1/applicant/media/back', {
      body: front,
      headers: { ...bearer(tok), 'content-type': 'image/jpeg' },
    });
    await q(
      'upload: wrong field name',
      'PUT',
      '/v1/applicant/media/back',
      multipart('photo', 'a.jpg', front),
    );
    await q(
      'upload: empty file',
      'PUT',
      '/v1/applicant/media/back',
      multipart('file', 'a.jpg', Buffer.alloc(0)),
    );
    await q(
      'upload: text as image',
      'PUT',
      '/v1/applicant/media/back',
      multipart('file', 'a.jpg', Buffer.from('hello '.repeat(100))),
    );
    await q(
      'upload: truncated JPEG',
      'PUT',
      '/v1/applicant/media/back',
      multipart('file', 'a.jpg', truncated),
    );
    await q('upload: image as video', 'PUT', '/v1/applicant/media/video', multipart('file', 'a.webm', front));
    await q('upload: broken boundary', 'PUT', '/v1/applicant/media/back', {
      body: front,
      headers: { ...bearer(tok), 'content-type': 'multipart/form-data; boundary=zz' },
    });
    await q('upload: no boundary', 'PUT', '/v1/applicant/media/back', {
      body: front,
      headers: { ...bearer(tok), 'content-type': 'multipart/form-data' },
    });
    await q(
      'upload: NUL filename',
      'PUT',
      '/v1/applicant/media/back',
      multipart('file', 'a\u0000.jpg', truncated),
    );
    await q('upload: no token', 'PUT', '/v1/applicant/media/back', {
      body: front,
      headers: { 'content-type': 'multipart/form-data; boundary=zz' },
    });
    // Resumable uploads (tus).
    const tusH = (more: Record<string, string> = {}) => ({
      ...bearer(tok),
      'tus-resumable': '1.0.0',
      ...more,
    });
    await q('tus: no Tus-Resumable', 'POST', '/v1/applicant/uploads', {
      headers: { ...bearer(tok), 'upload-length': '10' },
    });
    await q('tus: no length', 'POST', '/v1/applicant/uploads', { headers: tusH() });
    await q('tus: letters as length', 'POST', '/v1/applicant/uploads', {
      headers: tusH({ 'upload-length': 'ten', 'upload-metadata': 'kind dmlkZW8=' }),
    });
    await q('tus: broken metadata', 'POST', '/v1/applicant/uploads', {
      headers: tusH({ 'upload-length': '10', 'upload-metadata': 'kind !!!,,' }),
    });
    await q('tus: unknown kind', 'POST', '/v1/applicant/uploads', {
      headers: tusH({ 'upload-length': '10', 'upload-metadata': 'kind c2VsZmll' }),
    });
    await q('tus: no token', 'POST', '/v1/applicant/uploads', {
      headers: { 'tus-resumable': '1.0.0', 'upload-length': '10' },
    });
    await q('tus: unknown upload', 'PATCH', `/v1/applicant/uploads/${'0'.repeat(32)}`, {
      body: 'x',
      headers: tusH({ 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' }),
    });
    await q('tus: bad id', 'PATCH', '/v1/applicant/uploads/..%2f..%2fsecrets', {
      body: 'x',
      headers: tusH({ 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' }),
    });
    await q('tus: %00 id', 'DELETE', '/v1/applicant/uploads/%00', { headers: tusH() });
    const created = await fetch(`${svc.url}/v1/applicant/uploads`, {
      method: 'POST',
      headers: tusH({ 'upload-length': '10', 'upload-metadata': 'kind YmFjaw==' }),
    });
    const loc = created.headers.get('location')!;
    await q('tus: negative offset', 'PATCH', loc, {
      body: 'x',
      headers: tusH({ 'upload-offset': '-1', 'content-type': 'application/offset+octet-stream' }),
    });
    await q('tus: wrong content type', 'PATCH', loc, {
      body: 'x',
      headers: tusH({ 'upload-offset': '0', 'content-type': 'text/plain' }),
    });
    await q('tus: over the declared length', 'PATCH', loc, {
      body: 'x'.repeat(50),
      headers: tusH({ 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' }),
    });
    await q('tus: text as image', 'PATCH', loc, {
      body: 'hello worl',
      headers: tusH({ 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' }),
    });
    await q('submit: video missing', 'POST', '/v1/applicant/submit', { headers: bearer(tok) });
    await q('submit: bogus token', 'POST', '/v1/applicant/submit', { headers: bearer('bogus') });
    await q('submit: with a body', 'POST', '/v1/applicant/submit', {
      body: '{"x":"\\u0000"}',
      headers: { ...bearer(tok), 'content-type': 'application/json' },
    });

    // Activation and letters.
    await q('activate: empty', 'POST', '/v1/activations', {
      body: '{}',
      headers: { 'content-type': 'application/json' },
    });
    await q('activate: NUL reference', 'POST', '/v1/activations', {
      body: '{"reference":"a\\u0000","code":"123456"}',
      headers: { 'content-type': 'application/json' },
    });
    await q('activate: letters as code', 'POST', '/v1/activations', {
      body: JSON.stringify({ reference: target.reference, code: 'abcdef' }),
      headers: { 'content-type': 'application/json' },
    });
    await q('activate: array', 'POST', '/v1/activations', {
      body: '[1,2]',
      headers: { 'content-type': 'application/json' },
    });
    await q('activate: malformed', 'POST', '/v1/activations', {
      body: '{"reference',
      headers: { 'content-type': 'application/json' },
    });
    await q('activate: surrogate code', 'POST', '/v1/activations', {
      body: '{"reference":"r","code":"\\ud83d"}',
      headers: { 'content-type': 'application/json' },
    });
    await q('resend: no key', 'POST', '/v1/activations/resend', {
      body: '{}',
      headers: { 'content-type': 'application/json' },
    });
    await q('resend: unknown', 'POST', '/v1/activations/resend', {
      body: '{"reference":"nope"}',
      headers: jsonHeaders(),
    });
    await q('resend: NUL', 'POST', '/v1/activations/resend', {
      body: '{"reference":"\\u0000"}',
      headers: jsonHeaders(),
    });
    await q('activation status: %00', 'GET', '/v1/activations/%00', { headers: key() });
    await q('activation status: unknown', 'GET', '/v1/activations/nope', { headers: key() });
    await q('letter: bogus', 'GET', '/letters/bogus');
    await q('letter: %00', 'GET', '/letters/%00');
    await q('letter: long', 'GET', `/letters/${big}`);

    // Reviewer API and ops.
    const anon = new ReviewClient(svc.url!);
    await q('login: empty', 'POST', '/api/review/auth/login', {
      body: '{}',
      headers: { 'content-type': 'application/json' },
    });
    await q('login: NUL e-mail', 'POST', '/api/review/auth/login', {
      body: '{"email":"a\\u0000@x.test","password":"p"}',
      headers: { 'content-type': 'application/json' },
    });
    await q('login: malformed', 'POST', '/api/review/auth/login', {
      body: '{"email"',
      headers: { 'content-type': 'application/json' },
    });
    await q('login: form encoded', 'POST', '/api/review/auth/login', {
      body: 'email=a&password=b',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    out.push({
      label: 'me: anonymous',
      ...(await anon
        .get('/api/review/auth/me')
        .then((r) => ({ status: r.status, json: r.body, contentType: 'application/json' }))),
    });
    const asAdmin = async (
      label: string,
      method: string,
      path: string,
      body?: unknown,
      csrf?: string | null,
    ) => {
      const r = await admin.req(method, path, body, csrf === undefined ? {} : { csrf });
      out.push({
        label,
        status: r.status,
        json: Buffer.isBuffer(r.body) ? undefined : r.body,
        contentType: r.headers.get('content-type') ?? '',
      });
    };
    await asAdmin('case: 36 dashes', 'GET', `/api/review/cases/${'-'.repeat(36)}`);
    await asAdmin('case: not a uuid', 'GET', '/api/review/cases/abc');
    await asAdmin('case: %00', 'GET', '/api/review/cases/%00');
    await asAdmin('case: unknown', 'GET', `/api/review/cases/${randomUUID()}`);
    await asAdmin('claim: unknown', 'POST', `/api/review/cases/${randomUUID()}/claim`, {});
    await asAdmin('claim: not in review', 'POST', `/api/review/cases/${id}/claim`, {});
    await asAdmin('release: unclaimed', 'POST', `/api/review/cases/${id}/release`, {});
    await asAdmin('decide: bad action', 'POST', `/api/review/cases/${id}/decision`, { action: 'maybe' });
    await asAdmin('decide: NUL note', 'POST', `/api/review/cases/${id}/decision`, {
      action: 'approve',
      note: 'a\u0000b',
    });
    await asAdmin('decide: NUL reason', 'POST', `/api/review/cases/${id}/decision`, {
      action: 'reject',
      reasons: ['\u0000'],
    });
    await asAdmin('decide: not in review', 'POST', `/api/review/cases/${id}/decision`, { action: 'approve' });
    await asAdmin('decide: no CSRF', 'POST', `/api/review/cases/${id}/decision`, { action: 'approve' }, null);
    await asAdmin('media: unknown kind', 'GET', `/api/review/cases/${id}/media/passport`);
    await asAdmin('media: traversal', 'GET', `/api/review/cases/${id}/media/..%2f..%2fsecrets.json`);
    await asAdmin('media: bad range', 'GET', `/api/review/cases/${id}/media/front`);
    await asAdmin('frame: t=abc', 'GET', `/api/review/cases/${id}/frame?t=abc`);
    await asAdmin('queue: bad query', 'GET', '/api/review/queue?reason=%00&limit=-1');
    await asAdmin('queue: array query', 'GET', '/api/review/queue?reason=a&reason=b&sort[$gt]=1');
    await asAdmin('ops summary', 'GET', '/api/ops/summary?window=-5');
    await asAdmin('at-risk: surrogate query', 'GET', '/api/review/supervisor/at-risk?x=%ED%A0%80');
    await q('ops: anonymous', 'GET', '/api/ops/summary');
    await q('metrics: wrong token', 'GET', '/metrics', { headers: { authorization: 'Bearer nope' } });
    await q('no such route', 'GET', '/v2/anything');
    await q('healthz: POST', 'POST', '/healthz');
    await q('openapi: %00', 'GET', '/openapi.json?x=%00');
    await q('console asset missing', 'GET', '/console/assets/none.js', { base: consoleBase });
    await q('console traversal', 'GET', '/console/assets/..%2f..%2f..%2fpackage.json', { base: consoleBase });
    await q('console encoded NUL', 'GET', '/console/assets/a%00.js', { base: consoleBase });

    // The applicant app's routes, invitations, evidence, erasure and legal hold (every documented route is hit).
    const dashes = '-'.repeat(36);
    const asJson = (body: string, headers: Record<string, string> = {}) => ({
      body,
      headers: { ...headers, 'content-type': 'application/json' },
    });
    await q('challenge: no token', 'POST', '/v1/applicant/challenge');
    await q('challenge: bogus token', 'POST', '/v1/applicant/challenge', { headers: bearer('bogus') });
    await q('challenge: encoded NUL token', 'POST', '/v1/applicant/challenge', { headers: bearer('%00') });
    await q('session: no token', 'GET', '/v1/applicant/session');
    await q('session: bogus token', 'GET', '/v1/applicant/session', { headers: bearer(big) });
    await q('capture: unknown kind', 'PUT', '/v1/applicant/media/selfie/capture', asJson('{}', bearer(tok)));
    await q(
      'capture: NUL in a fact',
      'PUT',
      '/v1/applicant/media/front/capture',
      asJson('{"source":"\\u0000"}', bearer(tok)),
    );
    await q('capture: array body', 'PUT', '/v1/applicant/media/front/capture', asJson('[1]', bearer(tok)));
    await q(
      'capture: medium not uploaded',
      'PUT',
      '/v1/applicant/media/back/capture',
      asJson('{}', bearer(tok)),
    );
    await q(
      'precheck: video side',
      'POST',
      '/v1/applicant/media/video/precheck',
      asJson('{"doc":"passport"}', bearer(tok)),
    );
    await q(
      'precheck: unknown document',
      'POST',
      '/v1/applicant/media/front/precheck',
      asJson('{"doc":"visa"}', bearer(tok)),
    );
    await q(
      'precheck: photo not uploaded',
      'POST',
      '/v1/applicant/media/back/precheck',
      asJson('{"doc":"cni2021"}', bearer(tok)),
    );
    await q('applicant activation: no token', 'GET', '/v1/applicant/activation');
    await q(
      'applicant activation: bogus token',
      'POST',
      '/v1/applicant/activation',
      asJson('{"code":"123456"}', bearer('bogus')),
    );
    await q(
      'applicant activation: malformed',
      'POST',
      '/v1/applicant/activation',
      asJson('{"code"', bearer(tok)),
    );
    await q('invite: 36 dashes', 'POST', `/v1/verifications/${dashes}/invite`, asJson('{}', key()));
    await q(
      'invite: unknown channel',
      'POST',
      `/v1/verifications/${id}/invite`,
      asJson('{"fax":true}', key()),
    );
    await q('invite: no channel', 'POST', `/v1/verifications/${id}/invite`, asJson('{"email":false}', key()));
    await q('invite: no key', 'POST', `/v1/verifications/${id}/invite`, asJson('{}'));
    await q('invitation page: bogus', 'GET', '/invitations/bogus');
    await q('invitation page: encoded NUL', 'GET', '/invitations/%00');
    await q('invitation confirm: long token', 'POST', `/invitations/${big}/confirm`, {
      body: 'x=1',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    await q('letter open: bogus', 'POST', '/letters/bogus', {
      body: 'open=1',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    await q('letter open: oversized form', 'POST', '/letters/bogus', {
      body: `open=${big}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    await q('evidence: 36 dashes', 'GET', `/v1/verifications/${dashes}/evidence`, { headers: key() });
    await q('evidence: not final', 'GET', `/v1/verifications/${id}/evidence`, { headers: key() });
    await q('evidence: no key', 'GET', `/v1/verifications/${id}/evidence`);
    await q('erasure: 36 dashes', 'DELETE', `/v1/verifications/${dashes}/personal-data`, { headers: key() });
    await q('erasure: unknown', 'DELETE', `/v1/verifications/${randomUUID()}/personal-data`, {
      headers: key(),
    });
    await q('erasure: no key', 'DELETE', `/v1/verifications/${id}/personal-data`);
    await q('legal hold: anonymous', 'PUT', `/api/retention/cases/${id}/legal-hold`, asJson('{"hold":true}'));
    await asAdmin('legal hold: not a boolean', 'PUT', `/api/retention/cases/${id}/legal-hold`, {
      hold: 'yes',
    });
    await asAdmin('legal hold: 36 dashes', 'PUT', `/api/retention/cases/${dashes}/legal-hold`, {
      hold: true,
    });
    await asAdmin('legal hold: NUL reason', 'PUT', `/api/retention/cases/${id}/legal-hold`, {
      hold: true,
      reason: 'a\u0000b',
    });
    await q('reasons: anonymous', 'GET', '/api/review/reasons');
    await q('app: encoded NUL', 'GET', '/v/%00');
    await q('app: bad percent-encoding', 'GET', '/v/%E0%A4%A');
    await q('readyz: POST', 'POST', '/readyz');
    await q('evidence keys: POST', 'POST', '/.well-known/idv-evidence-keys.json');
    // Last: a logout without its CSRF token must be refused (the admin session is still used above).
    await asAdmin('logout: no CSRF', 'POST', '/api/review/auth/logout', {}, null);

    expect(out.length).toBeGreaterThanOrEqual(60);
    const fivexx = out.filter((r) => r.status >= 500 && r.status !== 503);
    expect(fivexx.map((r) => `${r.label}: ${r.status}`)).toEqual([]);
    for (const r of out) {
      if (r.status < 400) continue;
      // Every JSON error has the one shape; the letter, invitation and applicant app pages are HTML by design.
      if (r.contentType.includes('json'))
        expect(r.json, r.label).toMatchObject({
          error: { code: expect.any(String), message: expect.any(String) },
        });
      else expect(r.label, `${r.label}: ${r.status} ${r.contentType}`).toMatch(/^(letter|invitation|app)/);
    }
    // The case these requests aimed at is as it was: open, the one front photo, nothing else stored.
    const status = await api.status(tok);
    expect(status).toMatchObject({ status: 'created', attempt: 1, uploaded: ['front'] });
    const decisions = await svc.runtime.db.query('SELECT 1 FROM decisions WHERE case_id = $1', [id]);
    expect(decisions.rowCount).toBe(0);
    expect(await storageCheck(svc.runtime.config)).toMatchObject({
      ok: true,
      orphanObjects: [],
      missingObjects: [],
    });
    expect((await verifyAuditChain(svc.runtime.db)).ok).toBe(true);
    expect(lines.join('')).not.toContain(MARKER.slice(0, 8));
    process.stdout.write(
      `${JSON.stringify({ badRequests: out.length, byStatus: countBy(out.map((r) => r.status)) })}\n`,
    );
  }, 180_000);
});

function countBy(xs: number[]): Record<string, number> {
  const m: Record<string, number> = {};
  for (const x of xs) m[x] = (m[x] ?? 0) + 1;
  return m;
}
