// Resumable uploads (tus) on a running service, with the real tus-js-client: a photo and a video reach their
// slots in the media store's format; a connection dropped in the middle of a PATCH leaves only sealed records on
// disk and the upload resumes from the offset the server kept (not from 0); uploads are bound to their case;
// size and type are checked as on the multipart PUT; abandoned and torn partial files are dealt with.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { appendFile, readFile, readdir, stat, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { Upload } from 'tus-js-client';
import { startService, type RunningService } from '../../service/server.js';
import { tempDir, testConfig } from '../helpers/env.js';
import { fixtureCase, type FixtureCase } from '../helpers/fixtures.js';
import { listMedia } from '../../service/cases/index.js';
import { mediaStoreFor, readAll } from '../../service/storage/index.js';
import { RECORD_BYTES, SealedUploadStore, uploadRootOf } from '../../service/storage/upload-store.js';
import { Upload as TusUpload } from '@tus/utils';
import { ApiClient, identityOf } from './client.js';

let svc: RunningService;
let api: ApiClient;
let fx: FixtureCase;

beforeAll(async () => {
  svc = await startService(
    testConfig({ MAX_UPLOAD_MB_IMAGE: '1', FACE_WORKERS: '1', PIPELINE_CONCURRENCY: '1' }),
  );
  api = new ApiClient(svc.url!, svc.runtime.config.API_KEYS[0]!);
  fx = await fixtureCase({ attack: 'none', seed: 1, formats: ['webm'] });
}, 240_000);

afterAll(async () => {
  await svc?.stop();
});

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const tusHeaders = (token: string) => ({ authorization: `Bearer ${token}`, 'tus-resumable': '1.0.0' });

function tusSend(
  token: string,
  data: Buffer,
  kind: string,
  o: { uploadUrl?: string; chunkSize?: number } = {},
): Promise<{ url: string; body: string; status: number }> {
  return new Promise((resolve, reject) => {
    const up = new Upload(data, {
      endpoint: `${svc.url}/v1/applicant/uploads`,
      ...(o.uploadUrl ? { uploadUrl: o.uploadUrl } : {}),
      headers: { authorization: `Bearer ${token}` },
      metadata: { kind },
      chunkSize: o.chunkSize ?? Infinity,
      retryDelays: [],
      onSuccess: (p) =>
        resolve({ url: up.url!, body: p.lastResponse.getBody(), status: p.lastResponse.getStatus() }),
      onError: reject,
    });
    up.start();
  });
}

async function create(token: string, kind: string, length: number): Promise<Response> {
  return fetch(`${svc.url}/v1/applicant/uploads`, {
    method: 'POST',
    headers: {
      ...tusHeaders(token),
      'upload-length': String(length),
      'upload-metadata': `kind ${Buffer.from(kind).toString('base64')}`,
    },
  });
}

async function offsetOf(token: string, location: string): Promise<number> {
  const r = await fetch(`${svc.url}${location}`, { method: 'HEAD', headers: tusHeaders(token) });
  expect(r.status).toBe(200);
  return Number(r.headers.get('upload-offset'));
}

/** Sends the first `cut` bytes of a PATCH body, then drops the connection (as a phone losing the network). */
function patchThenDrop(token: string, location: string, data: Buffer, cut: number): Promise<void> {
  const u = new URL(`${svc.url}${location}`);
  return new Promise((resolve) => {
    const req = request({
      host: u.hostname,
      port: u.port,
      path: u.pathname,
      method: 'PATCH',
      headers: {
        ...tusHeaders(token),
        'upload-offset': '0',
        'content-type': 'application/offset+octet-stream',
        'content-length': String(data.length),
      },
    });
    req.on('error', () => resolve());
    req.write(data.subarray(0, cut), () => setTimeout(() => req.destroy(), 300));
    req.on('close', () => resolve());
  });
}

describe('resumable uploads (tus)', () => {
  it('uploads a photo and a video into their slots, stored like the multipart PUT stores them', async () => {
    const c = await api.create(identityOf(fx), 'en');
    const front = await readFile(fx.front);
    const video = await readFile(fx.webm!);
    const f = await tusSend(c.token, front, 'front');
    expect(f.status).toBe(200);
    expect(JSON.parse(f.body)).toMatchObject({ kind: 'front', mime: 'image/jpeg', sizeBytes: front.length });
    const v = await tusSend(c.token, video, 'video', { chunkSize: 200_000 });
    expect(JSON.parse(v.body)).toMatchObject({ kind: 'video', mime: 'video/webm', sizeBytes: video.length });
    const rows = await listMedia(svc.runtime.db, c.id, 1);
    const vrow = rows.find((m) => m.kind === 'video')!;
    expect(vrow.sha256).toBe(sha(video));
    expect(vrow.probe).toBeTruthy();
    expect(sha(await readAll(mediaStoreFor(svc.runtime.config, svc.runtime.db), vrow.storageKey))).toBe(sha(video));
    // The sealed records are gone once the upload became the slot's media.
    const id = v.url.split('/').pop()!;
    await expect(stat(join(uploadRootOf(svc.runtime.config.DATA_DIR), `${id}.parts`))).rejects.toThrow();
    expect((await api.status(c.token)).uploaded).toEqual(expect.arrayContaining(['front', 'video']));
    // The slot keeps one object: a second video replaces the first.
    await tusSend(c.token, video, 'video');
    expect((await listMedia(svc.runtime.db, c.id, 1)).filter((m) => m.kind === 'video')).toHaveLength(1);
  }, 120_000);

  it('after a dropped connection, the partial file is ciphertext and the upload resumes from the kept offset', async () => {
    const c = await api.create(identityOf(fx), 'en');
    const video = await readFile(fx.webm!);
    expect(video.length).toBeGreaterThan(700_000);
    const r = await create(c.token, 'video', video.length);
    expect(r.status).toBe(201);
    const location = r.headers.get('location')!;
    expect(location).toMatch(/^\/v1\/applicant\/uploads\/[0-9a-f]{32}$/);
    await patchThenDrop(c.token, location, video, 600_000);
    const kept = await offsetOf(c.token, location);
    expect(kept).toBe(600_000);
    // On disk: sealed records only; no 32-byte run of the video is there in the clear.
    const id = location.split('/').pop()!;
    const raw = await readFile(join(uploadRootOf(svc.runtime.config.DATA_DIR), `${id}.parts`));
    for (let at = 0; at + 32 <= kept; at += 50_000)
      expect(raw.includes(video.subarray(at, at + 32))).toBe(false);
    // The client resumes: the server receives only the rest.
    let sentAfterDrop = 0;
    const done = await new Promise<string>((resolve, reject) => {
      const up = new Upload(video, {
        endpoint: `${svc.url}/v1/applicant/uploads`,
        uploadUrl: `${svc.url}${location}`,
        headers: { authorization: `Bearer ${c.token}` },
        retryDelays: [],
        onBeforeRequest: (req) => {
          if (req.getMethod() === 'PATCH')
            sentAfterDrop = video.length - Number(req.getHeader('Upload-Offset'));
        },
        onSuccess: (p) => resolve(p.lastResponse.getBody()),
        onError: reject,
      });
      up.start();
    });
    expect(JSON.parse(done)).toMatchObject({ kind: 'video', sizeBytes: video.length });
    expect(sentAfterDrop).toBe(video.length - kept);
    const row = (await listMedia(svc.runtime.db, c.id, 1)).find((m) => m.kind === 'video')!;
    expect(row.sha256).toBe(sha(video));
  }, 120_000);

  it('binds an upload to its case, and checks size and type as the PUT route does', async () => {
    const a = await api.create(identityOf(fx), 'en');
    const b = await api.create(identityOf(fx), 'en');
    const r = await create(a.token, 'front', 1000);
    const location = r.headers.get('location')!;
    // Another applicant's token cannot see or feed it.
    const head = await fetch(`${svc.url}${location}`, { method: 'HEAD', headers: tusHeaders(b.token) });
    expect(head.status).toBe(404);
    const patch = await fetch(`${svc.url}${location}`, {
      method: 'PATCH',
      headers: {
        ...tusHeaders(b.token),
        'upload-offset': '0',
        'content-type': 'application/offset+octet-stream',
      },
      body: new Uint8Array(10),
    });
    expect(patch.status).toBe(404);
    expect(((await patch.json()) as { error: { code: string } }).error.code).toBe('not_found');
    // No token at all.
    expect(
      (await fetch(`${svc.url}${location}`, { method: 'HEAD', headers: { 'tus-resumable': '1.0.0' } }))
        .status,
    ).toBe(401);
    // Over the slot's cap (MAX_UPLOAD_MB_IMAGE=1), and an unknown slot.
    const big = await create(a.token, 'front', 2 * 1048576);
    expect(big.status).toBe(413);
    expect(((await big.json()) as { error: { code: string } }).error.code).toBe('payload_too_large');
    expect((await create(a.token, 'selfie', 10)).status).toBe(400);
    // Not an image: refused when complete, nothing attached, the partial file removed.
    const text = Buffer.from('hello, this is not a photograph at all '.repeat(30));
    const bad = await tusSend(a.token, text, 'front').catch(
      (e: { originalResponse?: { getStatus(): number; getBody(): string } }) => e,
    );
    expect((bad as { originalResponse: { getStatus(): number } }).originalResponse.getStatus()).toBe(415);
    expect(
      JSON.parse((bad as { originalResponse: { getBody(): string } }).originalResponse.getBody()),
    ).toMatchObject({
      error: { code: 'unsupported_media_type' },
    });
    expect(await listMedia(svc.runtime.db, a.id, 1)).toHaveLength(0);
    // A wrong offset is the protocol's 409, in our error shape.
    const conflict = await fetch(`${svc.url}${location}`, {
      method: 'PATCH',
      headers: {
        ...tusHeaders(a.token),
        'upload-offset': '5',
        'content-type': 'application/offset+octet-stream',
      },
      body: new Uint8Array(10),
    });
    expect(conflict.status).toBe(409);
    expect(((await conflict.json()) as { error: { code: string } }).error.code).toMatch(/^upload_/);
  }, 60_000);
});

describe('sealed upload store', () => {
  const KEY = randomBytes(32).toString('hex');

  it('cuts a torn last record (crash mid-write) and resumes after the last whole record', async () => {
    const dir = tempDir();
    const store = new SealedUploadStore({ dir, hexKey: KEY, expirationMs: 3600_000 });
    const id = randomBytes(16).toString('hex');
    const data = randomBytes(RECORD_BYTES * 2 + 1234);
    await store.create(new TusUpload({ id, size: data.length, offset: 0, metadata: { kind: 'video' } }));
    const first = RECORD_BYTES + 10;
    expect(await store.write(Readable.from([data.subarray(0, first)]), id, 0)).toBe(first);
    // A crash in the middle of the next record's write: a header and some ciphertext, no tag.
    const torn = Buffer.alloc(4 + 12 + 100);
    torn.writeUInt32BE(5000);
    await appendFile(join(dir, `${id}.parts`), torn);
    expect((await store.getUpload(id)).offset).toBe(first);
    expect(await store.write(Readable.from([data.subarray(first)]), id, first)).toBe(data.length);
    const chunks: Buffer[] = [];
    for await (const c of store.read(id)) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).equals(data)).toBe(true);
    // Records are bound to their upload: the same bytes under another id do not open.
    const raw = await readFile(join(dir, `${id}.parts`));
    expect(raw.includes(data.subarray(RECORD_BYTES, RECORD_BYTES + 32))).toBe(false);
  });

  it('expires abandoned uploads and leaves recent ones', async () => {
    const dir = tempDir();
    const store = new SealedUploadStore({ dir, hexKey: KEY, expirationMs: 3600_000 });
    const old = randomBytes(16).toString('hex');
    const fresh = randomBytes(16).toString('hex');
    await store.create(
      new TusUpload({
        id: old,
        size: 10,
        offset: 0,
        creation_date: new Date(Date.now() - 2 * 3600_000).toISOString(),
      }),
    );
    await store.create(new TusUpload({ id: fresh, size: 10, offset: 0 }));
    // A records file whose facts never made it (crash at creation), two hours old.
    const stray = join(dir, `${randomBytes(16).toString('hex')}.parts`);
    await appendFile(stray, Buffer.alloc(0));
    const past = new Date(Date.now() - 2 * 3600_000);
    await utimes(stray, past, past);
    expect(await store.deleteExpired()).toBe(2);
    expect((await readdir(dir)).sort()).toEqual([`${fresh}.json`, `${fresh}.parts`].sort());
  });
});
