// The figures of the console's ops page: sampled series, cases at risk, failed deliveries. Ids and
// codes only: no names, addresses or contents.
import type { Queryable } from '../db/index.js';
import { listQueue, type QueueItem } from '../review/queue.js';
import type { SlaPolicy } from '../review/calendar.js';
import type { SeriesPoint } from './series.js';

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

export interface OpsSummary {
  generatedAt: string;
  intervalSec: number;
  series: SeriesPoint[];
  atRisk: QueueItem[];
  deliveryFailures: DeliveryFailure[];
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

export async function opsSummary(
  db: Queryable,
  series: SeriesPoint[],
  intervalMs: number,
  sla: SlaPolicy,
  now = new Date(),
): Promise<OpsSummary> {
  const [atRisk, failures] = await Promise.all([
    listQueue(db, { atRisk: true }, sla, now, 100),
    deliveryFailures(db),
  ]);
  return {
    generatedAt: now.toISOString(),
    intervalSec: intervalMs / 1000,
    series,
    atRisk,
    deliveryFailures: failures,
  };
}
