// The last hour of queue depth and latency percentiles, sampled in memory every few seconds, for the
// ops page of the console (which must work without a Prometheus server).
import type { Queue } from 'bullmq';
import type { QueueObserver } from './queue-watch.js';
import { RecentWindow } from './recent.js';

export interface Percentiles {
  n: number;
  p50: number;
  p95: number;
}

export interface SeriesPoint {
  /** ISO-8601 sample time. */
  t: string;
  /** Jobs waiting (waiting + prioritized), active and delayed, per queue. */
  depth: Record<string, { waiting: number; active: number; delayed: number }>;
  /** Queue wait seconds of the attempts started during the interval, per queue. */
  wait: Record<string, Percentiles>;
  /** Processing seconds of the jobs completed during the interval, per stage. */
  processing: Record<string, Percentiles>;
}

export interface SeriesOptions {
  /** Sampling period. Default 15 s. */
  intervalMs?: number;
  /** Points kept. Default 240 (one hour at 15 s). */
  points?: number;
}

export interface SeriesSampler {
  /** Wraps an observer so its observations also feed the sampled percentiles. */
  tee(next: QueueObserver): QueueObserver;
  points(): SeriesPoint[];
  /** Takes one sample now (the timer calls it; tests too). */
  sample(): Promise<SeriesPoint>;
  start(): void;
  stop(): void;
  readonly intervalMs: number;
}

export function createSeriesSampler(queues: Queue[], opts: SeriesOptions = {}): SeriesSampler {
  const intervalMs = opts.intervalMs ?? 15_000;
  const max = opts.points ?? 240;
  const ring: SeriesPoint[] = [];
  const wait = new RecentWindow();
  const processing = new RecentWindow();
  let timer: NodeJS.Timeout | undefined;

  async function sample(): Promise<SeriesPoint> {
    const depth: SeriesPoint['depth'] = {};
    await Promise.all(
      queues.map(async (q) => {
        const c = await q.getJobCounts('waiting', 'prioritized', 'active', 'delayed');
        depth[q.name] = {
          waiting: (c.waiting ?? 0) + (c.prioritized ?? 0),
          active: c.active ?? 0,
          delayed: c.delayed ?? 0,
        };
      }),
    );
    const p: SeriesPoint = {
      t: new Date().toISOString(),
      depth,
      wait: wait.drain(),
      processing: processing.drain(),
    };
    ring.push(p);
    if (ring.length > max) ring.splice(0, ring.length - max);
    return p;
  }

  return {
    intervalMs,
    tee: (next) => ({
      wait(q, s) {
        wait.add(q, s);
        next.wait(q, s);
      },
      processing(st, s) {
        processing.add(st, s);
        next.processing(st, s);
      },
      failed: (q) => next.failed(q),
      stalled: (q) => next.stalled(q),
    }),
    points: () => [...ring],
    sample,
    start() {
      let running = false; // while Redis is down a sample waits; do not pile more up behind it
      timer ??= setInterval(() => {
        if (running) return;
        running = true;
        void sample()
          .catch(() => undefined)
          .finally(() => (running = false));
      }, intervalMs);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
    },
  };
}
