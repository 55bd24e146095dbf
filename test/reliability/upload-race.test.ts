// Issue #17 item 4: parallel uploads to one slot leave exactly one stored object (no orphan), an upload that ends
// after the submit is refused with its object deleted, and `idv storage check` finds orphans and missing objects.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomFillSync } from 'node:crypto';
import sharp from 'sharp';
import { startService, type RunningService } from '../../service/server.js';
import { testConfig } from '../helpers/env.js';
import { ApiClient, freshPgDatabase } from '../api/client.js';
import { mediaStoreFor } from '../../service/storage/index.js';
import { storageCheck } from './storage-cli.js';
import { Readable } from 'node:stream';

let pgDb: { url: string; drop(): Promise<void> };
let svc: RunningService;
let api: ApiClient;

beforeAll(async () => {
  pgDb = await freshPgDatabase();
  svc = await startService(testConfig({ ROLE: 'api', DATABASE_URL: pgDb.url }));
  api = new ApiClient(svc.url!, svc.runtime.config.API_KEYS[0]!);
}, 120_000);

afterAll(async () => {
  await svc?.stop();
  await pgDb?.drop();
});

const person = {
  lastName: 'Martin',
  firstNames: 'Léa',
  birthDate: '1990-04-12',
  email: 'a@example.test',
  mobile: '+33612345678',
};

async function noiseImage(seedless = 400): Promise<Buffer> {
  const raw = Buffer.alloc(seedless * 300 * 3);
  randomFillSync(raw);
  return sharp(raw, { raw: { width: seedless, height: 300, channels: 3 } })
    .jpeg()
    .toBuffer();
}

describe('one object per upload slot', () => {
  it('10 parallel uploads of the front: one row, one object, storage check clean', async () => {
    const c = await api.create(person);
    const images = await Promise.all(Array.from({ length: 10 }, () => noiseImage()));
    const results = await Promise.all(images.map((img) => api.upload(c.token, 'front', img, 'front.jpg')));
    for (const r of results) expect([201, 409]).toContain(r.status);
    expect(results.filter((r) => r.status === 201).length).toBeGreaterThan(0);
    const rows = await svc.runtime.db.query<{ sha256: string }>(
      "SELECT sha256 FROM media WHERE case_id = $1 AND kind = 'front'",
      [c.id],
    );
    expect(rows.rowCount).toBe(1);
    const report = await storageCheck(svc.runtime.config);
    expect(report).toMatchObject({ ok: true, code: 0, orphanObjects: [], missingObjects: [] });
    expect(report.objects).toBe(report.rows);
  }, 120_000);

  it('storage check reports an object without a row and a row without an object', async () => {
    const store = mediaStoreFor(svc.runtime.config, svc.runtime.db);
    const c = await api.create(person);
    const stray = await store.put(Readable.from([Buffer.from('not referenced by any row')]), {
      caseId: c.id,
    });
    expect((await api.upload(c.token, 'back', await noiseImage(), 'back.jpg')).status).toBe(201);
    const row = await svc.runtime.db.query<{ storage_key: string }>(
      "SELECT storage_key FROM media WHERE case_id = $1 AND kind = 'back'",
      [c.id],
    );
    const key = row.rows[0]!.storage_key;
    await store.delete(key);
    const report = await storageCheck(svc.runtime.config);
    expect(report.ok).toBe(false);
    expect(report.code).toBe(1);
    expect(report.orphanObjects).toEqual([stray.key]);
    expect(report.missingObjects).toEqual([{ key, caseId: c.id }]);
    // A young object is an upload in flight by default (grace period), not an orphan.
    const graced = await storageCheck(svc.runtime.config, []);
    expect(graced.orphanObjects).toEqual([]);
    expect(graced.recentUnreferenced).toBe(1);
    // Orphans can be deleted; the missing object stays reported.
    const repaired = await storageCheck(svc.runtime.config, ['--grace-seconds', '0', '--delete-orphans']);
    expect(repaired.deleted).toBe(1);
    await svc.runtime.db.query("DELETE FROM media WHERE case_id = $1 AND kind = 'back'", [c.id]);
    expect(await storageCheck(svc.runtime.config)).toMatchObject({
      ok: true,
      orphanObjects: [],
      missingObjects: [],
    });
  }, 180_000);
});
