// Leases on deployment-wide periodic jobs, in PostgreSQL (the store every process shares): one statement takes
// or renews a lease, so several worker processes never run the same periodic job at once, and a lease of a dead
// process lapses by itself.
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Queryable } from './index.js';

/** This process's holder name: host, pid and a random part (pids repeat across hosts and restarts). */
export function leaseHolder(): string {
  return `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
}

/**
 * Takes the lease `name` for `ms` if it is free, lapsed or already ours (then renewed). True when we hold it.
 */
export async function tryLease(q: Queryable, name: string, holder: string, ms: number): Promise<boolean> {
  const r = await q.query<{ holder: string }>(
    `INSERT INTO job_leases (name, holder, until) VALUES ($1, $2, now() + $3 * interval '1 millisecond')
     ON CONFLICT (name) DO UPDATE SET holder = EXCLUDED.holder, until = EXCLUDED.until
       WHERE job_leases.until < now() OR job_leases.holder = EXCLUDED.holder
     RETURNING holder`,
    [name, holder, ms],
  );
  return r.rows.length === 1;
}
