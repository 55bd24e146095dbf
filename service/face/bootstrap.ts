// Bootstrap confidence intervals for FNMR at a fixed FMR, resampling PEOPLE (not pairs): pairs of one person
// are not independent (one bad photo spoils all its pairs), so resampling pairs gives intervals that are far
// too narrow. Each replicate draws as many people as there are, with replacement; a person drawn k times
// weighs k in its genuine pairs and k·l in its impostor pairs with a person drawn l times. Pure.
import { mulberry32 } from '../shared/mulberry32.js';

export interface PersonPair {
  distance: number;
  genuine: boolean;
  /** Person of each image (e.g. the folder name). */
  a: string;
  b: string;
}

export interface Interval {
  /** Point estimate on the whole set. */
  value: number;
  /** 2.5th and 97.5th percentiles of the replicates. */
  low: number;
  high: number;
}

/**
 * FNMR at the loosest threshold whose weighted FMR stays ≤ target (the same rule as roc.ts fnmrAtFmr, with
 * weights). Impostors must be sorted by distance.
 */
export function weightedFnmrAtFmr(
  genuine: { distance: number; w: number }[],
  impostorsSorted: { distance: number; w: number }[],
  target: number,
): number {
  const totalI = impostorsSorted.reduce((s, p) => s + p.w, 0);
  const totalG = genuine.reduce((s, p) => s + p.w, 0);
  if (totalG === 0 || totalI === 0) return NaN;
  // The first impostor distance whose inclusion pushes the weighted FMR over the target: every genuine pair at
  // or beyond it is rejected at the loosest allowed threshold (ties with it included).
  let breakAt = Infinity;
  let accepted = 0;
  for (let k = 0; k < impostorsSorted.length;) {
    const d = impostorsSorted[k]!.distance;
    let w = 0;
    while (k < impostorsSorted.length && impostorsSorted[k]!.distance === d) w += impostorsSorted[k++]!.w;
    if ((accepted + w) / totalI > target) {
      breakAt = d;
      break;
    }
    accepted += w;
  }
  let rejectedG = 0;
  for (const g of genuine) if (g.distance >= breakAt) rejectedG += g.w;
  return rejectedG / totalG;
}

export function bootstrapFnmr(
  pairs: PersonPair[],
  targets: number[],
  opts: { replicates?: number; seed?: number } = {},
): Record<string, Interval> {
  const B = opts.replicates ?? 1000;
  const rand = mulberry32(opts.seed ?? 1);
  const people = [...new Set(pairs.flatMap((p) => [p.a, p.b]))].sort();
  const id = new Map(people.map((p, i) => [p, i]));
  const gen = pairs.filter((p) => p.genuine).map((p) => ({ distance: p.distance, i: id.get(p.a)! }));
  const imp = pairs
    .filter((p) => !p.genuine)
    .map((p) => ({ distance: p.distance, i: id.get(p.a)!, j: id.get(p.b)! }))
    .sort((x, y) => x.distance - y.distance);
  const point = (w: number[]): number[] => {
    const g = gen.map((p) => ({ distance: p.distance, w: w[p.i]! }));
    const s = imp.map((p) => ({ distance: p.distance, w: w[p.i]! * w[p.j]! }));
    return targets.map((t) => weightedFnmrAtFmr(g, s, t));
  };
  const full = point(people.map(() => 1));
  const reps: number[][] = targets.map(() => []);
  for (let b = 0; b < B; b++) {
    const w = new Array<number>(people.length).fill(0);
    for (let k = 0; k < people.length; k++) w[Math.floor(rand() * people.length)]!++;
    point(w).forEach((v, t) => {
      if (Number.isFinite(v)) reps[t]!.push(v);
    });
  }
  const pct = (xs: number[], q: number): number => {
    const s = [...xs].sort((x, y) => x - y);
    return s.length ? s[Math.min(s.length - 1, Math.max(0, Math.round(q * (s.length - 1))))]! : NaN;
  };
  return Object.fromEntries(
    targets.map((t, k) => [
      String(t),
      { value: full[k]!, low: pct(reps[k]!, 0.025), high: pct(reps[k]!, 0.975) },
    ]),
  );
}
