// Locate candidate MRZ text lines in a document photo. At half resolution: adaptive threshold (dark
// text on a lighter local background), horizontal dilation so a line of characters becomes one
// connected component, then long thin components are kept and grouped into blocks of 2-3 parallel,
// equally long, evenly spaced lines. Each line is then resampled at full resolution along its own fitted
// axis (deskew; per-line fits absorb mild perspective). Which block really is the MRZ is decided later
// by the check digits.
import { sample, type GrayImage } from './gray.js';

export interface TextLine {
  /** Centroid (full-resolution pixels). */
  cx: number;
  cy: number;
  /** Unit direction along the line, and extents along it from the centroid. */
  ux: number;
  uy: number;
  s0: number;
  s1: number;
  /** Extents across the line (perpendicular, +v = down) from the centroid. */
  t0: number;
  t1: number;
  /** Number of ink pixels (half resolution). */
  mass: number;
}

export interface LineBlock {
  lines: TextLine[];
  /** Sum of line lengths, for ordering candidates. */
  score: number;
}

function halve(img: GrayImage): GrayImage {
  const w = img.width >> 1;
  const h = img.height >> 1;
  const out = new Float32Array(w * h);
  const d = img.data;
  const W = img.width;
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const i = 2 * y * W + 2 * x;
      out[y * w + x] = (d[i]! + d[i + 1]! + d[i + W]! + d[i + W + 1]!) / 4;
    }
  return { width: w, height: h, data: out };
}

/** Dark-on-light pixels: darker than the local mean by `delta` (box window radius r). */
export function adaptiveInk(img: GrayImage, r: number, delta: number): Uint8Array {
  const { width: w, height: h, data } = img;
  const integ = new Float64Array((w + 1) * (h + 1));
  for (let y = 0; y < h; y++) {
    let row = 0;
    for (let x = 0; x < w; x++) {
      row += data[y * w + x]!;
      integ[(y + 1) * (w + 1) + x + 1] = integ[y * (w + 1) + x + 1]! + row;
    }
  }
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    const y0 = Math.max(0, y - r);
    const y1 = Math.min(h, y + r + 1);
    for (let x = 0; x < w; x++) {
      const x0 = Math.max(0, x - r);
      const x1 = Math.min(w, x + r + 1);
      const s =
        integ[y1 * (w + 1) + x1]! -
        integ[y0 * (w + 1) + x1]! -
        integ[y1 * (w + 1) + x0]! +
        integ[y0 * (w + 1) + x0]!;
      const mean = s / ((x1 - x0) * (y1 - y0));
      out[y * w + x] = data[y * w + x]! < mean - delta ? 1 : 0;
    }
  }
  return out;
}

function dilateH(mask: Uint8Array, w: number, h: number, r: number): Uint8Array {
  const out = new Uint8Array(mask.length);
  for (let y = 0; y < h; y++) {
    let last = -1e9;
    for (let x = 0; x < w; x++) {
      if (mask[y * w + x]) last = x;
      if (x - last <= r) out[y * w + x] = 1;
    }
    last = 1e9;
    for (let x = w - 1; x >= 0; x--) {
      if (mask[y * w + x]) last = x;
      if (last - x <= r) out[y * w + x] = 1;
    }
  }
  return out;
}

function label(mask: Uint8Array, w: number, h: number): { labels: Int32Array; count: number } {
  const labels = new Int32Array(w * h).fill(-1);
  const parent: number[] = [];
  const find = (a: number): number => {
    while (parent[a] !== a) {
      parent[a] = parent[parent[a]!]!;
      a = parent[a]!;
    }
    return a;
  };
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      if (!mask[i]) continue;
      const up = y > 0 && mask[i - w] ? labels[i - w]! : -1;
      const left = x > 0 && mask[i - 1] ? labels[i - 1]! : -1;
      if (up < 0 && left < 0) {
        labels[i] = parent.length;
        parent.push(parent.length);
      } else if (up >= 0 && left >= 0) {
        const a = find(up);
        const b = find(left);
        if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
        labels[i] = Math.min(a, b);
      } else labels[i] = up >= 0 ? up : left;
    }
  const remap = new Int32Array(parent.length).fill(-1);
  let count = 0;
  for (let i = 0; i < parent.length; i++) {
    const r = find(i);
    if (remap[r] === -1) remap[r] = count++;
    remap[i] = remap[r]!;
  }
  for (let i = 0; i < labels.length; i++) if (labels[i]! >= 0) labels[i] = remap[labels[i]!]!;
  return { labels, count };
}

export interface LocateOptions {
  /** Adaptive threshold contrast (0..1). Default 0.05. */
  delta?: number;
}

/** Long thin text-line components of a photo, in full-resolution coordinates. */
export function findTextLines(img: GrayImage, opts: LocateOptions = {}): TextLine[] {
  const small = halve(img);
  const { width: w, height: h } = small;
  const ink = adaptiveInk(small, 8, opts.delta ?? 0.05);
  const dil = dilateH(ink, w, h, 4);
  const { labels, count } = label(dil, w, h);
  // Moments of the undilated ink pixels of each component.
  const m = new Float64Array(count * 6); // n, sx, sy, sxx, syy, sxy
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      if (!ink[i]) continue;
      const l = labels[i]!;
      const o = l * 6;
      m[o]! += 1;
      m[o + 1]! += x;
      m[o + 2]! += y;
      m[o + 3]! += x * x;
      m[o + 4]! += y * y;
      m[o + 5]! += x * y;
    }
  // Bounding boxes of all components (half resolution): pieces of a line to chain below.
  const box = new Float64Array(count * 4).fill(NaN);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      if (!ink[i]) continue;
      const o = labels[i]! * 4;
      if (!(box[o]! <= x)) box[o] = x;
      if (!(box[o + 1]! >= x)) box[o + 1] = x;
      if (!(box[o + 2]! <= y)) box[o + 2] = y;
      if (!(box[o + 3]! >= y)) box[o + 3] = y;
    }
  const cand: { l: number; cx: number; cy: number; ux: number; uy: number }[] = [];
  for (let l = 0; l < count; l++) {
    const n = m[l * 6]!;
    if (n < 60) continue;
    const cx = m[l * 6 + 1]! / n;
    const cy = m[l * 6 + 2]! / n;
    const vxx = m[l * 6 + 3]! / n - cx * cx;
    const vyy = m[l * 6 + 4]! / n - cy * cy;
    const vxy = m[l * 6 + 5]! / n - cx * cy;
    const theta = 0.5 * Math.atan2(2 * vxy, vxx - vyy);
    const major = (vxx + vyy) / 2 + Math.sqrt(((vxx - vyy) / 2) ** 2 + vxy * vxy);
    const minor = (vxx + vyy) / 2 - Math.sqrt(((vxx - vyy) / 2) ** 2 + vxy * vxy);
    if (Math.abs(theta) > (20 * Math.PI) / 180) continue;
    // A uniform bar of length L has variance L²/12: require L ≥ 120 px (half res) and a thin shape.
    if (major < (120 * 120) / 12 || major < 40 * Math.max(minor, 0.5)) continue;
    cand.push({ l, cx, cy, ux: Math.cos(theta), uy: Math.sin(theta) });
  }
  const out: TextLine[] = [];
  const ext = new Map<number, number[]>();
  const byLabel = new Map<number, (typeof cand)[number]>();
  for (const c of cand) {
    ext.set(c.l, [Infinity, -Infinity, Infinity, -Infinity, 0]);
    byLabel.set(c.l, c);
  }
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      if (!ink[i]) continue;
      const e = ext.get(labels[i]!);
      if (!e) continue;
      const c = byLabel.get(labels[i]!)!;
      const s = (x - c.cx) * c.ux + (y - c.cy) * c.uy;
      const t = -(x - c.cx) * c.uy + (y - c.cy) * c.ux;
      e[0] = Math.min(e[0]!, s);
      e[1] = Math.max(e[1]!, s);
      e[2] = Math.min(e[2]!, t);
      e[3] = Math.max(e[3]!, t);
      e[4]! += 1;
    }
  // A line whose characters are spaced wider than the dilation bridges (e.g. large '<' fillers) falls
  // apart into pieces: chain the components that continue it along its axis, across gaps of up to
  // ~1.5 line heights. Candidates absorbed into a longer line are dropped.
  const absorbed = new Set<number>();
  const order = [...cand].sort((a, b) => m[b.l * 6]! - m[a.l * 6]!);
  for (const c of order) {
    if (absorbed.has(c.l)) continue;
    const e = ext.get(c.l)!;
    const hgt = Math.max(2, e[3]! - e[2]!);
    const gap = 1.5 * hgt;
    for (let grew = true; grew;) {
      grew = false;
      for (let k = 0; k < count; k++) {
        if (k === c.l || absorbed.has(k) || Number.isNaN(box[k * 4]!)) continue;
        const n = m[k * 6]!;
        if (n < 4) continue;
        const kx = m[k * 6 + 1]! / n;
        const ky = m[k * 6 + 2]! / n;
        const t = -(kx - c.cx) * c.uy + (ky - c.cy) * c.ux;
        if (t < e[2]! || t > e[3]!) continue;
        const bh = box[k * 4 + 3]! - box[k * 4 + 2]!;
        if (bh > 1.5 * hgt) continue;
        let sMin = Infinity;
        let sMax = -Infinity;
        for (const bx of [box[k * 4]!, box[k * 4 + 1]!])
          for (const by of [box[k * 4 + 2]!, box[k * 4 + 3]!]) {
            const sv = (bx - c.cx) * c.ux + (by - c.cy) * c.uy;
            sMin = Math.min(sMin, sv);
            sMax = Math.max(sMax, sv);
          }
        const right = sMin > e[1]! - 1 && sMin - e[1]! <= gap;
        const left = sMax < e[0]! + 1 && e[0]! - sMax <= gap;
        if (!right && !left) continue;
        if (right) e[1] = Math.max(e[1]!, sMax);
        if (left) e[0] = Math.min(e[0]!, sMin);
        e[4]! += n;
        absorbed.add(k);
        grew = true;
      }
    }
  }
  for (const c of cand) {
    if (absorbed.has(c.l)) continue;
    const e = ext.get(c.l)!;
    out.push({
      cx: 2 * c.cx + 0.5,
      cy: 2 * c.cy + 0.5,
      ux: c.ux,
      uy: c.uy,
      s0: 2 * e[0]! - 1,
      s1: 2 * e[1]! + 1,
      t0: 2 * e[2]! - 1,
      t1: 2 * e[3]! + 1,
      mass: e[4]!,
    });
  }
  return out;
}

const len = (l: TextLine): number => l.s1 - l.s0;
const thick = (l: TextLine): number => l.t1 - l.t0;

/** Blocks of 2 or 3 parallel, similar, evenly stacked lines, best (longest) first. */
export function groupBlocks(lines: TextLine[], maxBlocks = 8): LineBlock[] {
  const blocks: LineBlock[] = [];
  const sorted = [...lines].sort((a, b) => a.cy - b.cy);
  const compatible = (a: TextLine, b: TextLine): boolean => {
    const dAng = Math.abs(Math.atan2(a.uy, a.ux) - Math.atan2(b.uy, b.ux));
    if (dAng > 0.08) return false;
    // A line partly washed out by glare is found shorter: tolerate down to half the length.
    if (Math.min(len(a), len(b)) < 0.5 * Math.max(len(a), len(b))) return false;
    // The lines of an MRZ are printed at one height; a band several times taller (the portrait, a
    // block of other text found as one "line") is not one of them.
    if (Math.min(thick(a), thick(b)) < 0.5 * Math.max(thick(a), thick(b))) return false;
    // Perpendicular distance between centroids, in line heights.
    const dist = -(b.cx - a.cx) * a.uy + (b.cy - a.cy) * a.ux;
    const hgt = Math.max(thick(a), thick(b));
    if (dist < 1.0 * hgt || dist > 4 * hgt) return false;
    // Overlap along the line.
    const along = (b.cx - a.cx) * a.ux + (b.cy - a.cy) * a.uy;
    return Math.abs(along) < 0.5 * Math.max(len(a), len(b));
  };
  for (let i = 0; i < sorted.length; i++)
    for (let j = i + 1; j < sorted.length; j++) {
      const a = sorted[i]!;
      const b = sorted[j]!;
      if (!compatible(a, b)) continue;
      blocks.push({ lines: [a, b], score: len(a) + len(b) });
      for (let k = j + 1; k < sorted.length; k++) {
        const c = sorted[k]!;
        if (compatible(b, c)) blocks.push({ lines: [a, b, c], score: len(a) + len(b) + len(c) });
      }
    }
  blocks.sort((x, y) => y.score - x.score);
  return blocks.slice(0, maxBlocks);
}

/**
 * Extend every line of a block to the extent of its longest line (MRZ lines all have the same length;
 * a shorter one was partly missed, e.g. under glare). Lines are only extended, never shortened.
 */
export function alignBlock(lines: TextLine[]): TextLine[] {
  const ref = lines.reduce((a, b) => (len(b) > len(a) ? b : a));
  return lines.map((l) => {
    const proj = (s: number): number =>
      (ref.cx + s * ref.ux - l.cx) * l.ux + (ref.cy + s * ref.uy - l.cy) * l.uy;
    return { ...l, s0: Math.min(l.s0, proj(ref.s0)), s1: Math.max(l.s1, proj(ref.s1)) };
  });
}

/** How extractLine samples a line: strip size, upscale and the line-frame window it covers. */
export interface StripGeometry {
  width: number;
  height: number;
  /** Strip pixels per image pixel. */
  scale: number;
  s0: number;
  t0: number;
  flip: boolean;
}

export function stripGeometry(
  l: TextLine,
  opts: { flip?: boolean; heightFactor?: number; padX?: number } = {},
): StripGeometry {
  const hgt = Math.max(4, thick(l));
  const padX = (opts.padX ?? 0.35) * hgt;
  const s0 = l.s0 - padX;
  const s1 = l.s1 + padX;
  const tMid = (l.t0 + l.t1) / 2;
  const halfH = (hgt * (opts.heightFactor ?? 1.5)) / 2;
  // Upsample small text so each character cell has enough pixels (about 24 px line height).
  const scale = Math.max(1, 24 / hgt);
  return {
    width: Math.max(8, Math.round((s1 - s0) * scale)),
    height: Math.max(8, Math.round(2 * halfH * scale)),
    scale,
    s0,
    t0: tMid - halfH,
    flip: !!opts.flip,
  };
}

/** Image coordinates of a point of a line's strip (strip pixel coordinates, pixel centres at i + 0.5). */
export function stripToImage(l: TextLine, g: StripGeometry, x: number, y: number): { x: number; y: number } {
  const i = g.flip ? g.width - x : x;
  const j = g.flip ? g.height - y : y;
  const s = g.s0 + i / g.scale;
  const t = g.t0 + j / g.scale;
  return { x: l.cx + s * l.ux - t * l.uy, y: l.cy + s * l.uy + t * l.ux };
}

/**
 * Resample one text line into an upright strip. The strip spans the line's ink extent plus `padX`
 * line heights, and `heightFactor` line heights vertically; optionally rotated 180°.
 */
export function extractLine(
  img: GrayImage,
  l: TextLine,
  opts: { flip?: boolean; heightFactor?: number; padX?: number } = {},
): GrayImage {
  const { width: w, height: h, scale, s0, t0 } = stripGeometry(l, opts);
  const out = new Float32Array(w * h);
  for (let j = 0; j < h; j++) {
    const t = t0 + (j + 0.5) / scale;
    for (let i = 0; i < w; i++) {
      const s = s0 + (i + 0.5) / scale;
      const x = l.cx + s * l.ux - t * l.uy;
      const y = l.cy + s * l.uy + t * l.ux;
      const v = sample(img, x - 0.5, y - 0.5);
      if (opts.flip) out[(h - 1 - j) * w + (w - 1 - i)] = v;
      else out[j * w + i] = v;
    }
  }
  return { width: w, height: h, data: out };
}
