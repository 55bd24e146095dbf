// Descriptor distance -> calibrated similarity, and the match/review/mismatch decision. Pure.
//
// Meaning of the similarity (see models/face/CALIBRATION.md for the measurements behind the numbers):
//   similarity = 1 / (1 + exp((distance - D50) / WIDTH))
// It is a monotone, documented rescaling of the Euclidean distance between L2-normalised 128-d
// face-api descriptors of dlib-aligned face chips, with:
//   - similarity 0.5 at D50 = 0.45, beyond the farthest same-person pair of the development set (0.40; 0.42
//     for a mirror-averaged portrait against a single frame descriptor);
//   - default accept 0.92 (distance ≤ 0.352): stricter than the development-set FMR-0 point (0.405) because
//     different people photographed together in the face-api npm samples reach 0.358;
//   - default reject 0.25 (distance > 0.494): farther than any same-person pair observed.
// It is NOT a probability of being the same person; operators re-derive thresholds with `idv eval faces`.

/** Distance where the calibrated similarity is 0.5 (above the farthest same-person pair of the development set, 0.40). */
export const D50 = 0.45;
/** Logistic width: ±WIDTH around D50 maps to similarity 0.27..0.73. */
export const WIDTH = 0.04;

export function euclidean(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new RangeError(`descriptor length mismatch: ${a.length} vs ${b.length}`);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i]! - b[i]!) ** 2;
  return Math.sqrt(s);
}

export function l2normalize(v: ArrayLike<number>): number[] {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!;
  const n = Math.sqrt(s) || 1;
  return Array.from(v, (x) => x / n);
}

/** Mean of several descriptors, re-normalised (used for flip averaging). */
export function meanDescriptor(list: ArrayLike<number>[]): number[] {
  const out = new Array<number>(list[0]!.length).fill(0);
  for (const d of list) for (let i = 0; i < out.length; i++) out[i]! += d[i]!;
  return l2normalize(out);
}

export function similarityFromDistance(distance: number, d50 = D50, width = WIDTH): number {
  return 1 / (1 + Math.exp((distance - d50) / width));
}

/** Inverse of similarityFromDistance: the distance giving this similarity. */
export function distanceForSimilarity(similarity: number, d50 = D50, width = WIDTH): number {
  const s = Math.min(1 - 1e-12, Math.max(1e-12, similarity));
  return d50 + width * Math.log(1 / s - 1);
}

export interface DecisionThresholds {
  /** Similarity at or above which it is a match. */
  accept: number;
  /** Similarity below which it is a mismatch; between reject and accept: review. */
  reject: number;
}

export function decide(similarity: number, t: DecisionThresholds): 'match' | 'review' | 'mismatch' {
  if (similarity >= t.accept) return 'match';
  if (similarity < t.reject) return 'mismatch';
  return 'review';
}

/** Median, robust to a few bad frames. */
export function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
