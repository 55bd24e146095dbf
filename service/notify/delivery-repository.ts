// Per-channel delivery records: the durable truth about what was sent, independent of the queue.
// A delivery is `pending` until a send succeeds (`sent`) or the last retry fails (`failed`, flagged
// for ops); `cancelled` when its code was superseded or used before it went out.
import type { Queryable } from '../db/index.js';

export type Channel = 'email' | 'sms';
export type DeliveryStatus = 'pending' | 'sent' | 'failed' | 'cancelled';

export interface Delivery {
  id: number;
  caseId: string;
  codeId: string;
  channel: Channel;
  status: DeliveryStatus;
  attempts: number;
  lastError: string | null;
  sentAt: string | null;
  createdAt: string;
  updatedAt: string;
}

interface Row {
  id: string | number;
  case_id: string;
  code_id: string;
  channel: Channel;
  status: DeliveryStatus;
  attempts: number;
  last_error: string | null;
  sent_at: Date | string | null;
  created_at: Date | string;
  updated_at: Date | string;
}

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());
const toDelivery = (r: Row): Delivery => ({
  id: Number(r.id),
  caseId: r.case_id,
  codeId: r.code_id,
  channel: r.channel,
  status: r.status,
  attempts: r.attempts,
  lastError: r.last_error,
  sentAt: iso(r.sent_at),
  createdAt: iso(r.created_at)!,
  updatedAt: iso(r.updated_at)!,
});
const COLS = 'id, case_id, code_id, channel, status, attempts, last_error, sent_at, created_at, updated_at';

/** Creates the pending deliveries of one code (one per channel); returns their ids. */
export async function createDeliveries(
  q: Queryable,
  caseId: string,
  codeId: string,
  channels: Channel[],
): Promise<number[]> {
  const ids: number[] = [];
  for (const ch of channels) {
    const r = await q.query<{ id: string | number }>(
      'INSERT INTO deliveries (case_id, code_id, channel) VALUES ($1, $2, $3) RETURNING id',
      [caseId, codeId, ch],
    );
    ids.push(Number(r.rows[0]!.id));
  }
  return ids;
}

export async function deliveryById(q: Queryable, id: number, lock = false): Promise<Delivery | undefined> {
  const r = await q.query<Row>(`SELECT ${COLS} FROM deliveries WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [
    id,
  ]);
  return r.rows[0] && toDelivery(r.rows[0]);
}

export async function deliveriesOfCase(q: Queryable, caseId: string): Promise<Delivery[]> {
  const r = await q.query<Row>(`SELECT ${COLS} FROM deliveries WHERE case_id = $1 ORDER BY id`, [caseId]);
  return r.rows.map(toDelivery);
}

export async function pendingDeliveriesOfCode(q: Queryable, codeId: string): Promise<number[]> {
  const r = await q.query<{ id: string | number }>(
    `SELECT id FROM deliveries WHERE code_id = $1 AND status = 'pending'`,
    [codeId],
  );
  return r.rows.map((x) => Number(x.id));
}

/** Deliveries flagged for ops: the last retry failed. Oldest first. */
export async function failedDeliveries(q: Queryable, limit = 100): Promise<Delivery[]> {
  const r = await q.query<Row>(
    `SELECT ${COLS} FROM deliveries WHERE status = 'failed' ORDER BY updated_at LIMIT $1`,
    [limit],
  );
  return r.rows.map(toDelivery);
}

/** Pending deliveries untouched for `olderThanMs`: candidates for re-enqueueing after a crash. */
export async function stalePendingDeliveries(
  q: Queryable,
  olderThanMs: number,
  limit = 500,
): Promise<number[]> {
  const r = await q.query<{ id: string | number }>(
    `SELECT id FROM deliveries WHERE status = 'pending' AND updated_at < now() - make_interval(secs => $1::double precision)
     ORDER BY id LIMIT $2`,
    [olderThanMs / 1000, limit],
  );
  return r.rows.map((x) => Number(x.id));
}

/** Tables that keep one row per message to send, with the same attempt bookkeeping. */
export type DeliveryTable = 'deliveries' | 'invitation_deliveries';

/** Attempt bookkeeping of a delivery table: one sent, or one failed attempt (`final` flags it for ops). */
export function deliveryAttempts(table: DeliveryTable) {
  return {
    async markSent(q: Queryable, id: number): Promise<void> {
      await q.query(
        `UPDATE ${table} SET status = 'sent', attempts = attempts + 1, last_error = NULL, sent_at = now(), updated_at = now() WHERE id = $1`,
        [id],
      );
    },
    async markAttemptFailed(q: Queryable, id: number, error: string, final: boolean): Promise<void> {
      await q.query(
        `UPDATE ${table} SET attempts = attempts + 1, last_error = $2, status = CASE WHEN $3::boolean THEN 'failed' ELSE status END,
           updated_at = now() WHERE id = $1`,
        [id, error.slice(0, 200), final],
      );
    },
  };
}

export const { markSent, markAttemptFailed } = deliveryAttempts('deliveries');

export async function cancelDelivery(q: Queryable, id: number): Promise<void> {
  await q.query(
    `UPDATE deliveries SET status = 'cancelled', updated_at = now() WHERE id = $1 AND status = 'pending'`,
    [id],
  );
}

/** Cancels every pending delivery of a code (it was superseded or used). */
export async function cancelDeliveriesOfCode(q: Queryable, codeId: string): Promise<void> {
  await q.query(
    `UPDATE deliveries SET status = 'cancelled', updated_at = now() WHERE code_id = $1 AND status = 'pending'`,
    [codeId],
  );
}

/** Ops: puts a failed delivery back to pending (attempt count kept). */
export async function reopenDelivery(q: Queryable, id: number): Promise<boolean> {
  const r = await q.query(
    `UPDATE deliveries SET status = 'pending', updated_at = now() WHERE id = $1 AND status = 'failed'`,
    [id],
  );
  return r.rowCount > 0;
}

// ---- ops: what failed for good (deliveries and outbox rows) ----------------------------------------------

export interface DeliveryFailure {
  source: 'delivery' | 'outbox';
  id: string;
  caseId: string | null;
  /** email / sms for deliveries, the outbox topic otherwise. */
  channel: string;
  attempts: number;
  lastError: string | null;
  updatedAt: string;
}

export async function deliveryFailures(db: Queryable, limit = 50): Promise<DeliveryFailure[]> {
  const { rows } = await db.query<{
    source: 'delivery' | 'outbox';
    id: string;
    case_id: string | null;
    channel: string;
    attempts: number;
    last_error: string | null;
    updated_at: Date;
  }>(
    `(SELECT 'delivery' AS source, id::text AS id, case_id, channel, attempts, last_error, updated_at FROM deliveries WHERE status = 'failed')
     UNION ALL
     (SELECT 'outbox' AS source, id::text AS id, case_id, topic AS channel, attempts, last_error, updated_at FROM outbox WHERE status = 'failed')
     ORDER BY updated_at DESC LIMIT $1`,
    [limit],
  );
  return rows.map((r) => ({
    source: r.source,
    id: r.id,
    caseId: r.case_id,
    channel: r.channel,
    attempts: Number(r.attempts),
    lastError: r.last_error,
    updatedAt: new Date(r.updated_at).toISOString(),
  }));
}
