// The figures of the console's ops page, in one answer: review backlog and deadline risk, the last hour's
// timeline, sampled queue series, failed deliveries and recent decisions. Ids and codes only: no names,
// addresses or contents.
import type { Queryable } from '../db/index.js';
import { listQueue, queueStats, type QueueItem, type QueueStats } from '../review/queue-repository.js';
import { opsTimeline, type TimelinePoint } from '../review/ops-timeline-repository.js';
import type { SlaPolicy } from '../review/calendar.js';
import { countDecisionsSince, countFailedByTopic } from '../cases/index.js';
import type { SeriesPoint } from './series.js';
import { deliveryFailures, type DeliveryFailure } from '../notify/delivery-repository.js';

export type { DeliveryFailure };

export interface OpsSummary {
  now: string;
  intervalSec: number;
  stats: QueueStats;
  timeline: TimelinePoint[];
  series: SeriesPoint[];
  atRisk: QueueItem[];
  failedDeliveries: Array<{ topic: string; count: number }>;
  deliveryFailures: DeliveryFailure[];
  decisionsLast24h: Array<{ outcome: string; count: number }>;
}

export async function opsSummary(
  db: Queryable,
  series: SeriesPoint[],
  intervalMs: number,
  sla: SlaPolicy,
  now = new Date(),
): Promise<OpsSummary> {
  const [stats, timeline, atRisk, failedDeliveries, failures, decisionsLast24h] = await Promise.all([
    queueStats(db, sla, now),
    opsTimeline(db, now),
    listQueue(db, { atRisk: true }, sla, now, 100),
    countFailedByTopic(db),
    deliveryFailures(db),
    countDecisionsSince(db, new Date(now.getTime() - 24 * 3600_000)),
  ]);
  return {
    now: now.toISOString(),
    intervalSec: intervalMs / 1000,
    stats,
    timeline,
    series,
    atRisk,
    failedDeliveries,
    deliveryFailures: failures,
    decisionsLast24h,
  };
}
