// Observations of the current sampling window, kept per queue so the ops summary can chart p50/p95
// over time (Prometheus histograms answer this too, but the console must work without Prometheus).
import { percentile } from '../cli/output.js';

export class RecentWindow {
  private values = new Map<string, number[]>();
  constructor(private readonly maxPerKey = 10_000) {}

  add(key: string, v: number): void {
    let a = this.values.get(key);
    if (!a) this.values.set(key, (a = []));
    if (a.length < this.maxPerKey) a.push(v);
  }

  /** p50/p95 per key since the last drain, then starts a new window. */
  drain(): Record<string, { n: number; p50: number; p95: number }> {
    const out: Record<string, { n: number; p50: number; p95: number }> = {};
    for (const [k, a] of this.values) {
      if (a.length === 0) continue;
      const s = [...a].sort((x, y) => x - y);
      out[k] = { n: s.length, p50: percentile(s, 50), p95: percentile(s, 95) };
    }
    this.values = new Map();
    return out;
  }
}
