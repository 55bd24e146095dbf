// Cut one MRZ text line into its N character cells. OCR-B in an MRZ is monospaced and the line length
// is fixed (30/36/44), so instead of segmenting glyphs one by one we fit a regular grid (pitch + offset)
// whose cell boundaries fall in the gaps of the column ink profile. The same code cuts the training
// lines, so the classifier learns exactly the crops it will see.
import { otsu, quantile, resampleBox, type GrayImage } from './gray.js';

/** Classifier input size (pixels). */
export const CELL_W = 20;
export const CELL_H = 32;

export interface LineGrid {
  /** x of the left edge of cell 0 (line-image pixels). */
  offset: number;
  /** Cell pitch in pixels (of cell 0). */
  pitch: number;
  /** Quadratic term of the boundary positions (pitch change per cell / 2). */
  drift: number;
  /** Text band rows [top, bottom] (inclusive). */
  top: number;
  bottom: number;
  /** n+1 cell boundaries refined per cell (x, line-image pixels). */
  bounds: number[];
  /** Mean ink (fraction of the band height) under the grid's boundaries: low = the grid fits the glyphs. */
  cost: number;
  /**
   * Set when the band splits into exactly n separate glyphs (ink column runs): their centres and a
   * typical centre spacing. Cells are then cut around the glyphs themselves, which also follows
   * printing that is not monospaced (some real MRZs space the '<' fillers wider than the letters).
   */
  glyphs?: { centres: number[]; pitch: number };
}

export interface LineCells {
  grid: LineGrid;
  /** n cells of CELL_H×CELL_W ink values (0 = background, 1 = ink), concatenated. */
  cells: Float32Array;
}

function smooth(p: Float64Array, r: number): Float64Array {
  const out = new Float64Array(p.length);
  const rr = Math.max(0, Math.round(r));
  for (let i = 0; i < p.length; i++) {
    let s = 0;
    let c = 0;
    for (let k = i - rr; k <= i + rr; k++) {
      if (k >= 0 && k < p.length) {
        s += p[k]!;
        c++;
      }
    }
    out[i] = s / c;
  }
  return out;
}

function interp(p: Float64Array, x: number): number {
  if (x <= 0) return p[0]!;
  if (x >= p.length - 1) return p[p.length - 1]!;
  const i = Math.floor(x);
  const f = x - i;
  return p[i]! * (1 - f) + p[i + 1]! * f;
}

/** Ink map 0..1 normalised by the line's own contrast (robust to glare, exposure and binarisation). */
export function inkMap(img: GrayImage): { ink: Float32Array; binary: Uint8Array } {
  const t = otsu(img.data);
  const lo = quantile(img.data, 0.02);
  // Background level: the median of pixels brighter than the threshold.
  const bright: number[] = [];
  for (let i = 0; i < img.data.length; i += 3) if (img.data[i]! > t) bright.push(img.data[i]!);
  bright.sort((a, b) => a - b);
  const hi = bright.length ? bright[Math.floor(bright.length / 2)]! : 1;
  const span = Math.max(0.05, hi - lo);
  const ink = new Float32Array(img.data.length);
  const binary = new Uint8Array(img.data.length);
  for (let i = 0; i < ink.length; i++) {
    const v = img.data[i]!;
    ink[i] = Math.min(1, Math.max(0, (hi - v) / span));
    binary[i] = v < t ? 1 : 0;
  }
  return { ink, binary };
}

/** Find the text band and the character grid of a line expected to hold `n` characters. */
export function fitGrid(img: GrayImage, n: number, binary: Uint8Array): LineGrid | null {
  const { width: w, height: h } = img;
  const rows = new Float64Array(h);
  for (let y = 0; y < h; y++) {
    let s = 0;
    for (let x = 0; x < w; x++) s += binary[y * w + x]!;
    rows[y] = s;
  }
  let maxRow = 0;
  for (let y = 0; y < h; y++) maxRow = Math.max(maxRow, rows[y]!);
  if (maxRow === 0) return null;
  // Largest run of rows carrying a fair share of the ink (tolerates a one-row gap).
  let best: [number, number, number] | null = null;
  let start = -1;
  let mass = 0;
  let gap = 0;
  for (let y = 0; y <= h; y++) {
    const on = y < h && rows[y]! > 0.12 * maxRow;
    if (on) {
      if (start < 0) {
        start = y;
        mass = 0;
      }
      mass += rows[y]!;
      gap = 0;
    } else if (start >= 0) {
      gap++;
      if (gap > 1 || y === h) {
        const end = y - gap;
        if (!best || mass > best[2]) best = [start, end, mass];
        start = -1;
        gap = 0;
      }
    }
  }
  if (!best) return null;
  const [top, bottom] = best;
  const bandH = bottom - top + 1;
  if (bandH < 6) return null;

  const cols = new Float64Array(w);
  for (let x = 0; x < w; x++) {
    let s = 0;
    for (let y = top; y <= bottom; y++) s += binary[y * w + x]!;
    cols[x] = s;
  }
  const minCol = Math.max(1, 0.1 * bandH);
  let left = -1;
  let right = -1;
  for (let x = 0; x < w; x++)
    if (cols[x]! >= minCol) {
      left = x;
      break;
    }
  for (let x = w - 1; x >= 0; x--)
    if (cols[x]! >= minCol) {
      right = x;
      break;
    }
  if (left < 0 || right - left < n) return null;
  const extent = right - left + 1;
  const sm = smooth(cols, (extent / n) * 0.12);
  // Boundary k of the global grid at offset + k·pitch + drift·k²: the drift term follows the linear
  // change of pitch along a line photographed at an angle (up to ±15 % end to end).
  let bestCost = Infinity;
  let grid: LineGrid | null = null;
  for (let di = -5; di <= 5; di++) {
    const drift = ((di / 5) * 0.075 * (extent / n)) / n;
    const span = extent - drift * n * n;
    const pMin = (span / n) * 0.98;
    const pMax = span / (n - 1);
    const pStep = Math.max(0.02, (pMax - pMin) / 30);
    for (let p = pMin; p <= pMax; p += pStep) {
      // Total slack (first glyph's left margin + last glyph's right margin) stays under ~0.7 pitch.
      if (n * p + drift * n * n > extent + 0.7 * p) continue;
      const oMin = right + 1 - n * p - drift * n * n;
      // Boundaries past the ink cost nothing, so without these bounds a grid one cell too wide (an empty
      // cell at one end, the others squeezed) can win; a glyph never sits more than ~0.6 pitch inside its cell.
      const oLo = Math.max(oMin, left - 0.6 * p);
      const oHi = Math.min(left, right + 1 + 0.6 * p - n * p - drift * n * n);
      for (let o = oLo; o <= oHi + 1e-9; o += 0.5) {
        let c = 0;
        for (let k = 0; k <= n && c < bestCost; k++) c += interp(sm, o + k * p + drift * k * k);
        if (c < bestCost) {
          bestCost = c;
          grid = { offset: o, pitch: p, drift, top, bottom, bounds: [], cost: c / ((n + 1) * bandH) };
        }
      }
    }
  }
  if (!grid) return null;
  grid.bounds = refineBounds(sm, grid, n, left, right, bandH);
  // Cut around the glyphs only where the regular grid visibly misses them (a glyph centre more than
  // 0.3 pitch off its cell's centre); otherwise keep the grid cut the classifier was trained on.
  const glyphs = glyphRuns(cols, bandH, n);
  const b = grid.bounds;
  if (glyphs && glyphs.centres.some((c, i) => Math.abs(c - (b[i]! + b[i + 1]!) / 2) > 0.3 * grid!.pitch))
    grid.glyphs = glyphs;
  return grid;
}

/** Ink column runs of the band (specks dropped); returned only when there are exactly n of them. */
function glyphRuns(cols: Float64Array, bandH: number, n: number): LineGrid['glyphs'] | null {
  const runs: { a: number; b: number; mass: number }[] = [];
  let a = -1;
  let mass = 0;
  for (let x = 0; x <= cols.length; x++) {
    const on = x < cols.length && cols[x]! > 0;
    if (on) {
      if (a < 0) {
        a = x;
        mass = 0;
      }
      mass += cols[x]!;
    } else if (a >= 0) {
      if (mass >= 0.03 * bandH * bandH) runs.push({ a, b: x - 1, mass });
      a = -1;
    }
  }
  if (runs.length !== n) return null;
  const centres = runs.map((r) => (r.a + r.b + 1) / 2);
  const d = centres
    .slice(1)
    .map((c, i) => c - centres[i]!)
    .sort((x, y) => x - y);
  // A low quantile: the letters' spacing, not the (sometimes wider) fillers'.
  const pitch = d[Math.floor(0.3 * d.length)]!;
  // A run much wider than the pitch is two touching glyphs (and then another run is a split glyph).
  if (runs.some((r) => r.b - r.a + 1 > 1.25 * pitch)) return null;
  return { centres, pitch };
}

/**
 * The band's ink column runs made exactly n glyphs: specks dropped, then the closest fragments merged
 * (broken glyphs, accents of a neighbouring line) or the widest runs split at their thinnest column
 * (touching glyphs). Null when that needs implausible merges or splits.
 */
export function glyphsToN(cols: Float64Array, bandH: number, n: number): LineGrid['glyphs'] | null {
  let runs: { a: number; b: number }[] = [];
  let a = -1;
  let mass = 0;
  for (let x = 0; x <= cols.length; x++) {
    if (x < cols.length && cols[x]! > 0) {
      if (a < 0) {
        a = x;
        mass = 0;
      }
      mass += cols[x]!;
    } else if (a >= 0) {
      if (mass >= 0.03 * bandH * bandH) runs.push({ a, b: x - 1 });
      a = -1;
    }
  }
  if (runs.length < n / 2 || runs.length > 2 * n) return null;
  const extent = runs[runs.length - 1]!.b + 1 - runs[0]!.a;
  const pitch = extent / n;
  while (runs.length > n) {
    // Merge the adjacent pair that makes the narrowest glyph.
    let best = -1;
    for (let i = 0; i + 1 < runs.length; i++)
      if (best < 0 || runs[i + 1]!.b - runs[i]!.a < runs[best + 1]!.b - runs[best]!.a) best = i;
    if (runs[best + 1]!.b - runs[best]!.a + 1 > 1.2 * pitch) return null;
    runs = [...runs.slice(0, best), { a: runs[best]!.a, b: runs[best + 1]!.b }, ...runs.slice(best + 2)];
  }
  while (runs.length < n) {
    // Split the widest run at its thinnest column (away from its ends).
    let wi = 0;
    for (let i = 1; i < runs.length; i++) if (runs[i]!.b - runs[i]!.a > runs[wi]!.b - runs[wi]!.a) wi = i;
    const r = runs[wi]!;
    const width = r.b - r.a + 1;
    if (width < 1.4 * pitch) return null;
    let cut = -1;
    for (let x = Math.ceil(r.a + 0.3 * pitch); x <= r.b - 0.3 * pitch; x++)
      if (cut < 0 || cols[x]! < cols[cut]!) cut = x;
    if (cut < 0) return null;
    runs = [...runs.slice(0, wi), { a: r.a, b: cut - 1 }, { a: cut, b: r.b }, ...runs.slice(wi + 1)];
  }
  const centres = runs.map((r) => (r.a + r.b + 1) / 2);
  const d = centres
    .slice(1)
    .map((c, i) => c - centres[i]!)
    .sort((x, y) => x - y);
  return { centres, pitch: d[Math.floor(0.3 * d.length)]! };
}

/**
 * Per-cell boundaries by dynamic programming: each boundary within ±1 pitch of the global grid, each
 * cell 0.7–1.35 pitch wide, the first/last boundary just outside the line's ink, boundaries in low-ink columns. Absorbs the pitch drift of photographed
 * lines (perspective, paper curl) that a single regular grid cannot follow.
 */
function refineBounds(
  sm: Float64Array,
  g: LineGrid,
  n: number,
  left: number,
  right: number,
  bandH: number,
): number[] {
  const step = 0.5;
  const P = g.pitch;
  const win = Math.ceil((1.0 * P) / step);
  const dMin = Math.floor((0.7 * P) / step);
  const dMax = Math.ceil((1.35 * P) / step);
  const lambda = 2 * bandH;
  const at = (x: number): number => (x < 0 || x > sm.length - 1 ? 0 : interp(sm, x));
  // Boundary k takes positions base_k + (j - win) * step, j in [0, 2*win].
  const size = 2 * win + 1;
  const base = (k: number): number => g.offset + k * P + g.drift * k * k;
  let cost = new Float64Array(size);
  const back: Int16Array[] = [];
  for (let j = 0; j < size; j++) {
    const x = base(0) + (j - win) * step;
    cost[j] = x > left + 0.1 * P || x < left - 0.7 * P ? Infinity : at(x);
  }
  for (let k = 1; k <= n; k++) {
    const next = new Float64Array(size).fill(Infinity);
    const bk = new Int16Array(size);
    for (let j = 0; j < size; j++) {
      const x = base(k) + (j - win) * step;
      if (k === n && (x < right - 0.1 * P || x > right + 0.7 * P)) continue;
      const c0 = at(x);
      for (let i = 0; i < size; i++) {
        if (!Number.isFinite(cost[i]!)) continue;
        const d = Math.round((x - (base(k - 1) + (i - win) * step)) / step);
        if (d < dMin || d > dMax) continue;
        const dev = (d * step - (base(k) - base(k - 1))) / P;
        const c = cost[i]! + c0 + lambda * dev * dev;
        if (c < next[j]!) {
          next[j] = c;
          bk[j] = i;
        }
      }
    }
    back.push(bk);
    cost = next;
  }
  let j = 0;
  for (let i = 1; i < size; i++) if (cost[i]! < cost[j]!) j = i;
  if (!Number.isFinite(cost[j]!)) return Array.from({ length: n + 1 }, (_, k) => base(k));
  const bounds = new Array<number>(n + 1);
  for (let k = n; k >= 0; k--) {
    bounds[k] = base(k) + (j - win) * step;
    if (k > 0) j = back[k - 1]![j]!;
  }
  return bounds;
}

/** Crop cell i of a fitted grid into out[off .. off+CELL_W*CELL_H). */
export function cutCell(inkImg: GrayImage, grid: LineGrid, i: number, out: Float32Array, off: number): void {
  const bandH = grid.bottom - grid.top + 1;
  const y0 = grid.top - 0.18 * bandH;
  const y1 = grid.bottom + 1 + 0.18 * bandH;
  if (grid.glyphs) {
    const h = grid.glyphs.pitch * 0.65;
    const c = grid.glyphs.centres[i]!;
    out.set(resampleBox(inkImg, c - h, y0, c + h, y1, CELL_W, CELL_H, 0), off);
    return;
  }
  const cx =
    grid.bounds.length > i + 1
      ? (grid.bounds[i]! + grid.bounds[i + 1]!) / 2
      : grid.offset + (i + 0.5) * grid.pitch;
  const halfW = (grid.pitch + grid.drift * (2 * i + 1)) * 0.65;
  const cell = resampleBox(inkImg, cx - halfW, y0, cx + halfW, y1, CELL_W, CELL_H, 0);
  out.set(cell, off);
}

function cutAll(inkImg: GrayImage, grid: LineGrid, n: number): LineCells {
  const cells = new Float32Array(n * CELL_W * CELL_H);
  for (let i = 0; i < n; i++) cutCell(inkImg, grid, i, cells, i * CELL_W * CELL_H);
  return { grid, cells };
}

/** Cut a line image into n cells; null when no text band / grid is found. */
export function lineCells(img: GrayImage, n: number): LineCells | null {
  return lineCuts(img, n)[0] ?? null;
}

/**
 * Candidate cuts of a line into n cells, the preferred one first: the fitted grid (or the glyph-centred
 * cut where the grid visibly misses the glyphs), then the other of those two, then glyphs found by
 * merging/splitting ink runs (a recogniser keeps the candidate whose reading verifies). Empty when no
 * text band / grid is found.
 */
export function lineCuts(img: GrayImage, n: number): LineCells[] {
  const { ink, binary } = inkMap(img);
  const grid = fitGrid(img, n, binary);
  if (!grid) return [];
  const inkImg: GrayImage = { width: img.width, height: img.height, data: ink };
  const out = [cutAll(inkImg, grid, n)];
  if (grid.glyphs) out.push(cutAll(inkImg, { ...grid, glyphs: undefined }, n));
  const w = img.width;
  const cols = new Float64Array(w);
  for (let x = 0; x < w; x++) {
    let s = 0;
    for (let y = grid.top; y <= grid.bottom; y++) s += binary[y * w + x]!;
    cols[x] = s;
  }
  const glyphs = glyphsToN(cols, grid.bottom - grid.top + 1, n);
  const same = (g: LineGrid['glyphs']): boolean =>
    !!g && !!glyphs && g.centres.every((c, i) => Math.abs(c - glyphs.centres[i]!) < 0.15 * glyphs.pitch);
  if (glyphs && !same(grid.glyphs)) {
    const b = grid.bounds;
    const offGrid = glyphs.centres.some((c, i) => Math.abs(c - (b[i]! + b[i + 1]!) / 2) > 0.15 * grid.pitch);
    if (offGrid) out.push(cutAll(inkImg, { ...grid, glyphs }, n));
  }
  return out;
}
