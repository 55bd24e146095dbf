// The Prometheus registry of the service: default process metrics, queue job counts read at scrape time,
// event-driven latency histograms (queue-watch.ts) and review/decision figures read from the database.
// Counters derived from the database report the persisted total, so they never go backwards across scrapes.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { registerRetentionMetrics } from '../retention/metrics.js';
import { registerQaMetrics } from '../review/qa-metrics.js';
import type { Queue } from 'bullmq';
import type { Queryable } from '../db/index.js';
import type { SlaPolicy } from '../review/calendar.js';
import { queueStats } from '../review/queue-repository.js';
import { countDecisionsByReason, decisionLatencies, lastDecisionId } from '../cases/index.js';
import type { QueueObserver } from './queue-watch.js';

/** Job states reported per queue (BullMQ getJobCounts). */
export const JOB_STATES = [
  'waiting',
  'active',
  'delayed',
  'prioritized',
  'waiting-children',
  'failed',
  'completed',
  'paused',
] as const;

// Queue waits and stage times: from milliseconds (idle worker) to minutes (backlog).
const SECONDS_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60, 120, 300, 600];
// Submission to decision: seconds when automatic, hours to days when a reviewer decides.
const DECISION_BUCKETS = [
  0.5,
  1,
  2,
  3,
  4,
  6,
  10,
  30,
  60,
  300,
  1800,
  3600,
  4 * 3600,
  12 * 3600,
  24 * 3600,
  72 * 3600,
  7 * 24 * 3600,
];

export interface OpsMetricsDeps {
  db: Queryable;
  /** Queues whose job counts are read at scrape time. */
  queues: Queue[];
  sla: SlaPolicy;
  /** Clock, replaceable in tests. */
  now?: () => Date;
}

export interface OpsMetrics {
  registry: Registry;
  /** Feed for queue-watch.ts. */
  observer: QueueObserver;
  /** Reads decisions persisted since the last call into idv_decision_latency_seconds (called at scrape). */
  pollDecisions(): Promise<void>;
}

/** Final outcomes: a decision to send the case to review is not the end of the applicant's wait. */
const FINAL_OUTCOMES = ['approve', 'reject', 'resubmit', 'expire'];

export function createOpsMetrics(deps: OpsMetricsDeps): OpsMetrics {
  const now = deps.now ?? (() => new Date());
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  registerRetentionMetrics(registry, deps.db);
  registerQaMetrics(registry, deps.db);

  new Gauge({
    name: 'idv_queue_jobs',
    help: 'Jobs per queue and state, read from Redis at scrape time.',
    labelNames: ['queue', 'state'],
    registers: [registry],
    async collect() {
      this.reset();
      await Promise.all(
        deps.queues.map(async (q) => {
          // Redis commands queue up while Redis is down: give up so the scrape still answers (the queue's
          // series go missing, which the "no data" alerting of Prometheus notices).
          const counts = await withTimeout(q.getJobCounts(...JOB_STATES), 2000).catch(() => undefined);
          if (counts) for (const s of JOB_STATES) this.set({ queue: q.name, state: s }, counts[s] ?? 0);
        }),
      );
    },
  });
  const wait = new Histogram({
    name: 'idv_queue_wait_seconds',
    help: 'Time a job attempt waited in its queue: processedOn minus the time it became ready (after any delay or retry backoff).',
    labelNames: ['queue'],
    buckets: SECONDS_BUCKETS,
    registers: [registry],
  });
  const stage = new Histogram({
    name: 'idv_stage_duration_seconds',
    help: 'Processing time of a completed job per stage (active to completed).',
    labelNames: ['stage'],
    buckets: SECONDS_BUCKETS,
    registers: [registry],
  });
  const failed = new Counter({
    name: 'idv_jobs_failed_total',
    help: 'Jobs that failed after their last attempt.',
    labelNames: ['queue'],
    registers: [registry],
  });
  const stalled = new Counter({
    name: 'idv_jobs_stalled_total',
    help: 'Jobs detected stalled (worker lost its lock) and recovered.',
    labelNames: ['queue'],
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'idv_decision_latency_seconds',
    help: 'Submission to final decision, by who decided (source: auto, reviewer, system), observed as decisions are persisted.',
    labelNames: ['source'],
    buckets: DECISION_BUCKETS,
    registers: [registry],
    // Runs at each scrape, before the registry serialises the histogram.
    collect: () => pollDecisions().catch(() => undefined),
  });

  // Review figures come from one query per scrape, shared by the four collectors below.
  let statsAt = 0;
  let stats: Promise<Awaited<ReturnType<typeof queueStats>> | undefined> | undefined;
  const reviewStats = () => {
    if (!stats || Date.now() - statsAt > 1000) {
      statsAt = Date.now();
      // A database outage must not fail the whole scrape: the collectors keep their last values.
      stats = queueStats(deps.db, deps.sla, now()).catch(() => undefined);
    }
    return stats;
  };
  new Gauge({
    name: 'idv_review_queue_depth',
    help: 'Cases waiting for a reviewer.',
    registers: [registry],
    async collect() {
      const st = await reviewStats();
      if (st) this.set(st.depth);
    },
  });
  new Gauge({
    name: 'idv_review_oldest_working_hours',
    help: 'Working hours (Mon-Fri, French holidays excluded, Europe/Paris) since the oldest case in review was submitted.',
    registers: [registry],
    async collect() {
      const st = await reviewStats();
      if (st) this.set(st.oldestWorkingHours);
    },
  });
  new Gauge({
    name: 'idv_review_at_risk',
    help: 'Cases in review within the at-risk window before their deadline.',
    registers: [registry],
    async collect() {
      const st = await reviewStats();
      if (st) this.set(st.atRisk);
    },
  });
  new Counter({
    name: 'idv_sla_breaches_total',
    help: 'Cases that reached their review deadline undecided (persisted breach records).',
    registers: [registry],
    async collect() {
      const st = await reviewStats();
      if (!st) return;
      this.reset();
      this.inc(st.breaches);
    },
  });
  new Counter({
    name: 'idv_decisions_total',
    help: 'Persisted decisions by outcome and reason code (reason "none" for a decision without reasons).',
    labelNames: ['outcome', 'reason'],
    registers: [registry],
    async collect() {
      const rows = await countDecisionsByReason(deps.db).catch(() => undefined);
      if (!rows) return; // database unavailable: keep the last totals
      this.reset();
      for (const r of rows) this.inc({ outcome: r.outcome, reason: r.reason ?? 'none' }, r.count);
    },
  });

  // Decision latency is a histogram, so it is fed incrementally: decisions in (cursor, newest]. The cursor
  // starts at the newest decision when this process starts (like any in-process histogram, it starts empty).
  // It was set at the first scrape, which dropped every decision made before it: a reviewer's decisions in a
  // process scraped for the first time afterwards never reached the histogram.
  let cursor: number | undefined;
  let polling: Promise<void> | undefined;
  const maxId = () => lastDecisionId(deps.db);
  const startCursor = maxId().catch(() => undefined);
  async function poll(): Promise<void> {
    cursor ??= (await startCursor) ?? (await maxId());
    const top = await maxId();
    if (top <= cursor) return;
    for (const d of await decisionLatencies(deps.db, cursor, top, FINAL_OUTCOMES))
      latency.observe({ source: d.source }, d.seconds);
    cursor = top;
  }
  const pollDecisions = () => {
    // One poll at a time: two concurrent scrapes must not observe the same decision twice.
    polling ??= poll().finally(() => (polling = undefined));
    return polling;
  };

  return {
    registry,
    observer: {
      wait: (queue, s) => wait.observe({ queue }, s),
      processing: (st, s) => stage.observe({ stage: st }, s),
      failed: (queue) => failed.inc({ queue }),
      stalled: (queue) => stalled.inc({ queue }),
    },
    pollDecisions,
  };
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timed out')), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}
