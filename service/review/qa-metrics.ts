// QA figures for Prometheus, read from the database at scrape time.
import { Gauge, type Registry } from 'prom-client';
import type { Queryable } from '../db/index.js';
import { qaFigures } from './qa-repository.js';

export function registerQaMetrics(registry: Registry, db: Queryable): void {
  let at = 0;
  let figures: ReturnType<typeof qaFigures> | undefined;
  // One query set per scrape, shared by the gauges; a database outage keeps the last values.
  const read = () => {
    if (!figures || Date.now() - at > 1000) {
      at = Date.now();
      figures = qaFigures(db).catch(() => undefined) as ReturnType<typeof qaFigures>;
    }
    return figures as Promise<Awaited<ReturnType<typeof qaFigures>> | undefined>;
  };
  new Gauge({
    name: 'idv_qa_samples',
    help: 'Automatically approved cases sampled for QA (QA_SAMPLE_RATE), by state (pending, agree, disagree).',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      const f = await read();
      if (!f) return;
      this.set({ state: 'pending' }, f.pending);
      this.set({ state: 'agree' }, f.agreed);
      this.set({ state: 'disagree' }, f.disagreed);
    },
  });
  new Gauge({
    name: 'idv_qa_agreement_ratio',
    help: 'Share of QA second looks agreeing with the decision, by decider (reviewer id, or "auto").',
    labelNames: ['decider'],
    registers: [registry],
    async collect() {
      const f = await read();
      if (!f) return;
      this.reset();
      for (const r of f.reviewers) if (r.agreement !== null) this.set({ decider: r.reviewerId }, r.agreement);
    },
  });
}
