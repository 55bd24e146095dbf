// The transactional outbox table: rows are written in the same transaction as the state change they
// announce; the dispatcher (service/outbox) moves them to a queue and records delivery.
import type { Queryable } from '../db/index.js';
import type { OutboxTopic } from '../pipeline/jobs.js';

export type OutboxStatus = 'pending' | 'dispatched' | 'delivered' | 'failed';

export interface OutboxRow {
  id: string;
  topic: OutboxTopic;
  caseId: string | null;
  payload: Record<string, unknown>;
  status: OutboxStatus;
  attempts: number;
  lastError: string | null;
}

export async function insertOutbox(
  q: Queryable,
  topic: OutboxTopic,
  caseId: string | null,
  payload: Record<string, unknown>,
): Promise<string> {
  const r = await q.query<{ id: string }>(
    'INSERT INTO outbox (topic, case_id, payload) VALUES ($1, $2, $3) RETURNING id',
    [topic, caseId, JSON.stringify(payload)],
  );
  return String(r.rows[0]!.id);
}

type DbRow = {
  id: string | number;
  topic: OutboxTopic;
  case_id: string | null;
  payload: Record<string, unknown>;
  status: OutboxStatus;
  attempts: number;
  last_error: string | null;
};
const toRow = (r: DbRow): OutboxRow => ({
  id: String(r.id),
  topic: r.topic,
  caseId: r.case_id,
  payload: r.payload,
  status: r.status,
  attempts: r.attempts,
  lastError: r.last_error,
});

/**
 * Claims rows to dispatch: pending rows, plus dispatched rows not delivered for a while (the queue may have lost
 * them), moved to `dispatched` in the same statement. Several dispatchers (one per worker process) may run at
 * once: SKIP LOCKED gives each row to one of them, and a row already delivered is never claimed (a separate read
 * then write let a late dispatcher mark a delivered row `dispatched` again, so it was delivered a second time).
 */
export async function claimUndispatched(
  q: Queryable,
  redispatchBefore: Date,
  limit = 100,
): Promise<OutboxRow[]> {
  const r = await q.query<DbRow>(
    `UPDATE outbox o SET status = 'dispatched', updated_at = now()
       FROM (SELECT id FROM outbox
              WHERE status = 'pending' OR (status = 'dispatched' AND updated_at < $1)
              ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED) c
      WHERE o.id = c.id RETURNING o.*`,
    [redispatchBefore, limit],
  );
  return r.rows.map(toRow).sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
}

/** Gives claimed rows that could not be queued back to the next dispatch (unless delivered meanwhile). */
export async function unclaimOutbox(q: Queryable, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await q.query(
    `UPDATE outbox SET status = 'pending', updated_at = now() WHERE id = ANY($1) AND status = 'dispatched'`,
    [ids],
  );
}

export async function getOutbox(q: Queryable, id: string): Promise<OutboxRow | undefined> {
  const r = await q.query<DbRow>('SELECT * FROM outbox WHERE id = $1', [id]);
  return r.rows[0] && toRow(r.rows[0]);
}

export async function listOutbox(
  q: Queryable,
  filter: { caseId?: string; topic?: OutboxTopic; status?: OutboxStatus } = {},
): Promise<OutboxRow[]> {
  const r = await q.query<DbRow>(
    `SELECT * FROM outbox WHERE ($1::uuid IS NULL OR case_id = $1) AND ($2::text IS NULL OR topic = $2) AND ($3::text IS NULL OR status = $3) ORDER BY id`,
    [filter.caseId ?? null, filter.topic ?? null, filter.status ?? null],
  );
  return r.rows.map(toRow);
}

export async function markOutbox(
  q: Queryable,
  id: string,
  status: OutboxStatus,
  err?: string,
): Promise<void> {
  await q.query(
    `UPDATE outbox SET status = $2, last_error = COALESCE($3, last_error), updated_at = now() WHERE id = $1`,
    [id, status, err ?? null],
  );
}

export async function noteOutboxAttemptFailed(q: Queryable, id: string, err: string): Promise<void> {
  await q.query(
    `UPDATE outbox SET attempts = attempts + 1, last_error = $2, updated_at = now() WHERE id = $1`,
    [id, err],
  );
}

/** Rows kept as failed after their last delivery attempt, counted by topic. */
export async function countFailedByTopic(q: Queryable): Promise<Array<{ topic: string; count: number }>> {
  const r = await q.query<{ topic: string; n: string | number }>(
    `SELECT topic, count(*) AS n FROM outbox WHERE status = 'failed' GROUP BY topic ORDER BY topic`,
  );
  return r.rows.map((f) => ({ topic: f.topic, count: Number(f.n) }));
}
