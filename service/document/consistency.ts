// Same printer, same glyph: within one MRZ every occurrence of a character is printed by the same
// printer in the same way, so an uncertain cell that looks (pixel for pixel) like cells confidently read
// as 'M' elsewhere in the zone is most likely an 'M' too, whatever the classifier — trained on one font —
// makes of this printer's 'M'. This module computes that evidence and folds it into the class
// probabilities before the constrained decoding. Pure: cells and probabilities in, probabilities out.
import { MRZ_ALPHABET } from './check-digit.js';
import { CELL_H, CELL_W } from './line-cells.js';

const K = MRZ_ALPHABET.length;
const CELL = CELL_H * CELL_W;

export interface ConsistencyOptions {
  /** A cell is an exemplar when its best allowed class has at least this probability. Default 0.9. */
  exemplarProb?: number;
  /** Cells whose best allowed class is below this are re-weighed (and may be tied). Default 0.98. */
  uncertainProb?: number;
  /** Similarity (normalised cross-correlation, best of ±1 px shifts) from which two cells start counting as the same glyph. Default 0.9. */
  sameFrom?: number;
  /** Similarity at which they count fully. Default 0.95. */
  sameFull?: number;
  /** Weight of each matching exemplar: p(c) is multiplied by 1 + strength · Σ match. Default 2. */
  strength?: number;
  /** Two uncertain cells at least this alike are one glyph: the decoder gives them one character. Default 0.93. */
  tieFrom?: number;
}

/**
 * Pixel likeness of the cells of one zone: best normalised cross-correlation over ±1 px shifts, computed
 * once per pair (the decoder asks again for every layout variant it tries).
 */
export class GlyphSimilarity {
  private readonly plain = new Map<number, Float32Array>();
  private readonly shifted = new Map<number, Float32Array[]>();
  private readonly known = new Map<number, number>();

  constructor(readonly cells: Float32Array) {}

  get count(): number {
    return this.cells.length / CELL;
  }

  sim(a: number, b: number): number {
    const [lo, hi] = a < b ? [a, b] : [b, a];
    const key = lo * 65536 + hi;
    const hit = this.known.get(key);
    if (hit !== undefined) return hit;
    let v = this.plain.get(hi);
    if (!v) {
      v = normalise(this.cells.slice(hi * CELL, (hi + 1) * CELL));
      this.plain.set(hi, v);
    }
    let shifts = this.shifted.get(lo);
    if (!shifts) {
      shifts = shiftedNormalised(this.cells, lo);
      this.shifted.set(lo, shifts);
    }
    let best = -1;
    for (const s of shifts) {
      let d = 0;
      for (let k = 0; k < CELL; k++) d += s[k]! * v[k]!;
      if (d > best) best = d;
    }
    this.known.set(key, best);
    return best;
  }
}

/**
 * Pairs among the given (uncertain) cells that print the same glyph: the check-digit search must not
 * read them as two different characters (a document number '590O0OO1' whose five round glyphs are
 * identical is '59000001' or '59OOOOO1', never a mix).
 */
export function sameGlyphPairs(
  sim: GlyphSimilarity,
  indices: readonly number[],
  opts: ConsistencyOptions = {},
): [number, number][] {
  const from = opts.tieFrom ?? 0.93;
  const out: [number, number][] = [];
  for (let x = 0; x < indices.length; x++)
    for (let y = x + 1; y < indices.length; y++)
      if (sim.sim(indices[x]!, indices[y]!) >= from) out.push([indices[x]!, indices[y]!]);
  return out;
}

/** Default of `uncertainProb`: cells whose best allowed class is below it are uncertain. */
export const UNCERTAIN_PROB = 0.98;

/** Cell i's likeliest allowed character (alphabet index) and its probability among the allowed ones. */
export function bestAllowed(probs: Float32Array, i: number, allowed: string): { ch: number; p: number } {
  let s = 0;
  let top = -1;
  let topP = -1;
  for (const ch of allowed) {
    const k = MRZ_ALPHABET.indexOf(ch);
    const p = probs[i * K + k]!;
    s += p;
    if (p > topP) {
      topP = p;
      top = k;
    }
  }
  return { ch: top, p: s > 0 ? topP / s : 0 };
}

/** Zero-mean, unit-norm copies of a cell shifted by dx, dy ∈ {-1, 0, 1} (index 4 = unshifted). */
function shiftedNormalised(cells: Float32Array, i: number): Float32Array[] {
  const out: Float32Array[] = [];
  for (let dy = -1; dy <= 1; dy++)
    for (let dx = -1; dx <= 1; dx++) {
      const v = new Float32Array(CELL);
      for (let y = 0; y < CELL_H; y++) {
        const sy = y + dy;
        if (sy < 0 || sy >= CELL_H) continue;
        for (let x = 0; x < CELL_W; x++) {
          const sx = x + dx;
          if (sx >= 0 && sx < CELL_W) v[y * CELL_W + x] = cells[i * CELL + sy * CELL_W + sx]!;
        }
      }
      out.push(normalise(v));
    }
  return out;
}

function normalise(v: Float32Array): Float32Array {
  let m = 0;
  for (const x of v) m += x;
  m /= v.length;
  let n = 0;
  for (let k = 0; k < v.length; k++) {
    v[k] = v[k]! - m;
    n += v[k]! * v[k]!;
  }
  const s = n > 1e-9 ? 1 / Math.sqrt(n) : 0;
  for (let k = 0; k < v.length; k++) v[k] = v[k]! * s;
  return v;
}

/**
 * Re-weigh the class probabilities of uncertain cells by their likeness to confidently read cells of the
 * same zone (`sim`: likeness of the zone's cells). `allowed[i]` lists the characters cell i's position
 * admits (its field's class): a cell is an exemplar of its best allowed character, so a date's cell is an
 * exemplar of a digit even when the classifier hesitates with a letter. `probs` are the cells' n × 37
 * probabilities, in the same order. Returns new probabilities (rows of certain cells unchanged).
 */
export function reweighBySameGlyph(
  sim: GlyphSimilarity,
  probs: Float32Array,
  allowed: readonly string[],
  opts: ConsistencyOptions = {},
): Float32Array {
  const exemplarProb = opts.exemplarProb ?? 0.9;
  const uncertainProb = opts.uncertainProb ?? UNCERTAIN_PROB;
  const from = opts.sameFrom ?? 0.9;
  const full = opts.sameFull ?? 0.95;
  const strength = opts.strength ?? 2;
  const n = allowed.length;
  const best = allowed.map((chars, i) => bestAllowed(probs, i, chars));
  const out = probs.slice();
  // Fillers are the one glyph every MRZ repeats: they are neither re-weighed nor used as evidence.
  const filler = MRZ_ALPHABET.indexOf('<');
  const exemplars = best.map((b, i) => ({ ...b, i })).filter((b) => b.p >= exemplarProb && b.ch !== filler);
  for (let i = 0; i < n; i++) {
    if (best[i]!.p >= uncertainProb || best[i]!.ch === filler || allowed[i]!.length < 2) continue;
    const votes = new Float64Array(K);
    let any = false;
    for (const e of exemplars) {
      // An exemplar of a character this position excludes cannot change its reading.
      if (e.i === i || !allowed[i]!.includes(MRZ_ALPHABET[e.ch]!)) continue;
      const w = Math.min(1, Math.max(0, (sim.sim(i, e.i) - from) / (full - from)));
      if (w > 0) {
        votes[e.ch] = votes[e.ch]! + w;
        any = true;
      }
    }
    if (!any) continue;
    let s = 0;
    for (let k = 0; k < K; k++) {
      const v = probs[i * K + k]! * (1 + strength * votes[k]!);
      out[i * K + k] = v;
      s += v;
    }
    for (let k = 0; k < K; k++) out[i * K + k] = out[i * K + k]! / s;
  }
  return out;
}
