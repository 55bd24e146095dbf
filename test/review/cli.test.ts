// The operator commands, run as a user would: `idv reviewer create`, `idv audit verify`, `idv sla deadline`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { openDb, type Db } from '../../service/db/index.js';
import { checkPassword } from '../../service/auth/account-repository.js';
import { tempDir } from '../helpers/env.js';
import { createTempDatabase } from './pg.js';

let tmp: Awaited<ReturnType<typeof createTempDatabase>>;
let db: Db;
const dataDir = tempDir();

function idv(args: string[], input?: string) {
  const r = spawnSync(process.execPath, ['bin/idv.js', ...args], {
    input: input ?? '',
    encoding: 'utf8',
    env: {
      ...process.env,
      IDV_FROM_SOURCE: '1',
      DATABASE_URL: tmp.url,
      DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
    },
    timeout: 90_000,
  });
  return { code: r.status, out: r.stdout.trim(), err: r.stderr };
}

beforeAll(async () => {
  tmp = await createTempDatabase();
});
afterAll(async () => {
  await db?.close();
  await tmp?.drop();
});

describe('idv CLI (review area)', () => {
  it('creates reviewers with a password from stdin or a generated one, and verifies the audit chain', async () => {
    const a = idv(
      ['reviewer', 'create', '--email', 'Sup@Example.test', '--role', 'supervisor'],
      'a long enough password\n',
    );
    expect(a.code, a.err).toBe(0);
    const created = JSON.parse(a.out) as { email: string; role: string; password?: string };
    expect(created).toMatchObject({ email: 'sup@example.test', role: 'supervisor' });
    expect(created.password).toBeUndefined();
    const b = idv(['reviewer', 'create', '--email', 'ops@example.test', '--role', 'ops']);
    const gen = JSON.parse(b.out) as { password: string };
    expect(gen.password).toMatch(/^[\w-]{20,}$/);
    expect(
      idv(['reviewer', 'create', '--email', 'x@example.test', '--role', 'king'], 'whatever whatever').code,
    ).not.toBe(0);

    db = await openDb({ url: tmp.url });
    expect((await checkPassword(db, 'SUP@example.test', 'a long enough password')).ok).toBe(true);
    expect((await checkPassword(db, 'ops@example.test', gen.password)).ok).toBe(true);

    const ok = idv(['audit', 'verify']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.out)).toMatchObject({ ok: true, count: 2 });
    await db.exec('ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update');
    await db.query(`UPDATE audit_events SET details = '{"role":"admin"}' WHERE seq = 1`);
    const bad = idv(['audit', 'verify']);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.out)).toMatchObject({ ok: false, brokenAt: 1 });
  });

  it('prints the SLA deadline with its offset', () => {
    // Thursday 7 May 2026 16:30 Paris; Friday 8 May is a holiday: Thu 7.5 h + Mon 24 h + Tue 16.5 h.
    const r = idv(['sla', 'deadline', '2026-05-07T16:30:00+02:00']);
    expect(r.out).toBe('2026-05-12T16:30:00.000+02:00');
    expect(idv(['sla', 'deadline', 'yesterday']).code).not.toBe(0);
  });
});
