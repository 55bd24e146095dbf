// The brute-force limits hold under concurrent requests on PostgreSQL (a fresh database): parallel
// wrong guesses never exceed 5 per code, and parallel correct submissions activate exactly once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { openDb, type Db } from '../../service/db/index.js';
import { migrate } from '../../service/db/migrate.js';
import { createRedis } from '../../service/infra/redis.js';
import { Queue } from 'bullmq';
import { createNotifyQueue, type NotifyQueue } from '../../service/notify/queue.js';
import { QUEUE } from '../../service/pipeline/jobs.js';
import { issueOnApproval, type IssueDeps } from '../../service/activation/issue.js';
import { activate } from '../../service/activation/verify.js';
import { sealingKey, unseal } from '../../service/activation/code.js';
import { ActivationError } from '../../service/activation/errors.js';
import { PG_URL, REDIS_URL } from '../helpers/env.js';

const SECRET = 'k'.repeat(64);
const dbName = `idv_act_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
let admin: pg.Client;
let db: Db;
let queue: NotifyQueue;
let redis: ReturnType<typeof createRedis>;
let deps: IssueDeps;

beforeAll(async () => {
  admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  const url = new URL(PG_URL);
  url.pathname = `/${dbName}`;
  db = await openDb({ url: url.toString(), poolSize: 12 });
  await migrate(db);
  redis = createRedis(REDIS_URL);
  queue = createNotifyQueue(
    new Queue(QUEUE.notify, { connection: redis, prefix: `tact${Date.now().toString(36)}` }),
    {
      attempts: 1,
      backoffMs: 100,
    },
  );
  deps = {
    db,
    hmacSecret: SECRET,
    sealingKey: sealingKey(SECRET),
    ttlDays: 30,
    schedule: (ids) => queue.schedule(ids),
  };
});

afterAll(async () => {
  await queue?.queue.obliterate({ force: true }).catch(() => undefined);
  await queue?.queue.close();
  redis?.disconnect();
  await db?.close();
  await admin?.query(`DROP DATABASE IF EXISTS ${dbName}`);
  await admin?.end();
});

async function approvedCase(): Promise<{ id: string; reference: string; code: string }> {
  const id = randomUUID();
  const reference = `ref-${id}`;
  await db.query(
    `INSERT INTO cases (id, reference, status, lang, applicant, expires_at) VALUES ($1, $2, 'approved', 'fr', $3, now() + interval '1 day')`,
    [id, reference, JSON.stringify({ email: 'a@example.org', mobile: '+33600000000' })],
  );
  const issued = await issueOnApproval(deps, id);
  expect(issued).toMatchObject({ created: true, generation: 0 });
  expect(issued.deliveryIds).toHaveLength(2);
  const sealed = (
    await db.query<{ code_sealed: string }>(`SELECT code_sealed FROM activation_codes WHERE case_id = $1`, [
      id,
    ])
  ).rows[0]!;
  return { id, reference, code: unseal(deps.sealingKey, sealed.code_sealed, `code:${id}`) };
}

const outcome = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: unknown) => (e instanceof ActivationError ? e.code : `unexpected: ${String(e)}`),
  );

describe('activation on PostgreSQL under concurrency', () => {
  it('counts at most 5 wrong attempts even when 12 arrive at once', async () => {
    const c = await approvedCase();
    const wrong = (i: number) => String((Number(c.code) + 1 + i) % 1_000_000).padStart(6, '0');
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        outcome(activate({ db, hmacSecret: SECRET }, c.reference, wrong(i))),
      ),
    );
    expect(results.filter((r) => r === 'invalid_code')).toHaveLength(4);
    expect(results.filter((r) => r === 'code_locked')).toHaveLength(8);
    const row = (
      await db.query<{ failed_attempts: number; status: string }>(
        `SELECT failed_attempts, status FROM activation_codes WHERE case_id = $1`,
        [c.id],
      )
    ).rows[0]!;
    expect(row).toEqual({ failed_attempts: 5, status: 'locked' });
    expect(await outcome(activate({ db, hmacSecret: SECRET }, c.reference, c.code))).toBe('code_locked');
  });

  it('activates exactly once when the right code is submitted 6 times at once', async () => {
    const c = await approvedCase();
    const results = await Promise.all(
      Array.from({ length: 6 }, () => outcome(activate({ db, hmacSecret: SECRET }, c.id, c.code))),
    );
    expect(results.filter((r) => r === 'ok')).toHaveLength(1);
    expect(results.filter((r) => r === 'already_activated')).toHaveLength(5);
    const hooks = await db.query(`SELECT 1 FROM outbox WHERE topic = 'webhook' AND case_id = $1`, [c.id]);
    expect(hooks.rowCount).toBe(1);
  });

  it('handles a redelivered approval idempotently, even concurrently', async () => {
    const id = randomUUID();
    await db.query(
      `INSERT INTO cases (id, reference, status, lang, applicant, expires_at) VALUES ($1, $2, 'approved', 'en', '{}', now() + interval '1 day')`,
      [id, `ref-${id}`],
    );
    const first = await Promise.all([
      issueOnApproval(deps, id),
      issueOnApproval(deps, id),
      issueOnApproval(deps, id),
    ]);
    expect(first.map((a) => a.created).sort()).toEqual([false, false, true]);
    const again = await issueOnApproval(deps, id);
    expect(again.created).toBe(false);
    // The redelivery re-queues the still-pending deliveries (jobs are deduplicated by delivery id).
    expect(again.deliveryIds.sort()).toEqual(first.find((a) => a.created)!.deliveryIds.sort());
    const codes = await db.query(`SELECT 1 FROM activation_codes WHERE case_id = $1`, [id]);
    expect(codes.rowCount).toBe(1);
    // Three cases so far, two deliveries each: the four schedulings of this case added no duplicate job.
    expect(await queue.queue.getJobCountByTypes('waiting', 'delayed', 'prioritized')).toBe(6);
  });

  it('refuses to issue a code for a case that is not approved', async () => {
    const id = randomUUID();
    await db.query(
      `INSERT INTO cases (id, reference, status, lang, applicant, expires_at) VALUES ($1, $2, 'in_review', 'en', '{}', now() + interval '1 day')`,
      [id, `ref-${id}`],
    );
    await expect(issueOnApproval(deps, id)).rejects.toMatchObject({ code: 'not_approved' });
  });
});
