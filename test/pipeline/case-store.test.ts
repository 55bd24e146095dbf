// The case store's decision recording (PGlite): state, outbox rows and next challenge in one transaction;
// stage results are first-write-wins.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { openDb, type Db } from '../../service/db/index.js';
import { migrate } from '../../service/db/migrate.js';
import {
  getCase,
  getChallenge,
  insertCase,
  insertChallenge,
  listOutbox,
  putStageResult,
  recordDecision,
  setStatus,
  type CaseRow,
} from '../../service/cases/index.js';
import { reviewDeadline } from '../../service/review/calendar.js';

let db: Db;

async function newCase(): Promise<CaseRow> {
  const c = await insertCase(db, {
    reference: `r-${randomUUID()}`,
    lang: 'fr',
    applicant: {
      lastName: 'Dupont',
      firstNames: 'Marie',
      birthDate: '1990-01-01',
      email: 'm@example.test',
      mobile: '+33600000000',
    },
    tokenHash: randomUUID().replace(/-/g, '').padEnd(64, '0'),
    expiresAt: new Date(Date.now() + 86400_000),
  });
  await insertChallenge(db, {
    caseId: c.id,
    attempt: 1,
    digits: '123',
    lang: 'fr',
    expiresAt: new Date(Date.now() + 600_000),
  });
  await setStatus(db, c.id, 'processing', { submittedAt: new Date('2026-11-20T10:00:00Z') });
  return (await getCase(db, c.id))!;
}

beforeAll(async () => {
  db = await openDb({});
  await migrate(db);
});
afterAll(async () => db?.close());

describe('recordDecision', () => {
  it('approval writes the webhook, activation and evidence outbox rows with the state change', async () => {
    const c = await newCase();
    const status = await db.tx((q) =>
      recordDecision(q, c, { outcome: 'approve', reasons: [], source: 'auto', now: new Date() }),
    );
    expect(status).toBe('approved');
    const after = (await getCase(db, c.id))!;
    expect(after.status).toBe('approved');
    expect(after.decidedAt).not.toBeNull();
    const rows = await listOutbox(db, { caseId: c.id });
    expect(rows.map((r) => r.topic).sort()).toEqual(['activation', 'evidence', 'webhook']);
    expect(rows.find((r) => r.topic === 'activation')!.payload).toEqual({ caseId: c.id });
    expect(rows.find((r) => r.topic === 'evidence')!.payload).toEqual({ caseId: c.id });
    expect(rows.find((r) => r.topic === 'webhook')!.payload).toMatchObject({
      event: 'verification.decided',
      caseId: c.id,
      status: 'approved',
    });
  });

  it('a rolled-back transaction leaves neither state nor outbox rows', async () => {
    const c = await newCase();
    await expect(
      db.tx(async (q) => {
        await recordDecision(q, c, { outcome: 'approve', reasons: [], source: 'auto', now: new Date() });
        throw new Error('crash after the decision');
      }),
    ).rejects.toThrow(/crash/);
    expect((await getCase(db, c.id))!.status).toBe('processing');
    expect(await listOutbox(db, { caseId: c.id })).toEqual([]);
  });

  it('resubmission opens the next attempt with a new challenge', async () => {
    const c = await newCase();
    await db.tx((q) =>
      recordDecision(q, c, {
        outcome: 'resubmit',
        reasons: ['NO_SPEECH'],
        source: 'auto',
        now: new Date(),
        nextChallenge: { digits: '987', lang: 'fr', expiresAt: new Date(Date.now() + 600_000) },
      }),
    );
    const after = (await getCase(db, c.id))!;
    expect(after).toMatchObject({ status: 'resubmission_requested', attempt: 2, reasons: ['NO_SPEECH'] });
    expect((await getChallenge(db, c.id, 2))!.digits).toBe('987');
    expect((await getChallenge(db, c.id, 1))!.digits).toBe('123');
    expect((await listOutbox(db, { caseId: c.id })).map((r) => r.topic)).toEqual(['webhook']);
  });

  it('review sets the business-time deadline and announces nothing yet', async () => {
    const c = await newCase();
    const deadline = reviewDeadline(c.submittedAt!, { slaWorkingHours: 48, atRiskHours: 12 });
    await db.tx((q) =>
      recordDecision(q, c, {
        outcome: 'review',
        reasons: ['FACE_BORDERLINE'],
        source: 'auto',
        now: new Date(),
        reviewDeadline: deadline,
      }),
    );
    const after = (await getCase(db, c.id))!;
    expect(after.status).toBe('in_review');
    // Friday 2026-11-20 11:00 Paris + 48 working hours (Mon-Fri, 24 h days) = Wednesday 2026-11-25 11:00 Paris.
    expect(after.reviewDeadline!.getTime()).toBe(deadline.getTime());
    expect(deadline.getTime()).toBeGreaterThan(c.submittedAt!.getTime() + 48 * 3600_000);
    expect(await listOutbox(db, { caseId: c.id })).toEqual([]);
  });
});

describe('stage results', () => {
  it('keep the first write for (case, attempt, stage)', async () => {
    const c = await newCase();
    const a = await putStageResult(db, {
      caseId: c.id,
      attempt: 1,
      stage: 'face',
      status: 'ok',
      result: { run: 1 },
      durationMs: 5,
    });
    const b = await putStageResult(db, {
      caseId: c.id,
      attempt: 1,
      stage: 'face',
      status: 'failed',
      result: { run: 2 },
      durationMs: 9,
    });
    expect(a.result).toEqual({ run: 1 });
    expect(b).toMatchObject({ status: 'ok', result: { run: 1 } });
  });
});
