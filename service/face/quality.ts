// Pure frame-quality scoring for live faces: size, sharpness, pose and open eyes, each mapped to 0..1.
import { eyeAspectRatio, headPose, interOcular } from './geometry.js';
import type { FaceObservation } from './types.js';

export interface QualityOptions {
  /** Face box width (px) from which size no longer limits quality. Default 140. */
  fullSizePx: number;
  /** Laplacian variance from which sharpness no longer limits quality. Default 120. */
  fullSharpness: number;
  /** Yaw/pitch (degrees) at which the pose factor reaches 0. Default 45. */
  maxAngle: number;
}

export const DEFAULT_QUALITY: QualityOptions = { fullSizePx: 140, fullSharpness: 120, maxAngle: 45 };

/** Below this face width (px) a face is "too small" to be compared reliably. */
export const MIN_FACE_PX = 60;

export interface QualityBreakdown {
  size: number;
  sharpness: number;
  pose: number;
  eyes: number;
  total: number;
}

const clamp01 = (v: number): number => Math.max(0, Math.min(1, v));

export function faceQuality(face: FaceObservation, opts: QualityOptions = DEFAULT_QUALITY): QualityBreakdown {
  const size = clamp01((face.box.width - MIN_FACE_PX / 2) / (opts.fullSizePx - MIN_FACE_PX / 2));
  const sharpness = clamp01(Math.sqrt(face.sharpness / opts.fullSharpness));
  const p = headPose(face.landmarks);
  const pose = clamp01(1 - Math.max(Math.abs(p.yaw), Math.abs(p.pitch) * 0.8) / opts.maxAngle);
  // Closed eyes (EAR < 0.15) halve the quality instead of zeroing it: blink frames are still usable.
  const ear = eyeAspectRatio(face.landmarks);
  const eyes = ear >= 0.2 ? 1 : ear <= 0.12 ? 0.5 : 0.5 + ((ear - 0.12) / 0.08) * 0.5;
  const valid = interOcular(face.landmarks) > 0 ? 1 : 0;
  const total = valid * (0.15 + 0.85 * size) * (0.3 + 0.7 * sharpness) * pose * eyes;
  return { size, sharpness, pose, eyes, total };
}

/** Variance of the 4-neighbour Laplacian on the grey version of an RGB region (sharpness measure). */
export function laplacianVariance(
  rgb: Uint8Array,
  width: number,
  height: number,
  region: { x: number; y: number; width: number; height: number },
): number {
  const x0 = Math.max(1, Math.floor(region.x));
  const y0 = Math.max(1, Math.floor(region.y));
  const x1 = Math.min(width - 2, Math.ceil(region.x + region.width));
  const y1 = Math.min(height - 2, Math.ceil(region.y + region.height));
  if (x1 <= x0 || y1 <= y0) return 0;
  // Sample with a stride so large faces cost the same as small ones.
  const step = Math.max(1, Math.floor(Math.min(x1 - x0, y1 - y0) / 96));
  const grey = (x: number, y: number): number => {
    const o = (y * width + x) * 3;
    return 0.299 * rgb[o]! + 0.587 * rgb[o + 1]! + 0.114 * rgb[o + 2]!;
  };
  let n = 0;
  let sum = 0;
  let sum2 = 0;
  for (let y = y0; y <= y1; y += step) {
    for (let x = x0; x <= x1; x += step) {
      const l =
        grey(x - step < 0 ? x : x - step, y) +
        grey(Math.min(width - 1, x + step), y) +
        grey(x, y - step < 0 ? y : y - step) +
        grey(x, Math.min(height - 1, y + step)) -
        4 * grey(x, y);
      sum += l;
      sum2 += l * l;
      n++;
    }
  }
  const m = sum / n;
  return sum2 / n - m * m;
}
