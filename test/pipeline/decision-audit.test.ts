// Automatic decisions are in the hash-chained audit trail, in the decision's transaction (README: every decision).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../service/db/index.js';
import { migrate } from '../../service/db/migrate.js';
import { insertCase, setStatus } from '../../service/cases/case-repository.js';
import { createPipelineRepository } from '../../service/pipeline/pipeline-repository.js';
import { verifyAuditChain } from '../../service/audit/audit-repository.js';

let db: Db;
beforeAll(async () => {
  db = await openDb({});
  await migrate(db);
});
afterAll(async () => db.close());

async function processingCase(): Promise<string> {
  const c = await insertCase(db, {
    reference: `REF-${randomUUID().slice(0, 8)}`,
    lang: 'en',
    applicant: {
      lastName: 'EXAMPLE',
      firstNames: 'ADA',
      birthDate: '1990-01-01',
      email: 'ada@example.test',
      mobile: '+33600000000',
    },
    tokenHash: randomUUID(),
    expiresAt: new Date(Date.now() + 86_400_000),
  });
  await setStatus(db, c.id, 'processing', { submittedAt: new Date() });
  return c.id;
}

describe('automatic decisions in the audit trail', () => {
  it('writes one case.decided entry per automatic decision and keeps the chain valid', async () => {
    const repo = createPipelineRepository(db);
    const approved = await processingCase();
    const reviewed = await processingCase();
    expect(
      await repo.decideIfProcessing(approved, 1, {
        outcome: 'approve',
        reasons: [],
        source: 'auto',
        policyVersion: 'test-1',
        now: new Date(),
      }),
    ).toBe('approved');
    expect(
      await repo.decideIfProcessing(reviewed, 1, {
        outcome: 'review',
        reasons: ['FACE_BORDERLINE'],
        source: 'auto',
        policyVersion: 'test-1',
        reviewDeadline: new Date(Date.now() + 86_400_000),
        now: new Date(),
      }),
    ).toBe('in_review');
    // A replay decides nothing and audits nothing.
    await repo.decideIfProcessing(approved, 1, {
      outcome: 'approve',
      reasons: [],
      source: 'auto',
      now: new Date(),
    });
    const { rows } = await db.query<{
      case_id: string;
      actor_type: string;
      details: Record<string, unknown>;
    }>(`SELECT case_id, actor_type, details FROM audit_events WHERE action = 'case.decided' ORDER BY seq`);
    expect(rows.map((r) => r.case_id)).toEqual([approved, reviewed]);
    expect(rows[0]!.actor_type).toBe('system');
    expect(rows[0]!.details).toMatchObject({ source: 'auto', outcome: 'approve', policyVersion: 'test-1' });
    expect(rows[1]!.details).toMatchObject({ outcome: 'review', reasons: ['FACE_BORDERLINE'] });
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true, count: 2 });
  });
});
