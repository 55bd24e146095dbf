// Retention figures for Prometheus, read from the database at scrape time (the purges run in the worker process,
// the metrics are served by the API process).
import { Gauge, type Registry } from 'prom-client';
import type { Queryable } from '../db/index.js';
import { countLegalHolds, purgedCasesByPolicy } from './retention-repository.js';

const POLICIES = ['media', 'unfinished', 'evidence', 'erasure'];

export function registerRetentionMetrics(registry: Registry, db: Queryable): void {
  new Gauge({
    name: 'idv_retention_purged_cases',
    help: 'Cases purged since the deployment started, by policy (media, unfinished, evidence, erasure).',
    labelNames: ['policy'],
    registers: [registry],
    async collect() {
      const by = await purgedCasesByPolicy(db).catch(() => undefined);
      if (!by) return; // a database outage must not fail the scrape
      for (const p of POLICIES) this.set({ policy: p }, by[p] ?? 0);
    },
  });
  new Gauge({
    name: 'idv_retention_legal_holds',
    help: 'Cases under legal hold (never purged).',
    registers: [registry],
    async collect() {
      const n = await countLegalHolds(db).catch(() => undefined);
      if (n !== undefined) this.set(n);
    },
  });
}
