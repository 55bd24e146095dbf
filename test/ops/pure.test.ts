// Pure parts of ops: ready-time bookkeeping, Prometheus text parsing and quantiles, the loopback guard.
import { describe, expect, it } from 'vitest';
import { Histogram, Registry } from 'prom-client';
import { queueWaitSeconds, ReadyTimes, streamIdMs } from '../../service/ops/ready-times.js';
import {
  bucketDelta,
  histogramBuckets,
  histogramQuantile,
  parsePromText,
} from '../../service/ops/prom-text.js';
import { assertLoopback, queueWaitP95 } from '../../service/ops/loadtest.js';

describe('ready times', () => {
  it('reads the ms of a Redis stream id', () => {
    expect(streamIdMs('1700000000123-4')).toBe(1700000000123);
    expect(streamIdMs('junk')).toBeUndefined();
  });

  it('a delayed job is ready when its delay ends, even if promoted later by a busy worker', () => {
    const r = new ReadyTimes();
    r.onDelayed('j', 10_000);
    r.onWaiting('j', 'delayed', 10_900); // promoted 900 ms late: that is queue wait
    expect(r.takeReady('j')).toBe(10_000);
    expect(r.takeReady('j')).toBeUndefined(); // consumed by the attempt
  });

  it('a fresh or re-queued job is ready at its waiting event', () => {
    const r = new ReadyTimes();
    r.onWaiting('a', undefined, 5000);
    r.onDelayed('b', 9000);
    r.onWaiting('b', 'active', 7000); // a stalled job moved back to wait: the old due time no longer applies
    expect(r.takeReady('a')).toBe(5000);
    expect(r.takeReady('b')).toBe(7000);
  });

  it('forgets the oldest jobs beyond its bound', () => {
    const r = new ReadyTimes({ maxJobs: 2 });
    r.onWaiting('a', undefined, 1);
    r.onWaiting('b', undefined, 2);
    r.onWaiting('c', undefined, 3);
    expect(r.takeReady('a')).toBeUndefined();
    expect(r.takeReady('c')).toBe(3);
  });

  it('computes the wait from processedOn, with a first-attempt fallback only', () => {
    expect(
      queueWaitSeconds({ timestamp: 0, processedOn: 2300, attemptsMade: 0, delay: 2000 }, 2000, 9999),
    ).toBeCloseTo(0.3);
    expect(
      queueWaitSeconds({ timestamp: 0, processedOn: 2300, attemptsMade: 0, delay: 2000 }, undefined, 9999),
    ).toBeCloseTo(0.3);
    expect(
      queueWaitSeconds({ timestamp: 0, processedOn: 9000, attemptsMade: 1 }, undefined, 9999),
    ).toBeUndefined();
    expect(queueWaitSeconds({ timestamp: 0, processedOn: 100, attemptsMade: 0 }, 200, 100)).toBe(0); // clock skew never negative
  });
});

describe('prometheus text', () => {
  it('parses what prom-client writes and estimates quantiles like histogram_quantile', async () => {
    const reg = new Registry();
    const h = new Histogram({
      name: 'x_seconds',
      help: 'x',
      labelNames: ['queue'],
      buckets: [0.1, 0.5, 1, 2],
      registers: [reg],
    });
    for (let i = 0; i < 90; i++) h.observe({ queue: 'a' }, 0.05);
    for (let i = 0; i < 10; i++) h.observe({ queue: 'b' }, 1.5);
    const s = parsePromText(await reg.metrics());
    const all = histogramBuckets(s, 'x_seconds');
    expect(all).toEqual([
      [0.1, 90],
      [0.5, 90],
      [1, 90],
      [2, 100],
      [Infinity, 100],
    ]);
    expect(histogramQuantile(0.5, all)).toBeCloseTo(0.1 * (50 / 90));
    expect(histogramQuantile(0.95, all)).toBeCloseTo(1.5); // halfway into the (1, 2] bucket
    expect(
      histogramQuantile(
        0.95,
        histogramBuckets(s, 'x_seconds', (l) => l.queue === 'a'),
      ),
    ).toBeLessThanOrEqual(0.1);
    expect(histogramQuantile(0.5, [])).toBeNaN();

    const before = parsePromText(await reg.metrics());
    for (let i = 0; i < 10; i++) h.observe({ queue: 'a' }, 0.3);
    const after = parsePromText(await reg.metrics());
    const delta = bucketDelta(histogramBuckets(after, 'x_seconds'), histogramBuckets(before, 'x_seconds'));
    expect(delta.at(-1)).toEqual([Infinity, 10]);
    const w = queueWaitP95(
      before.map((x) => ({ ...x, name: x.name.replace('x_seconds', 'idv_queue_wait_seconds') })),
      after.map((x) => ({ ...x, name: x.name.replace('x_seconds', 'idv_queue_wait_seconds') })),
    );
    expect(w.all).toBeGreaterThan(0.1);
    expect(w.all).toBeLessThanOrEqual(0.5);
    expect(Object.keys(w.byQueue)).toEqual(['a']); // b had no new observations
  });
});

describe('load test guard', () => {
  it('accepts loopback URLs only', () => {
    for (const u of [
      'http://127.0.0.1:8080',
      'http://localhost:3000',
      'http://[::1]:8080',
      'http://127.0.0.2',
    ])
      expect(() => assertLoopback(u)).not.toThrow();
    for (const u of [
      'http://10.0.0.1:8080',
      'https://example.com',
      'http://0.0.0.0:8080',
      'ftp://127.0.0.1',
      'nonsense',
    ])
      expect(() => assertLoopback(u)).toThrow();
  });
});
