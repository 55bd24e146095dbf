// Grayscale image helpers shared by MRZ location, cell cutting and the training-data generator.
import type { RgbImage } from '../media/types.js';

/** Grayscale image, row-major, values 0 (black) .. 1 (white). */
export interface GrayImage {
  width: number;
  height: number;
  data: Float32Array;
}

export function toGray(img: RgbImage): GrayImage {
  const n = img.width * img.height;
  const out = new Float32Array(n);
  const d = img.data;
  for (let i = 0; i < n; i++)
    out[i] = (0.299 * d[3 * i]! + 0.587 * d[3 * i + 1]! + 0.114 * d[3 * i + 2]!) / 255;
  return { width: img.width, height: img.height, data: out };
}

/**
 * Grayscale for finding and reading an MRZ on a colour photo: strongly coloured pixels (chroma above
 * `CHROMA_FREE`) fade towards white. MRZs are printed in black; what crosses them in colour (a red
 * annotation ellipse, "SPECIMEN" stamps) otherwise joins their lines into blobs. Dark ink under a
 * coloured light keeps a low chroma (a warm photo's black: about 0.1) and stays ink. One pass of the
 * engine's search: on every photo it turned out worse (a coloured page whose other text it clears).
 */
const CHROMA_FREE = 0.3;
export function toInkGray(img: RgbImage): GrayImage {
  const n = img.width * img.height;
  const out = new Float32Array(n);
  const d = img.data;
  for (let i = 0; i < n; i++) {
    const r = d[3 * i]!;
    const g = d[3 * i + 1]!;
    const b = d[3 * i + 2]!;
    const y = (0.299 * r + 0.587 * g + 0.114 * b) / 255;
    const c = (Math.max(r, g, b) - Math.min(r, g, b)) / 255;
    out[i] = c > CHROMA_FREE ? y + (1 - y) * Math.min(1, (c - CHROMA_FREE) / CHROMA_FREE) : y;
  }
  return { width: img.width, height: img.height, data: out };
}

/** Bilinear sample with edge clamping. */
export function sample(img: GrayImage, x: number, y: number, pad?: number): number {
  const w = img.width;
  if (pad !== undefined && (x < -0.5 || y < -0.5 || x > img.width - 0.5 || y > img.height - 0.5)) return pad;
  const h = img.height;
  const xc = Math.min(w - 1, Math.max(0, x));
  const yc = Math.min(h - 1, Math.max(0, y));
  const x0 = Math.floor(xc);
  const y0 = Math.floor(yc);
  const x1 = Math.min(w - 1, x0 + 1);
  const y1 = Math.min(h - 1, y0 + 1);
  const fx = xc - x0;
  const fy = yc - y0;
  const d = img.data;
  const a = d[y0 * w + x0]! * (1 - fx) + d[y0 * w + x1]! * fx;
  const b = d[y1 * w + x0]! * (1 - fx) + d[y1 * w + x1]! * fx;
  return a * (1 - fy) + b * fy;
}

/**
 * Area-averaged resampling of the axis-aligned box [x0,x1)×[y0,y1) of `img` to outW×outH
 * (supersampled bilinear; averaging avoids aliasing when a large crop is shrunk).
 */
export function resampleBox(
  img: GrayImage,
  x0: number,
  y0: number,
  x1: number,
  y1: number,
  outW: number,
  outH: number,
  pad?: number,
): Float32Array {
  const out = new Float32Array(outW * outH);
  const sx = (x1 - x0) / outW;
  const sy = (y1 - y0) / outH;
  const nx = Math.max(1, Math.min(4, Math.ceil(sx)));
  const ny = Math.max(1, Math.min(4, Math.ceil(sy)));
  for (let j = 0; j < outH; j++) {
    for (let i = 0; i < outW; i++) {
      let s = 0;
      for (let b = 0; b < ny; b++) {
        const y = y0 + (j + (b + 0.5) / ny) * sy - 0.5;
        for (let a = 0; a < nx; a++) s += sample(img, x0 + (i + (a + 0.5) / nx) * sx - 0.5, y, pad);
      }
      out[j * outW + i] = s / (nx * ny);
    }
  }
  return out;
}

/** Otsu threshold of values in 0..1 (256 bins). */
export function otsu(values: Float32Array): number {
  const hist = new Float64Array(256);
  for (let i = 0; i < values.length; i++)
    hist[Math.min(255, Math.max(0, Math.round(values[i]! * 255)))]! += 1;
  const total = values.length;
  let sumAll = 0;
  for (let i = 0; i < 256; i++) sumAll += i * hist[i]!;
  let wB = 0;
  let sumB = 0;
  let best = 0;
  let bestT = 128;
  for (let t = 0; t < 256; t++) {
    wB += hist[t]!;
    if (wB === 0) continue;
    const wF = total - wB;
    if (wF === 0) break;
    sumB += t * hist[t]!;
    const mB = sumB / wB;
    const mF = (sumAll - sumB) / wF;
    const between = wB * wF * (mB - mF) * (mB - mF);
    if (between > best) {
      best = between;
      bestT = t;
    }
  }
  return (bestT + 0.5) / 255;
}

/** Value at quantile q (0..1) of a sample of the array (histogram based). */
export function quantile(values: Float32Array, q: number): number {
  const hist = new Float64Array(256);
  for (let i = 0; i < values.length; i++)
    hist[Math.min(255, Math.max(0, Math.round(values[i]! * 255)))]! += 1;
  const target = q * values.length;
  let acc = 0;
  for (let t = 0; t < 256; t++) {
    acc += hist[t]!;
    if (acc >= target) return t / 255;
  }
  return 1;
}
