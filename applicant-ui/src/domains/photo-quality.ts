// In-browser checks of a document photo before upload (pure functions over pixels): enough resolution,
// sharp enough (variance of the Laplacian on a downscaled grey image), no large glare (share of burnt-out
// pixels). Advice only: the applicant may keep the photo; the server's checks decide.

export type PhotoProblem = 'too_small' | 'blurry' | 'glare' | 'too_dark';

export interface PhotoQuality {
  width: number;
  height: number;
  /** Variance of the Laplacian of the grey image scaled to ~640 px wide (higher = sharper). */
  sharpness: number;
  /** Share of pixels at or above 250 (0..1). */
  glare: number;
  /** Mean luminance 0..255. */
  brightness: number;
  problems: PhotoProblem[];
}

/** Below these the photo is unlikely to be read (the MRZ needs ~8 px per character). */
export const MIN_LONG_SIDE = 1000;
export const MIN_SHORT_SIDE = 600;
export const MIN_SHARPNESS = 25;
export const MAX_GLARE = 0.04;
export const MIN_BRIGHTNESS = 45;

/** Grey levels (0..255) of RGBA pixels. */
export function toGrey(rgba: Uint8ClampedArray, w: number, h: number): Float32Array {
  const g = new Float32Array(w * h);
  for (let i = 0; i < w * h; i++)
    g[i] = 0.299 * rgba[4 * i]! + 0.587 * rgba[4 * i + 1]! + 0.114 * rgba[4 * i + 2]!;
  return g;
}

export function laplacianVariance(g: Float32Array, w: number, h: number): number {
  let sum = 0;
  let sum2 = 0;
  let n = 0;
  for (let y = 1; y < h - 1; y++) {
    for (let x = 1; x < w - 1; x++) {
      const i = y * w + x;
      const l = g[i - w]! + g[i + w]! + g[i - 1]! + g[i + 1]! - 4 * g[i]!;
      sum += l;
      sum2 += l * l;
      n++;
    }
  }
  if (!n) return 0;
  const mean = sum / n;
  return sum2 / n - mean * mean;
}

/**
 * Quality of a photo from its full size and a downscaled copy of its pixels (the caller draws the photo on a
 * canvas about 640 px wide).
 */
export function assessPhoto(
  full: { width: number; height: number },
  small: { data: Uint8ClampedArray; width: number; height: number },
): PhotoQuality {
  const g = toGrey(small.data, small.width, small.height);
  let bright = 0;
  let sum = 0;
  for (const v of g) {
    if (v >= 250) bright++;
    sum += v;
  }
  const q: PhotoQuality = {
    width: full.width,
    height: full.height,
    sharpness: laplacianVariance(g, small.width, small.height),
    glare: g.length ? bright / g.length : 0,
    brightness: g.length ? sum / g.length : 0,
    problems: [],
  };
  const long = Math.max(full.width, full.height);
  const short = Math.min(full.width, full.height);
  if (long < MIN_LONG_SIDE || short < MIN_SHORT_SIDE) q.problems.push('too_small');
  if (q.sharpness < MIN_SHARPNESS) q.problems.push('blurry');
  if (q.glare > MAX_GLARE) q.problems.push('glare');
  if (q.brightness < MIN_BRIGHTNESS) q.problems.push('too_dark');
  return q;
}
