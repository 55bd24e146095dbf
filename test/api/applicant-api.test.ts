// The applicant API on a running service (embedded PGlite, real Redis, real engines): OpenAPI coverage,
// authentication, upload refusals, and a genuine fixture case from upload to `approved` with its signed webhook.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { startService, type RunningService } from '../../service/server.js';
import { testConfig } from '../helpers/env.js';
import { fixtureCase, type FixtureCase } from '../helpers/fixtures.js';
import { createApplicantRouter } from '../../service/api/applicant/router.js';
import * as schemas from '../../service/api/applicant/schemas.js';
import { verifyWebhook, SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../../service/outbox/index.js';
import { listMedia, listOutbox } from '../../service/cases/index.js';
import { mediaStoreFor } from '../../service/storage/index.js';
import { ApiClient, identityOf } from './client.js';
import type { Router } from 'express';
import { activationRouter, letterRouter } from '../../service/api/activation/routes.js';

let svc: RunningService;
let api: ApiClient;
let hook: Server;
const received: Array<{ body: string; ts: string; sig: string }> = [];
let genuine: FixtureCase;

beforeAll(async () => {
  hook = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push({
        body,
        ts: String(req.headers[TIMESTAMP_HEADER]),
        sig: String(req.headers[SIGNATURE_HEADER]),
      });
      res.end('ok');
    });
  });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
  const port = (hook.address() as { port: number }).port;
  const config = testConfig({
    MAX_UPLOAD_MB_IMAGE: '1',
    WEBHOOK_URL: `http://127.0.0.1:${port}/hook`,
    WEBHOOK_SECRET: 'test-webhook-secret-0123456789',
    FACE_WORKERS: '1',
    PIPELINE_CONCURRENCY: '1',
  });
  svc = await startService(config);
  api = new ApiClient(svc.url!, config.API_KEYS[0]!);
  genuine = await fixtureCase({ attack: 'none', seed: 1, formats: ['webm'] });
}, 240_000);

afterAll(async () => {
  await svc?.stop();
  await new Promise((r) => hook?.close(r));
});

describe('OpenAPI document', () => {
  it('describes every route the applicant router mounts', async () => {
    const doc = (await (await fetch(`${svc.url}/openapi.json`)).json()) as {
      openapi: string;
      paths: Record<string, Record<string, unknown>>;
    };
    expect(doc.openapi).toMatch(/^3\./);
    const router = createApplicantRouter({
      config: svc.runtime.config,
      db: svc.runtime.db,
      store: mediaStoreFor(svc.runtime.config, svc.runtime.db),
      startPipeline: async () => undefined,
    });
    const mounted = (router.stack as Array<{ route?: { path: string; methods: Record<string, boolean> } }>)
      .filter((l) => l.route)
      .flatMap((l) =>
        Object.keys(l.route!.methods).map(
          (m) => [m, '/v1' + l.route!.path.replace(/:(\w+)/g, '{$1}')] as const,
        ),
      );
    expect(mounted.length).toBeGreaterThanOrEqual(5);
    for (const [method, path] of mounted)
      expect(doc.paths[path]?.[method], `${method} ${path}`).toBeDefined();
    expect(doc.paths['/openapi.json']?.get).toBeDefined();
    // The activation routes are part of the same public document.
    const svcAct = svc.runtime.activation;
    const routeList = (r: Router, prefix: string) =>
      (r.stack as Array<{ route?: { path: string; methods: Record<string, boolean> } }>)
        .filter((l) => l.route)
        .flatMap((l) =>
          Object.keys(l.route!.methods).map(
            (m) => [m, (prefix + l.route!.path).replace(/\/$/, '').replace(/:(\w+)/g, '{$1}')] as const,
          ),
        );
    const activation = [
      ...routeList(activationRouter(svcAct, ['k']), '/v1/activations'),
      ...routeList(letterRouter(svcAct), '/letters'),
    ];
    expect(activation.length).toBeGreaterThanOrEqual(4);
    for (const [method, path] of activation)
      expect(doc.paths[path]?.[method], `${method} ${path}`).toBeDefined();
  });
});

describe('authentication', () => {
  it('refuses creation without or with a wrong API key, and a bad body', async () => {
    const body = JSON.stringify({ applicant: identityOf(genuine) });
    const none = await fetch(`${svc.url}/v1/verifications`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(none.status).toBe(401);
    expect(schemas.errorResponse.parse(await none.json()).error.code).toBe('unauthorized');
    const wrong = await fetch(`${svc.url}/v1/verifications`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'nope' },
      body,
    });
    expect(wrong.status).toBe(401);
    const bad = await fetch(`${svc.url}/v1/verifications`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': api.apiKey },
      body: JSON.stringify({ applicant: { ...identityOf(genuine), birthDate: '31/12/1990' } }),
    });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.message).toMatch(/birthDate/);
  });

  it('creates a verification (response matches the schema) and stores only the token hash', async () => {
    const c = await api.create(identityOf(genuine));
    schemas.createVerificationResponse.parse(c);
    expect(c).not.toHaveProperty('challenge');
    // The digits come to the applicant when recording starts; asking again returns the same unexpired ones.
    const ch = schemas.applicantChallengeResponse.parse(await api.challenge(c.token));
    expect(ch.digits).toMatch(/^\d{3}$/);
    expect(ch.issued).toBe(true);
    const again = await api.challenge(c.token);
    expect(again).toMatchObject({ digits: ch.digits, expiresAt: ch.expiresAt, issued: false });
    const row = await svc.runtime.db.query<{ applicant_token_hash: string }>(
      'SELECT applicant_token_hash FROM cases WHERE id = $1',
      [c.id],
    );
    expect(row.rows[0]!.applicant_token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(row.rows[0]!.applicant_token_hash).not.toContain(c.token);
    const s = schemas.statusResponse.parse(await api.status(c.token));
    expect(s).toMatchObject({ status: 'created', attempt: 1, uploaded: [] });
    const bad = await fetch(`${svc.url}/v1/applicant/status`, {
      headers: { authorization: 'Bearer not-a-token' },
    });
    expect(bad.status).toBe(401);
    const biz = await fetch(`${svc.url}/v1/verifications/${c.id}`, { headers: { 'x-api-key': api.apiKey } });
    expect(schemas.businessStatusResponse.parse(await biz.json()).status).toBe('created');
  });
});

describe('uploads', () => {
  it('refuses wrong types, oversize, truncated and empty files with clean 4xx JSON', async () => {
    const c = await api.create(identityOf(genuine));
    const jpeg = await readFile(genuine.front);
    const video = await readFile(genuine.webm!);

    const text = await api.upload(c.token, 'front', Buffer.from('%PDF-1.4\n'.repeat(500)), 'front.jpg');
    expect(text.status).toBe(415);
    expect(text.body.error.code).toBe('unsupported_media_type');
    const imageAsVideo = await api.upload(c.token, 'video', jpeg, 'video.webm');
    expect(imageAsVideo.status).toBe(415);
    const videoAsImage = await api.upload(c.token, 'front', video, 'front.jpg');
    expect([413, 415]).toContain(videoAsImage.status);

    // 1 MiB cap for images in this service: a real JPEG header followed by too many bytes.
    const big = Buffer.concat([jpeg, Buffer.alloc(1_200_000, 7)]);
    const over = await api.upload(c.token, 'front', big);
    expect(over.status).toBe(413);
    expect(over.body.error.code).toBe('payload_too_large');

    const cutImage = await api.upload(c.token, 'front', jpeg.subarray(0, Math.floor(jpeg.length * 0.6)));
    expect(cutImage.status).toBe(422);
    expect(cutImage.body.error.code).toBe('invalid_media');
    const cutVideo = await api.upload(c.token, 'video', video.subarray(0, 4096));
    expect(cutVideo.status).toBe(422);

    const empty = await api.upload(c.token, 'front', Buffer.alloc(0));
    expect(empty.status).toBe(400);
    const notMultipart = await fetch(`${svc.url}/v1/applicant/media/front`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${c.token}` },
      body: jpeg,
    });
    expect(notMultipart.status).toBe(400);
    const badKind = await api.upload(c.token, 'selfie', jpeg);
    expect(badKind.status).toBe(404);

    // Nothing was kept, and submit says what is missing.
    expect((await api.status(c.token)).uploaded).toEqual([]);
    const sub = await api.submit(c.token);
    expect(sub.status).toBe(400);
    expect(sub.body.error.details.missing).toEqual(['front', 'video']);
    const files = await svc.runtime.db.query('SELECT 1 FROM media WHERE case_id = $1', [c.id]);
    expect(files.rowCount).toBe(0);
  });
});

describe('genuine case end to end (PGlite)', () => {
  it('goes from upload to approved, with progress, activation outbox and a signed webhook', async () => {
    const db = svc.runtime.db;
    const c = await api.submitFixture(db, genuine, genuine.webm!);
    const during = schemas.statusResponse.parse(await api.status(c.token));
    expect(['processing', 'approved']).toContain(during.status);
    const again = await api.submit(c.token);
    expect(again.status).toBe(409);

    const final = await api.waitForDecision(c.token, 150_000);
    const reasons = (
      await db.query<{ result: unknown; stage: string }>(
        'SELECT stage, result FROM stage_results WHERE case_id = $1',
        [c.id],
      )
    ).rows;
    expect(final.status, JSON.stringify({ final, reasons })).toBe('approved');
    // The upload check kept its probe of the video; ingest took it from there instead of probing again.
    const [video] = (await listMedia(db, c.id, 1)).filter((m) => m.kind === 'video');
    const probe = video!.probe as { durationSec: number; video?: { codec: string } };
    expect(probe.durationSec).toBeGreaterThan(3);
    expect(probe.video?.codec).toBe('vp8');
    const ingest = reasons.find((r) => r.stage === 'ingest')!.result as { probe: unknown; video: unknown };
    expect(ingest.probe).toEqual(probe);
    expect(ingest.video).toMatchObject({ durationSec: probe.durationSec, hasAudio: true, hasVideo: true });
    expect(
      Object.values(final.progress as Record<string, { state: string }>).every((p) => p.state === 'done'),
    ).toBe(true);

    const outbox = await listOutbox(db, { caseId: c.id });
    expect(outbox.map((o) => o.topic).sort()).toEqual(['activation', 'evidence', 'webhook']);
    const end = Date.now() + 20_000;
    while (!received.some((r) => r.body.includes(c.id)) && Date.now() < end)
      await new Promise((r) => setTimeout(r, 200));
    const hit = received.find((r) => r.body.includes(c.id))!;
    expect(hit).toBeDefined();
    expect(verifyWebhook('test-webhook-secret-0123456789', hit.ts, hit.body, hit.sig)).toBe(true);
    expect(verifyWebhook('another-secret-0123456789', hit.ts, hit.body, hit.sig)).toBe(false);
    expect(JSON.parse(hit.body)).toMatchObject({
      event: 'verification.decided',
      caseId: c.id,
      status: 'approved',
    });
    expect(hit.body).not.toContain(genuine.truth.identity.surname);

    // The business status shows the activation being issued (never the code itself).
    const bizEnd = Date.now() + 30_000;
    let biz = schemas.businessStatusResponse.parse(
      await (
        await fetch(`${svc.url}/v1/verifications/${c.id}`, { headers: { 'x-api-key': api.apiKey } })
      ).json(),
    );
    while (biz.activation?.state !== 'issued' && Date.now() < bizEnd) {
      await new Promise((r) => setTimeout(r, 300));
      biz = schemas.businessStatusResponse.parse(
        await (
          await fetch(`${svc.url}/v1/verifications/${c.id}`, { headers: { 'x-api-key': api.apiKey } })
        ).json(),
      );
    }
    expect(biz.status).toBe('approved');
    expect(biz.activation).toMatchObject({ state: 'issued', activatedAt: null, resendsLeft: 3 });
    expect(JSON.stringify(biz)).not.toMatch(/"code"/);
  }, 200_000);
});
