// The figures of the console's ops page: sampled series, cases at risk, failed deliveries. Ids and
// codes only: no names, addresses or contents.
import type { Queryable } from '../db/index.js';
import { listQueue, type QueueItem } from '../review/queue-repository.js';
import type { SlaPolicy } from '../review/calendar.js';
import type { SeriesPoint } from './series.js';
import { deliveryFailures, type DeliveryFailure } from '../notify/delivery-repository.js';

export type { DeliveryFailure };

export interface OpsSummary {
  generatedAt: string;
  intervalSec: number;
  series: SeriesPoint[];
  atRisk: QueueItem[];
  deliveryFailures: DeliveryFailure[];
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
