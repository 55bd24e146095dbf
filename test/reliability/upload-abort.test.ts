// Issue #17 item 3: an upload whose connection is cut mid-body leaves no open file and no `.part` file.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import { readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { randomFillSync } from 'node:crypto';
import sharp from 'sharp';
import { startService, type RunningService } from '../../service/server.js';
import { testConfig } from '../helpers/env.js';
import { ApiClient } from '../api/client.js';

let svc: RunningService;
let api: ApiClient;

beforeAll(async () => {
  svc = await startService(testConfig({ ROLE: 'api' }));
  api = new ApiClient(svc.url!, svc.runtime.config.API_KEYS[0]!);
}, 120_000);

afterAll(async () => {
  await svc?.stop();
});

/** Files of this process open under the media directory. */
function openMediaFiles(dir: string): string[] {
  return readdirSync('/proc/self/fd').flatMap((fd) => {
    try {
      const target = readlinkSync(`/proc/self/fd/${fd}`);
      return target.startsWith(dir) ? [target] : [];
    } catch {
      return [];
    }
  });
}

function partFiles(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.endsWith('.part'));
}

/** Sends headers and the first `sent` bytes of a multipart body announcing more, then cuts the connection. */
async function abortedUpload(base: string, token: string, image: Buffer, sent: number): Promise<void> {
  const boundary = 'idvboundary';
  const head = Buffer.from(
    `--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="a.png"\r\ncontent-type: image/png\r\n\r\n`,
  );
  const url = new URL('/v1/applicant/media/front', base);
  await new Promise<void>((resolve) => {
    const req = request(url, {
      method: 'PUT',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': `multipart/form-data; boundary=${boundary}`,
        'content-length': String(head.length + image.length + 64),
      },
    });
    req.on('error', () => resolve());
    req.on('close', () => resolve());
    req.write(Buffer.concat([head, image.subarray(0, sent)]));
    // Let the server start storing, then drop the connection as a phone losing its network would.
    setTimeout(() => req.destroy(), 150);
  });
}

describe('aborted uploads', () => {
  it('20 uploads cut mid-body leave no open descriptor and no .part file', async () => {
    const c = await api.create({
      lastName: 'Martin',
      firstNames: 'Léa',
      birthDate: '1990-04-12',
      email: 'a@example.test',
      mobile: '+33612345678',
    });
    // Noise compresses badly: a PNG of a few hundred kilobytes, larger than what is sent.
    const raw = Buffer.alloc(600 * 400 * 3);
    randomFillSync(raw);
    const image = await sharp(raw, { raw: { width: 600, height: 400, channels: 3 } })
      .png()
      .toBuffer();
    expect(image.length).toBeGreaterThan(200_000);
    const mediaDir = join(svc.runtime.config.DATA_DIR, 'media');
    for (let i = 0; i < 20; i++) await abortedUpload(svc.url!, c.token, image, 150_000);
    // The server notices the closed connections asynchronously.
    const end = Date.now() + 10_000;
    while ((openMediaFiles(mediaDir).length || partFiles(mediaDir).length) && Date.now() < end)
      await new Promise((r) => setTimeout(r, 100));
    expect(openMediaFiles(mediaDir)).toEqual([]);
    expect(partFiles(mediaDir)).toEqual([]);
    // And the slot still works.
    const ok = await api.upload(c.token, 'front', image, 'front.png');
    expect(ok.status).toBe(201);
    expect(partFiles(mediaDir)).toEqual([]);
  }, 120_000);
});
