// Coarse deskew for photos whose text lies well off the image axes (a document photographed at 20–60°):
// the locator only keeps text lines within ±20° of horizontal (its dilation joins characters along x), so
// such a photo is turned by the estimated text angle before the lines are searched.
import { adaptiveInk } from './locate.js';
import { resampleBox, sample, type GrayImage } from './gray.js';

/** Long side at which the text angle is estimated (enough for MRZ-sized text of a document in frame). */
const ANGLE_LONG_SIDE = 640;

/**
 * Direction of the text lines of a photo, in degrees clockwise from the x axis, in (-90, 90], from the
 * projection profile of its ink: projected across the right direction, the ink of a page of text piles up
 * in narrow bands (its lines), and the sum of squared band counts peaks there. Coarse (2° steps, then 0.5°
 * around the best): enough to bring the lines within the locator's ±20°, which then fits each line's own axis.
 */
export function textAngle(g: GrayImage): number {
  const s = Math.min(1, ANGLE_LONG_SIDE / Math.max(g.width, g.height));
  const w = Math.max(1, Math.round(g.width * s));
  const h = Math.max(1, Math.round(g.height * s));
  const small: GrayImage =
    s === 1 ? g : { width: w, height: h, data: resampleBox(g, 0, 0, g.width, g.height, w, h) };
  const ink = adaptiveInk(small, 6, 0.06);
  const xs: number[] = [];
  const ys: number[] = [];
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      if (ink[y * w + x]) {
        xs.push(x);
        ys.push(y);
      }
  if (xs.length < 50) return 0;
  const diag = Math.ceil(Math.hypot(w, h));
  const bins = new Float64Array(2 * diag + 2);
  const score = (deg: number): number => {
    const a = (deg * Math.PI) / 180;
    // Distance across a line running along (cos a, sin a).
    const nx = -Math.sin(a);
    const ny = Math.cos(a);
    bins.fill(0);
    for (let i = 0; i < xs.length; i++) bins[Math.round(xs[i]! * nx + ys[i]! * ny) + diag]! += 1;
    let sq = 0;
    for (let i = 0; i < bins.length; i++) sq += bins[i]! * bins[i]!;
    return sq;
  };
  let best = 0;
  let bestScore = -1;
  const consider = (deg: number): void => {
    const sc = score(deg);
    if (sc > bestScore) {
      bestScore = sc;
      best = deg;
    }
  };
  for (let deg = -88; deg <= 90; deg += 2) consider(deg);
  const coarse = best;
  for (let deg = coarse - 1.5; deg <= coarse + 1.5; deg += 0.5) consider(deg);
  return best > 90 ? best - 180 : best <= -90 ? best + 180 : best;
}

/** Size of the image `g` turned so that direction `deg` becomes its x axis (the whole photo stays in frame). */
export function turnedSize(width: number, height: number, deg: number): { width: number; height: number } {
  const a = (deg * Math.PI) / 180;
  const c = Math.abs(Math.cos(a));
  const s = Math.abs(Math.sin(a));
  return { width: Math.ceil(width * c + height * s), height: Math.ceil(width * s + height * c) };
}

/**
 * A point of the turned frame (continuous pixel coordinates) on the original photo: the turned frame's x
 * axis runs along direction `deg` of the photo, centre on centre.
 */
export function turnedToSource(
  p: { x: number; y: number },
  src: { width: number; height: number },
  deg: number,
): { x: number; y: number } {
  const t = turnedSize(src.width, src.height, deg);
  const a = (deg * Math.PI) / 180;
  const c = Math.cos(a);
  const s = Math.sin(a);
  const dx = p.x - t.width / 2;
  const dy = p.y - t.height / 2;
  return { x: src.width / 2 + dx * c - dy * s, y: src.height / 2 + dx * s + dy * c };
}

/** The photo turned so that direction `deg` becomes its x axis (bilinear; outside the photo is white). */
export function turnImage(g: GrayImage, deg: number): GrayImage {
  const t = turnedSize(g.width, g.height, deg);
  const out = new Float32Array(t.width * t.height);
  for (let y = 0; y < t.height; y++)
    for (let x = 0; x < t.width; x++) {
      const p = turnedToSource({ x: x + 0.5, y: y + 0.5 }, g, deg);
      out[y * t.width + x] = sample(g, p.x - 0.5, p.y - 0.5, 1);
    }
  return { width: t.width, height: t.height, data: out };
}
