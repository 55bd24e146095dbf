// The development outbox's rows (sealed messages; sealing and opening stay in dev-outbox.ts).
import type { Queryable } from '../db/index.js';

export type OutboxChannel = 'email' | 'sms';

export interface DevOutboxRow {
  id: number;
  channel: OutboxChannel;
  sealed: string;
  createdAt: Date;
}

/** Keeps one sealed message; returns its id. */
export async function insertDevOutbox(q: Queryable, channel: OutboxChannel, sealed: string): Promise<number> {
  const r = await q.query<{ id: string | number }>(
    'INSERT INTO dev_outbox (channel, sealed) VALUES ($1, $2) RETURNING id',
    [channel, sealed],
  );
  return Number(r.rows[0]!.id);
}

/** Newest first. */
export async function listDevOutboxRows(q: Queryable, limit: number): Promise<DevOutboxRow[]> {
  const r = await q.query<{
    id: string | number;
    channel: OutboxChannel;
    sealed: string;
    created_at: Date;
  }>('SELECT id, channel, sealed, created_at FROM dev_outbox ORDER BY id DESC LIMIT $1', [limit]);
  return r.rows.map((x) => ({
    id: Number(x.id),
    channel: x.channel,
    sealed: x.sealed,
    createdAt: x.created_at,
  }));
}
