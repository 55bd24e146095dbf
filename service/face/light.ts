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
