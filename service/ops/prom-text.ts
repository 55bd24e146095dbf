// Reading the Prometheus text format back (load test: queue wait p95 from /metrics). Pure.

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const LINE = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)/;
const LABEL = /([a-zA-Z_]\w*)="((?:[^"\\]|\\.)*)"/g;

export function parsePromText(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = LINE.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(LABEL))
      labels[l[1]!] = l[2]!.replace(/\\(.)/g, (_s, c: string) => (c === 'n' ? '\n' : c));
    const v = m[3] === '+Inf' ? Infinity : m[3] === '-Inf' ? -Infinity : Number(m[3]);
    out.push({ name: m[1]!, labels, value: v });
  }
  return out;
}

/** Bucket counts of a histogram summed over every series matching `where` (e.g. all queues). */
export function histogramBuckets(
  samples: Sample[],
  name: string,
  where: (labels: Record<string, string>) => boolean = () => true,
): Array<[number, number]> {
  const acc = new Map<number, number>();
  for (const s of samples) {
    if (s.name !== `${name}_bucket` || !where(s.labels)) continue;
    const le = s.labels.le === '+Inf' ? Infinity : Number(s.labels.le);
    acc.set(le, (acc.get(le) ?? 0) + s.value);
  }
  return [...acc.entries()].sort((a, b) => a[0] - b[0]);
}

/**
 * The q-quantile estimated from cumulative buckets, with linear interpolation inside the bucket, as
 * Prometheus' histogram_quantile does. NaN without observations; the highest finite bound when it lands in +Inf.
 */
export function histogramQuantile(q: number, buckets: Array<[number, number]>): number {
  const total = buckets.at(-1)?.[1] ?? 0;
  if (total === 0) return NaN;
  const rank = q * total;
  let prevLe = 0;
  let prevCount = 0;
  for (const [le, count] of buckets) {
    if (count >= rank) {
      if (le === Infinity) return prevLe;
      if (count === prevCount) return le;
      return prevLe + ((le - prevLe) * (rank - prevCount)) / (count - prevCount);
    }
    prevLe = le;
    prevCount = count;
  }
  return prevLe;
}

/** Difference of two cumulative bucket lists (after − before): the observations made in between. */
export function bucketDelta(
  after: Array<[number, number]>,
  before: Array<[number, number]>,
): Array<[number, number]> {
  const b = new Map(before);
  return after.map(([le, c]) => [le, c - (b.get(le) ?? 0)]);
}
