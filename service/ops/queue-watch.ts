// Listens to each watched queue's event stream (BullMQ QueueEvents) and turns job transitions into
// observations: queue wait per attempt, processing time per stage, final failures, stalls. Works from any
// process: the events live in Redis, not in the worker.
import { Queue, QueueEvents } from 'bullmq';
import { createRedis, type RedisClient, type RedisTarget } from '../infra/redis.js';
import type { Logger } from '../logger.js';
import { queueWaitSeconds, ReadyTimes, streamIdMs } from './ready-times.js';
import type { WatchedQueue } from './queue-catalog.js';

export interface QueueObserver {
  wait(queue: string, seconds: number): void;
  processing(stage: string, seconds: number): void;
  failed(queue: string): void;
  stalled(queue: string): void;
}

export interface QueueWatch {
  /** Resolves once every listener reads the stream (events before this are not seen). */
  ready: Promise<void>;
  close(): Promise<void>;
}

export function watchQueues(
  redis: RedisTarget,
  queues: WatchedQueue[],
  observer: QueueObserver,
  logger?: Logger,
): QueueWatch {
  const conns: RedisClient[] = [];
  const handles = queues.map((wq) => {
    const conn = createRedis(redis);
    conn.on('error', () => undefined); // reconnects by itself
    const qconn = createRedis(redis);
    qconn.on('error', () => undefined);
    conns.push(conn, qconn);
    // A short block so close() does not wait for a long XREAD.
    const events = new QueueEvents(wq.name, { connection: conn, prefix: wq.prefix, blockingTimeout: 2000 });
    const queue = new Queue(wq.name, { connection: qconn, prefix: wq.prefix });
    attach(events, queue, wq, observer, logger);
    return { events, queue };
  });
  return {
    ready: Promise.all(handles.map((h) => h.events.waitUntilReady())).then(() => undefined),
    async close() {
      await Promise.all(
        handles.flatMap((h) => [
          h.events.close().catch(() => undefined),
          h.queue.close().catch(() => undefined),
        ]),
      );
      for (const c of conns) c.disconnect();
    },
  };
}

function attach(
  events: QueueEvents,
  queue: Queue,
  wq: WatchedQueue,
  observer: QueueObserver,
  logger?: Logger,
): void {
  const ready = new ReadyTimes();
  // When each active attempt started (Redis time of the `active` event), for processing time on completion.
  const started = new ReadyTimes();

  events.on('delayed', ({ jobId, delay }) => ready.onDelayed(jobId, Number(delay)));
  events.on('waiting', ({ jobId, prev }, id) => {
    const ms = streamIdMs(id);
    if (ms !== undefined) ready.onWaiting(jobId, prev, ms);
  });
  events.on('active', ({ jobId }, id) => {
    const activeMs = streamIdMs(id) ?? Date.now();
    const readyAt = ready.takeReady(jobId);
    started.onWaiting(jobId, undefined, activeMs);
    void queue
      .getJob(jobId)
      .then((job) => {
        // A job removed on completion before we read it: the event time stands in for processedOn.
        const times = job
          ? {
              timestamp: job.timestamp,
              processedOn: job.processedOn,
              attemptsMade: job.attemptsMade,
              delay: job.opts.delay,
            }
          : { timestamp: activeMs, attemptsMade: readyAt === undefined ? 1 : 0 };
        const w = queueWaitSeconds(times, readyAt, activeMs);
        if (w !== undefined) observer.wait(wq.name, w);
      })
      .catch((err: unknown) =>
        logger?.debug({ err: (err as Error).message, queue: wq.name }, 'queue wait lookup failed'),
      );
  });
  events.on('completed', ({ jobId }, id) => {
    const t0 = started.takeReady(jobId);
    const t1 = streamIdMs(id);
    if (t0 !== undefined && t1 !== undefined) observer.processing(wq.stage, Math.max(0, t1 - t0) / 1000);
  });
  // `failed` is written only when no attempt is left (a retry is `delayed` or `waiting` instead).
  events.on('failed', ({ jobId }) => {
    started.forget(jobId);
    ready.forget(jobId);
    observer.failed(wq.name);
  });
  events.on('stalled', ({ jobId }) => {
    started.forget(jobId);
    observer.stalled(wq.name);
  });
  events.on('error', (err) =>
    logger?.warn({ err: (err as Error).message, queue: wq.name }, 'queue events error'),
  );
}
