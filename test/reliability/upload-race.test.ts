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
import { evidenceFor } from '../../service/evidence/service.js';
import { ReviewClient } from '../review/client.js';
import { makeReviewer, PASSWORD, seedCase } from '../review/seed.js';

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

  it('evidence files are not orphans and purged media are not missing: --delete-orphans keeps the proof', async () => {
    const db = svc.runtime.db;
    // A case in review with its real stage results, approved through the review API: a final decision.
    const id = await seedCase(db, svc.runtime.store);
    const admin = await makeReviewer(db, 'admin');
    const desk = new ReviewClient(svc.url!);
    expect((await desk.login(admin.email, PASSWORD)).status).toBe(200);
    expect((await desk.post(`/api/review/cases/${id}/claim`)).status).toBe(200);
    await desk.lookAtEverything(id);
    const decided = await desk.post(`/api/review/cases/${id}/decision`, { action: 'approve' });
    expect(decided.body).toEqual({ status: 'decided', caseStatus: 'approved' });
    // Its evidence file (what the outbox handler builds), then the erasure request: media purged, proof kept.
    const built = await evidenceFor({ config: svc.runtime.config, db }).build(id);
    expect(built.status).toBe('built');
    const key = { 'x-api-key': svc.runtime.config.API_KEYS[0]! };
    const erased = await fetch(`${svc.url}/v1/verifications/${id}/personal-data`, {
      method: 'DELETE',
      headers: key,
    });
    expect(erased.status).toBe(200);
    const purged = await db.query('SELECT 1 FROM media WHERE case_id = $1 AND purged_at IS NOT NULL', [id]);
    expect(purged.rowCount).toBeGreaterThan(0);
    // Before the fix: the evidence object was an orphan and the purged rows' objects were missing.
    const report = await storageCheck(svc.runtime.config, ['--grace-seconds', '0', '--delete-orphans']);
    expect(report).toMatchObject({ ok: true, code: 0, orphanObjects: [], missingObjects: [], deleted: 0 });
    // The proof is still there to read (the store itself: the synchronous CLI run above stalled this process's
    // HTTP server, whose idle keep-alive sockets the client would reuse).
    const after = await evidenceFor({ config: svc.runtime.config, db }).read(id);
    expect(after.outcome.status).toBe('exists');
    expect(after.bytes?.length).toBeGreaterThan(0);
  }, 300_000);
});
