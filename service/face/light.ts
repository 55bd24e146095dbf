// Exposure correction of video frames before detection: a dim room or a bright window behind the applicant
// leaves the face in a narrow band of grey levels where the detector misses it. A linear stretch of the
// frame's 1st–99th grey percentiles (gain capped) brings it back; well-exposed frames are left untouched.
// Pure: the input image is not modified.
import type { RgbImage } from './types.js';

export interface StretchOptions {
  /** Frames whose 1st–99th percentile span is at least this wide, or whose mean is bright enough, are kept. */
  minSpan: number;
  minMean: number;
  /** Largest gain applied (noise grows with it). */
  maxGain: number;
}

/**
 * Only truly dark frames are stretched. Stretching every frame whose mean was below 85 or whose span was
 * narrow (a dark background is common) moved the live landmarks enough to let a held-up photo pass the
 * static check and lost far faces (measured on generated cases, models/face/CALIBRATION.md).
 */
export const DEFAULT_STRETCH: StretchOptions = { minSpan: 110, minMean: 50, maxGain: 3 };

/** The stretched frame, or the same object when the frame is exposed well enough. */
export function stretchExposure(img: RgbImage, o: StretchOptions = DEFAULT_STRETCH): RgbImage {
  const lut = exposureLut(img, o);
  return lut ? applyLut(img, lut) : img;
}

/**
 * The grey-level mapping stretchExposure applies to this frame, or null when it is exposed well enough. The
 * same mapping is applied to the frame's full-resolution copy, so that both show the face alike.
 */
export function exposureLut(img: RgbImage, o: StretchOptions = DEFAULT_STRETCH): Uint8Array | null {
  const { data } = img;
  const hist = new Uint32Array(256);
  let n = 0;
  let sum = 0;
  // Every 7th pixel is plenty for a histogram of a 640 px frame.
  for (let i = 0; i < data.length; i += 21) {
    const g = (77 * data[i]! + 150 * data[i + 1]! + 29 * data[i + 2]!) >> 8;
    hist[g]!++;
    sum += g;
    n++;
  }
  if (n === 0) return null;
  const pct = (q: number): number => {
    let acc = 0;
    for (let v = 0; v < 256; v++) {
      acc += hist[v]!;
      if (acc >= q * n) return v;
    }
    return 255;
  };
  const lo = pct(0.01);
  const hi = pct(0.99);
  const mean = sum / n;
  if (hi - lo >= o.minSpan || mean >= o.minMean) return null;
  const gain = Math.min(o.maxGain, 255 / Math.max(1, hi - lo));
  // Centre the stretched range on mid-grey when the gain is capped (dark frames get brighter, not clipped).
  const offset = gain * (hi - lo) >= 255 ? -lo * gain : 128 - ((lo + hi) / 2) * gain;
  const lut = new Uint8Array(256);
  for (let v = 0; v < 256; v++) lut[v] = Math.max(0, Math.min(255, Math.round(v * gain + offset)));
  return lut;
}

/** A new image with every channel value mapped through `lut`. */
export function applyLut(img: RgbImage, lut: Uint8Array): RgbImage {
  const { data } = img;
  const out = Buffer.allocUnsafe(data.length);
  for (let i = 0; i < data.length; i++) out[i] = lut[data[i]!]!;
  return { width: img.width, height: img.height, data: out };
}

/** Mean R, G, B over the central 60 % of `box` (the skin, not the hair or background). */
function meanSkin(img: RgbImage, box: { x: number; y: number; width: number; height: number }): number[] {
  const s = [0, 0, 0];
  let n = 0;
  const x0 = Math.max(0, Math.floor(box.x + 0.2 * box.width));
  const x1 = Math.min(img.width, Math.ceil(box.x + 0.8 * box.width));
  const y0 = Math.max(0, Math.floor(box.y + 0.2 * box.height));
  const y1 = Math.min(img.height, Math.ceil(box.y + 0.8 * box.height));
  for (let y = y0; y < y1; y++)
    for (let x = x0; x < x1; x++) {
      const i = (y * img.width + x) * 3;
      s[0]! += img.data[i]!;
      s[1]! += img.data[i + 1]!;
      s[2]! += img.data[i + 2]!;
      n++;
    }
  return n ? s.map((v) => v / n) : [];
}

/**
 * The image with per-channel gains that give its face the colour balance (not the brightness) of the
 * reference face: a warm or cold light on the live face is taken out before it is described. Gains capped.
 */
export function matchColour(
  img: RgbImage,
  box: { x: number; y: number; width: number; height: number },
  ref: RgbImage,
  refBox: { x: number; y: number; width: number; height: number },
  maxGain = 1.6,
): RgbImage {
  const a = meanSkin(img, box);
  const b = meanSkin(ref, refBox);
  if (a.length !== 3 || b.length !== 3 || a.some((v) => v < 8) || b.some((v) => v < 8)) return img;
  const la = (a[0]! + a[1]! + a[2]!) / 3;
  const lb = (b[0]! + b[1]! + b[2]!) / 3;
  const gains = a.map((v, c) => Math.min(maxGain, Math.max(1 / maxGain, (b[c]! / lb) / (v / la))));
  const out = Buffer.allocUnsafe(img.data.length);
  for (let i = 0; i < img.data.length; i++) out[i] = Math.min(255, Math.round(img.data[i]! * gains[i % 3]!));
  return { width: img.width, height: img.height, data: out };
}
