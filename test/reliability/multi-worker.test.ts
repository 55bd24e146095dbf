// Several worker processes on one deployment: two outbox dispatchers race over the same PostgreSQL rows and the
// same Redis queue (each with its own connections, as two worker hosts have), and two processes race for the
// recovery sweep's lease. Real PostgreSQL, real Redis, a real webhook receiver on loopback.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import pino from 'pino';
import type { Db } from '../../service/db/index.js';
import { insertOutbox, listOutbox } from '../../service/cases/index.js';
import { createPipelineQueues, type PipelineQueues } from '../../service/pipeline/queues.js';
import {
  createWebhookHandler,
  startOutboxDispatcher,
  type OutboxDispatcher,
} from '../../service/outbox/index.js';
import type { OutboxHandler } from '../../service/outbox/dispatcher.js';
import { tryLease } from '../../service/db/lease.js';
import { sweepExpired } from '../../service/review/expiry.js';
import { randomUUID } from 'node:crypto';
import { freshMigratedDb } from '../helpers/pg.js';
import { openDb } from '../../service/db/index.js';
import { migrate } from '../../service/db/migrate.js';
import { REDIS_URL } from '../helpers/env.js';

let fresh: { db: Db; drop(): Promise<void> };
let receiver: Server;
let url = '';
const received = new Map<string, number>();

beforeAll(async () => {
  fresh = await freshMigratedDb(8);
  receiver = createServer((req, res) => {
    const id = String(req.headers['x-idv-delivery']);
    req.resume();
    req.on('end', () => {
      received.set(id, (received.get(id) ?? 0) + 1);
      // A little latency, as a real receiver has: deliveries overlap the other dispatcher's polls.
      setTimeout(() => res.writeHead(204).end(), 5);
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hook`;
}, 60_000);

afterAll(async () => {
  receiver?.close();
  await fresh?.drop();
});

describe('two worker processes', () => {
  it('deliver every outbox row exactly once and leave each one delivered', async () => {
    const prefix = `tmw${Date.now().toString(36)}`;
    const logger = pino({ level: 'silent' });
    const webhook = createWebhookHandler({ url, secret: 'x'.repeat(32) });
    const handlers: Record<string, OutboxHandler> = {
      webhook,
      activation: webhook,
      invitation: webhook,
      evidence: webhook,
    };
    const queues: PipelineQueues[] = [];
    const dispatchers: OutboxDispatcher[] = [];
    for (let i = 0; i < 2; i++) {
      const q = createPipelineQueues(REDIS_URL, prefix);
      queues.push(q);
      dispatchers.push(
        startOutboxDispatcher({
          db: fresh.db,
          queues: q,
          logger,
          handlers,
          pollMs: 5,
          // Short, so that a row left `dispatched` by a lost race would be queued and delivered again here.
          redispatchAfterMs: 400,
          concurrency: 4,
        }),
      );
    }
    try {
      const n = 80;
      const ids = await fresh.db.tx(async (q) => {
        const out: string[] = [];
        for (let i = 0; i < n; i++) out.push(await insertOutbox(q, 'webhook', null, { event: 'test', i }));
        return out;
      });
      const end = Date.now() + 60_000;
      for (;;) {
        const rows = await listOutbox(fresh.db, { topic: 'webhook' });
        if (rows.every((r) => r.status === 'delivered')) break;
        if (Date.now() > end)
          throw new Error(`not all delivered: ${rows.filter((r) => r.status !== 'delivered').length} left`);
        await new Promise((r) => setTimeout(r, 100));
      }
      // Long enough for a wrongly re-opened row to be re-dispatched and delivered again.
      await new Promise((r) => setTimeout(r, 1500));
      const rows = await listOutbox(fresh.db, { topic: 'webhook' });
      expect(rows.filter((r) => r.status !== 'delivered')).toEqual([]);
      expect([...received.keys()].sort()).toEqual([...ids].sort());
      expect([...received.entries()].filter(([, k]) => k !== 1)).toEqual([]);
    } finally {
      for (const d of dispatchers) await d.close();
      for (const q of queues) await q.close();
    }
  }, 120_000);

  it('hold the recovery sweep lease one at a time, and the other takes it once it lapses', async () => {
    const tries = await Promise.all(
      Array.from({ length: 20 }, (_, i) => tryLease(fresh.db, 'race', i % 2 ? 'host-a:1' : 'host-b:2', 800)),
    );
    const winners = new Set(
      tries.map((ok, i) => (ok ? (i % 2 ? 'host-a:1' : 'host-b:2') : undefined)).filter(Boolean),
    );
    expect(winners.size).toBe(1);
    const holder = [...winners][0]!;
    const other = holder === 'host-a:1' ? 'host-b:2' : 'host-a:1';
    expect(await tryLease(fresh.db, 'race', holder, 800)).toBe(true); // renewed by its holder
    expect(await tryLease(fresh.db, 'race', other, 800)).toBe(false);
    await new Promise((r) => setTimeout(r, 1000));
    expect(await tryLease(fresh.db, 'race', other, 800)).toBe(true); // the holder died: taken over
    expect(await tryLease(fresh.db, 'race', holder, 800)).toBe(false);
  }, 30_000);

  it('take the same lease on embedded PGlite (ROLE=all runs the sweep there)', async () => {
    const lite = await openDb({});
    try {
      await migrate(lite);
      expect(await tryLease(lite, 'sweep', 'a', 300)).toBe(true);
      expect(await tryLease(lite, 'sweep', 'b', 300)).toBe(false);
      await new Promise((r) => setTimeout(r, 400));
      expect(await tryLease(lite, 'sweep', 'b', 300)).toBe(true);
    } finally {
      await lite.close();
    }
  }, 60_000);

  it('expire each overdue case once when both expiry sweepers run at the same time', async () => {
    // Cases in review past their deadline, as the pipeline leaves them (see test/review/seed.ts).
    const ids = Array.from({ length: 30 }, () => randomUUID());
    for (const id of ids)
      await fresh.db.query(
        `INSERT INTO cases (id, reference, status, lang, applicant, attempt, expires_at, submitted_at, review_deadline, reasons)
         VALUES ($1, $2, 'in_review', 'fr', $3, 1, now() + interval '7 days', now() - interval '3 days',
                 now() - interval '1 second', ARRAY['FACE_BORDERLINE'])`,
        [
          id,
          `REF-${id.slice(0, 8)}`,
          JSON.stringify({ lastName: 'X', firstNames: 'Y', birthDate: '1990-01-01' }),
        ],
      );
    const [a, b] = await Promise.all([sweepExpired(fresh.db), sweepExpired(fresh.db)]);
    expect(a + b).toBe(ids.length);
    const per = await fresh.db.query<{
      id: string;
      status: string;
      decisions: string;
      hooks: string;
      breaches: string;
    }>(
      `SELECT c.id, c.status,
              (SELECT count(*) FROM decisions d WHERE d.case_id = c.id) AS decisions,
              (SELECT count(*) FROM outbox o WHERE o.case_id = c.id AND o.topic = 'webhook') AS hooks,
              (SELECT count(*) FROM sla_breaches s WHERE s.case_id = c.id) AS breaches
         FROM cases c WHERE c.id = ANY($1)`,
      [ids],
    );
    expect(per.rows).toHaveLength(ids.length);
    for (const r of per.rows) {
      expect(r.status).toBe('expired');
      expect([Number(r.decisions), Number(r.hooks), Number(r.breaches)]).toEqual([1, 1, 1]);
    }
  }, 60_000);
});
