// Readiness of the database: one trivial round trip.
import type { Queryable } from './index.js';

export async function pingDb(q: Queryable): Promise<void> {
  await q.query('SELECT 1');
}
