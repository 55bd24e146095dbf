// Issue #21 item 2: per-case data keys and `idv keys rotate`. After rotation the media (a v2 object sealed with
// its case key, and a v1 object from before per-case keys, sealed with the master key directly) are readable with
// only the new master key; the v2 object's sealed bytes were not rewritten; the old key alone no longer opens them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { freshPgDatabase } from '../helpers/pg.js';
import { tempDir } from '../helpers/env.js';
import { openDb, type Db } from '../../service/db/index.js';
import { migrate } from '../../service/db/migrate.js';
import { insertCase, upsertMedia } from '../../service/cases/index.js';
import {
  createLocalMediaStore,
  masterKeyId,
  mediaStoreFor,
  readAll,
  type StorageConfig,
} from '../../service/storage/index.js';

const K1 = randomBytes(32).toString('hex');
const K2 = randomBytes(32).toString('hex');
let fresh: { url: string; drop(): Promise<void> };
let db: Db;
const dataDir = tempDir();

function rotate(env: Record<string, string>): {
  code: number | null;
  out: Record<string, unknown>;
  err: string;
} {
  const r = spawnSync(process.execPath, ['bin/idv.js', 'keys', 'rotate'], {
    encoding: 'utf8',
    env: {
      ...process.env,
      IDV_FROM_SOURCE: '1',
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      DATABASE_URL: fresh.url,
      DATA_DIR: dataDir,
      ...env,
    },
    timeout: 120_000,
  });
  const last = r.stdout.trim().split('\n').pop() ?? '';
  if (!last.startsWith('{')) throw new Error(`idv keys rotate: ${r.status} ${r.stderr}`);
  return { code: r.status, out: JSON.parse(last) as Record<string, unknown>, err: r.stderr };
}

beforeAll(async () => {
  fresh = await freshPgDatabase();
  db = await openDb({ url: fresh.url });
  await migrate(db);
});

afterAll(async () => {
  await db?.close();
  await fresh?.drop();
});

async function newCase(): Promise<string> {
  const c = await insertCase(db, {
    reference: `ref-${randomBytes(4).toString('hex')}`,
    lang: 'en',
    applicant: {
      lastName: 'Test',
      firstNames: 'Ann',
      birthDate: '1990-01-01',
      email: 'a@example.org',
      mobile: '+33600000000',
    },
    tokenHash: randomBytes(32).toString('hex'),
    expiresAt: new Date(Date.now() + 86400_000),
  });
  return c.id;
}

async function addMedia(
  caseId: string,
  kind: 'front' | 'back',
  obj: { key: string; size: number; sha256: string },
) {
  await upsertMedia(db, {
    caseId,
    attempt: 1,
    kind,
    storageKey: obj.key,
    mime: 'image/jpeg',
    sizeBytes: obj.size,
    sha256: obj.sha256,
  });
}

describe('idv keys rotate', () => {
  it('re-wraps case keys under the new master key; media readable with only the new key', async () => {
    const cfg1: StorageConfig = { DATA_DIR: dataDir, MEDIA_ENCRYPTION_KEY: K1 };
    const store1 = mediaStoreFor(cfg1, db);
    const caseA = await newCase();
    const caseB = await newCase();
    const front = randomBytes(300_000);
    const objA = await store1.put(Readable.from([front]), { caseId: caseA });
    await addMedia(caseA, 'front', objA);
    // Media from before per-case keys: sealed with the master key itself, by the store as it was.
    const legacyBytes = randomBytes(200_000);
    const legacy = await createLocalMediaStore(join(dataDir, 'media'), K1).put(Readable.from([legacyBytes]), {
      caseId: caseB,
    });
    await addMedia(caseB, 'back', legacy);
    const sealedPath = join(dataDir, 'media', objA.key.slice(0, 2), `${objA.key}.sealed`);
    const sealedBefore = createHash('sha256')
      .update(await readFile(sealedPath))
      .digest('hex');
    expect((await readFile(sealedPath)).subarray(0, 4).toString()).toBe('IDV2');

    // The operator sets the new key and keeps the old one as previous until rotation is done.
    const r = rotate({ MEDIA_ENCRYPTION_KEY: K2, MEDIA_PREVIOUS_KEYS: K1 });
    expect(r.code).toBe(0);
    expect(r.out).toMatchObject({
      currentKeyId: masterKeyId(Buffer.from(K2, 'hex')),
      // The legacy object got case B's first data key, wrapped by the new master key straight away.
      resealed: 1,
      rewrapped: 1,
      alreadyCurrent: 1,
      stillReferenced: [],
      retirable: true,
      missingObjects: 0,
    });
    // Media were not re-encrypted, only the key wrapping changed.
    expect(
      createHash('sha256')
        .update(await readFile(sealedPath))
        .digest('hex'),
    ).toBe(sealedBefore);

    // Old key retired: the new key alone opens everything.
    const store2 = mediaStoreFor({ DATA_DIR: dataDir, MEDIA_ENCRYPTION_KEY: K2 }, db);
    expect((await readAll(store2, objA.key)).equals(front)).toBe(true);
    expect((await readAll(store2, legacy.key)).equals(legacyBytes)).toBe(true);
    // And the old key alone opens nothing any more.
    const old = mediaStoreFor({ DATA_DIR: dataDir, MEDIA_ENCRYPTION_KEY: K1 }, db);
    await expect(readAll(old, objA.key)).rejects.toThrow(
      /master key that wraps this data key is not configured/,
    );
    await expect(readAll(old, legacy.key)).rejects.toThrow(/not configured|authentication/);

    // A second run has nothing to do.
    expect(rotate({ MEDIA_ENCRYPTION_KEY: K2 }).out).toMatchObject({
      resealed: 0,
      rewrapped: 0,
      alreadyCurrent: 2,
    });
  }, 120_000);

  it('reports the keys still needed when a wrapping master key is not configured', async () => {
    const K3 = randomBytes(32).toString('hex');
    // K2 wraps the keys; rotating to K3 without naming K2 as previous cannot re-wrap them.
    const r = rotate({ MEDIA_ENCRYPTION_KEY: K3 });
    expect(r.code).toBe(1);
    expect(r.out).toMatchObject({
      rewrapped: 0,
      retirable: false,
      stillReferenced: [masterKeyId(Buffer.from(K2, 'hex'))],
    });
  }, 120_000);
});
