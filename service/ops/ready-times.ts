// When did a job become READY (able to be picked by a worker)? BullMQ records `timestamp` (added) and
// `processedOn` (picked), but not the moment a delayed job or a retry became runnable, so the queue wait
// (processedOn − ready) is reconstructed from the queue's event stream. Pure bookkeeping, no I/O.

/** Milliseconds encoded in a Redis stream id ("<ms>-<seq>"), i.e. the Redis time the event was written. */
export function streamIdMs(id: string | undefined): number | undefined {
  if (!id) return undefined;
  const ms = Number(id.split('-', 1)[0]);
  return Number.isFinite(ms) && ms > 0 ? ms : undefined;
}

export interface ReadyTimesOptions {
  /** Most jobs remembered at once; the oldest are forgotten first (a job never picked must not leak). Default 50 000. */
  maxJobs?: number;
}

/**
 * Tracks, per job id, the time its current attempt became ready:
 * - `delayed` (first delay or retry backoff): remember when the delay ends (`dueAt`, absolute ms);
 * - `waiting`: ready now; when promoted from `delayed`, ready since the delay ended, even if the promotion
 *   happened later because every worker was busy (that extra time IS queue wait);
 * - `active`: the attempt starts; the ready time is consumed (a retry gets a new one).
 */
export class ReadyTimes {
  private readonly due = new Map<string, number>();
  private readonly ready = new Map<string, number>();
  private readonly maxJobs: number;

  constructor(opts: ReadyTimesOptions = {}) {
    this.maxJobs = opts.maxJobs ?? 50_000;
  }

  onDelayed(jobId: string, dueAt: number): void {
    this.ready.delete(jobId);
    remember(this.due, jobId, dueAt, this.maxJobs);
  }

  onWaiting(jobId: string, prev: string | undefined, eventMs: number): void {
    const due = this.due.get(jobId);
    this.due.delete(jobId);
    const readyAt = prev === 'delayed' && due !== undefined ? Math.min(due, eventMs) : eventMs;
    remember(this.ready, jobId, readyAt, this.maxJobs);
  }

  /** The ready time of the attempt that just became active (undefined when its events were not seen). */
  takeReady(jobId: string): number | undefined {
    const r = this.ready.get(jobId);
    this.ready.delete(jobId);
    this.due.delete(jobId);
    return r;
  }

  forget(jobId: string): void {
    this.ready.delete(jobId);
    this.due.delete(jobId);
  }

  get size(): number {
    return this.ready.size + this.due.size;
  }
}

function remember(m: Map<string, number>, k: string, v: number, max: number): void {
  m.delete(k); // re-insert at the end: Map keeps insertion order, the first key is the oldest
  m.set(k, v);
  while (m.size > max) m.delete(m.keys().next().value as string);
}

/** The job fields the wait computation needs (a subset of a BullMQ Job). */
export interface JobTimes {
  timestamp: number;
  processedOn?: number;
  /** Failed attempts so far (0 on the first attempt). */
  attemptsMade: number;
  delay?: number;
}

/**
 * Queue wait of the attempt that just started, in seconds, or undefined when it cannot be known.
 * Without a seen ready event (listener started after the job was queued), only a first attempt can be
 * reconstructed: added at `timestamp`, ready after its initial delay.
 */
export function queueWaitSeconds(
  job: JobTimes,
  readyAt: number | undefined,
  activeAt: number,
): number | undefined {
  const start = job.processedOn ?? activeAt;
  const ready = readyAt ?? (job.attemptsMade === 0 ? job.timestamp + (job.delay ?? 0) : undefined);
  if (ready === undefined) return undefined;
  return Math.max(0, start - ready) / 1000;
}
