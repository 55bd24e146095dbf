// The outbox dispatcher on real Redis and PGlite: rows are delivered by their topic's handler, retried with
// backoff, kept as `failed` after the last attempt; the webhook topic posts a verifiable signature.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { openDb, type Db } from '../../service/db/index.js';
import { migrate } from '../../service/db/migrate.js';
import { insertOutbox, getOutbox, insertCase } from '../../service/cases/index.js';
import { createPipelineQueues, type PipelineQueues } from '../../service/pipeline/queues.js';
import { outboxJobId } from '../../service/pipeline/jobs.js';
import {
  createWebhookHandler,
  startOutboxDispatcher,
  verifyWebhook,
  type OutboxDispatcher,
} from '../../service/outbox/index.js';
import { REDIS_URL, testConfig } from '../helpers/env.js';
import { createInvitationOutboxHandler } from '../../service/invitation/outbox-handler.js';
import { evidenceOutboxHandler } from '../../service/evidence/outbox-handler.js';
import { evidenceFor } from '../../service/evidence/service.js';

let db: Db;
let queues: PipelineQueues;
let dispatcher: OutboxDispatcher;
let server: Server;
let hookUrl = '';
const hits: Array<{ body: string; ts: string; sig: string; status: number; delivery: string }> = [];
let failFirst = 2;
const SECRET = 'outbox-test-secret-0123456789';

async function until<T>(fn: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  db = await openDb({});
  await migrate(db);
  queues = createPipelineQueues(REDIS_URL, `tob${Date.now().toString(36)}`);
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const status = failFirst-- > 0 ? 503 : 204;
      hits.push({
        body,
        ts: String(req.headers['x-idv-timestamp']),
        sig: String(req.headers['x-idv-signature']),
        delivery: String(req.headers['x-idv-delivery']),
        status,
      });
      res.statusCode = status;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  hookUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`;
  dispatcher = startOutboxDispatcher({
    db,
    queues,
    logger: pino({ level: 'silent' }),
    attempts: 3,
    backoffMs: 100,
    pollMs: 100,
    handlers: {
      webhook: createWebhookHandler({ url: hookUrl, secret: SECRET }),
      invitation: createInvitationOutboxHandler({
        config: testConfig(),
        db,
        logger: pino({ level: 'silent' }),
      }).handler,
      // This dispatcher's `activation` topic stands for a downstream that always refuses.
      activation: async () => {
        throw new Error('downstream refused');
      },
      evidence: evidenceOutboxHandler(evidenceFor({ config: testConfig(), db })),
    },
  });
});

afterAll(async () => {
  await dispatcher?.close();
  await queues?.outbox.obliterate({ force: true }).catch(() => undefined);
  await queues?.close();
  await db?.close();
  await new Promise((r) => server?.close(r));
});

describe('outbox dispatcher', () => {
  it('retries a failing webhook with backoff and delivers it signed', async () => {
    const c = await insertCase(db, {
      reference: `ref-${randomUUID()}`,
      lang: 'fr',
      applicant: {
        lastName: 'A',
        firstNames: 'B',
        birthDate: '1990-01-01',
        email: 'a@b.c',
        mobile: '+33600000000',
      },
      tokenHash: 'x'.repeat(64),
      expiresAt: new Date(Date.now() + 3600_000),
    });
    const id = await insertOutbox(db, 'webhook', c.id, {
      event: 'verification.decided',
      caseId: c.id,
      status: 'approved',
      reasons: [],
    });
    const row = await until(async () => {
      const r = await getOutbox(db, id);
      return r?.status === 'delivered' ? r : undefined;
    });
    expect(row.attempts).toBe(2); // two failed attempts recorded before the delivery
    expect(hits.map((h) => h.status)).toEqual([503, 503, 204]);
    // At least once: every redelivery carries the same event id, the one the receiver de-duplicates on.
    expect(hits.map((h) => h.delivery)).toEqual([String(id), String(id), String(id)]);
    const ok = hits[2]!;
    expect(JSON.parse(ok.body)).toMatchObject({ caseId: c.id, status: 'approved' });
    expect(verifyWebhook(SECRET, ok.ts, ok.body, ok.sig)).toBe(true);
    expect(verifyWebhook(SECRET, ok.ts, ok.body.replace('approved', 'rejected'), ok.sig)).toBe(false);
    expect(verifyWebhook(SECRET, String(Number(ok.ts) - 3600), ok.body, ok.sig)).toBe(false);

    // A crash after the POST and before the row is marked delivered (the worker and its job lost): the row is
    // left `dispatched`, the sweep queues it again, and the receiver sees the same event id a second time.
    await db.query(
      `UPDATE outbox SET status = 'dispatched', updated_at = now() - interval '1 hour' WHERE id = $1`,
      [id],
    );
    await queues.outbox.remove(outboxJobId(id));
    await until(async () => (hits.length >= 4 ? true : undefined));
    await until(async () => ((await getOutbox(db, id))?.status === 'delivered' ? true : undefined));
    expect(hits[3]!.delivery).toBe(String(id));
    expect(hits[3]!.body).toBe(ok.body);
  });

  it('marks a row failed after the last attempt and keeps it', async () => {
    const id = await insertOutbox(db, 'activation', null, { n: 1 });
    const row = await until(async () => {
      const r = await getOutbox(db, id);
      return r?.status === 'failed' ? r : undefined;
    });
    expect(row.attempts).toBe(3);
    expect(row.lastError).toMatch(/downstream refused/);
  });

  it('queues each row once even when dispatch runs concurrently', async () => {
    const id = await insertOutbox(db, 'activation', null, { n: 2 });
    await Promise.all([dispatcher.dispatch(), dispatcher.dispatch(), dispatcher.dispatch()]);
    const job = await queues.outbox.getJob(`outbox.${id}`);
    expect(job?.data).toEqual({ outboxId: id, topic: 'activation' });
    const counts = await queues.outbox.getJobCounts();
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(4);
  });
});
