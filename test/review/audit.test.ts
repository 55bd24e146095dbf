import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { openDb, type Db } from '../../service/db/index.js';
import { migrate } from '../../service/db/migrate.js';
import {
  appendAudit,
  AuditDetailsError,
  canonicalJson,
  verifyAuditChain,
} from '../../service/audit/audit-repository.js';
import { createTempDatabase } from './pg.js';

describe('canonical JSON', () => {
  it('sorts keys recursively and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: undefined } })).toBe(
      '{"a":{"d":[1,{"y":2,"z":1}]},"b":1}',
    );
  });
});

describe('audit chain (PGlite)', () => {
  let db: Db;
  beforeAll(async () => {
    db = await openDb({});
    await migrate(db);
  });
  afterAll(async () => db.close());

  it('appends linked entries and verifies', async () => {
    const caseId = randomUUID();
    const a = await appendAudit(db, {
      actorType: 'system',
      actorId: 'test',
      action: 'case.created',
      caseId,
      details: { attempt: 1 },
    });
    const b = await db.tx((t) =>
      appendAudit(t, {
        actorType: 'reviewer',
        actorId: randomUUID(),
        action: 'case.media.viewed',
        caseId,
        details: { kind: 'video' },
      }),
    );
    expect(b.seq).toBe(a.seq + 1);
    expect(b.prevHash).toBe(a.hash);
    // Concurrent appends stay sequential.
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        appendAudit(db, { actorType: 'system', action: 'x', details: { i } }),
      ),
    );
    const v = await verifyAuditChain(db);
    expect(v).toEqual({ ok: true, count: 12, headSeq: 12 });
  });

  it('refuses personal data in details', async () => {
    await expect(
      appendAudit(db, { actorType: 'system', action: 'x', details: { email: 'a@b.c' } }),
    ).rejects.toBeInstanceOf(AuditDetailsError);
  });

  it('refuses updates and deletes at the database level', async () => {
    await expect(db.query(`UPDATE audit_events SET action = 'y' WHERE seq = 1`)).rejects.toThrow(
      /append-only/,
    );
    await expect(db.query(`DELETE FROM audit_events WHERE seq = 1`)).rejects.toThrow(/append-only/);
  });

  it('detects tampering (content, deletion)', async () => {
    // Simulate an attacker with superuser rights who bypasses the trigger.
    await db.exec('ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update');
    await db.query(`UPDATE audit_events SET details = '{"kind":"front"}' WHERE seq = 2`);
    let v = await verifyAuditChain(db);
    expect(v.ok).toBe(false);
    expect(v.brokenAt).toBe(2);
    expect(v.reason).toMatch(/hash/);
    await db.query(`UPDATE audit_events SET details = '{"kind":"video"}' WHERE seq = 2`);
    expect((await verifyAuditChain(db)).ok).toBe(true);
    await db.query(`DELETE FROM audit_events WHERE seq = 12`);
    v = await verifyAuditChain(db);
    expect(v.ok).toBe(false);
    expect(v.reason).toMatch(/head/);
    await db.query(`DELETE FROM audit_events WHERE seq = 5`);
    v = await verifyAuditChain(db);
    expect(v).toMatchObject({ ok: false, brokenAt: 5 });
    await db.exec('ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update');
  });
});

describe('audit chain (PostgreSQL, concurrent writers)', () => {
  it('stays a single chain when many connections append at once', async () => {
    const tmp = await createTempDatabase();
    const db = await openDb({ url: tmp.url, poolSize: 8 });
    try {
      await migrate(db);
      await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          db.tx(async (t) => {
            await appendAudit(t, {
              actorType: 'system',
              actorId: `w${i % 8}`,
              action: 'test.append',
              details: { i },
            });
          }),
        ),
      );
      const v = await verifyAuditChain(db);
      expect(v).toEqual({ ok: true, count: 40, headSeq: 40 });
      await expect(db.query('DELETE FROM audit_events')).rejects.toThrow(/append-only/);
    } finally {
      await db.close();
      await tmp.drop();
    }
  });
});
