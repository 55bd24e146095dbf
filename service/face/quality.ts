// Pure frame-quality scoring for live faces: size, sharpness, pose and open eyes, each mapped to 0..1.
import { eyeAspectRatio, headPose, interOcular } from './geometry.js';
import type { CaptureProblem, CaptureSummary, FaceObservation } from './types.js';

export type { CaptureProblem, CaptureSummary } from './types.js';

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

/** Mean and standard deviation of the grey level inside a region (lighting of the face). */
export function regionLuminance(
  rgb: Uint8Array,
  width: number,
  height: number,
  region: { x: number; y: number; width: number; height: number },
): { mean: number; std: number } {
  // The central part of the box: skin, eyes and mouth, not the background at its corners.
  const x0 = Math.max(0, Math.floor(region.x + region.width * 0.2));
  const y0 = Math.max(0, Math.floor(region.y + region.height * 0.15));
  const x1 = Math.min(width - 1, Math.ceil(region.x + region.width * 0.8));
  const y1 = Math.min(height - 1, Math.ceil(region.y + region.height * 0.9));
  if (x1 <= x0 || y1 <= y0) return { mean: 0, std: 0 };
  const step = Math.max(1, Math.floor(Math.min(x1 - x0, y1 - y0) / 48));
  let n = 0;
  let sum = 0;
  let sum2 = 0;
  for (let y = y0; y <= y1; y += step)
    for (let x = x0; x <= x1; x += step) {
      const o = (y * width + x) * 3;
      const g = 0.299 * rgb[o]! + 0.587 * rgb[o + 1]! + 0.114 * rgb[o + 2]!;
      sum += g;
      sum2 += g * g;
      n++;
    }
  const mean = sum / n;
  return { mean, std: Math.sqrt(Math.max(0, sum2 / n - mean * mean)) };
}

/** What makes a live face unusable for a verdict; each maps to concrete advice for the applicant. */

/** Limits below/above which the live face is not good enough for an identity verdict (config FACE_MIN_*). */
export interface CaptureLimits {
  /** Median face width (px, on the analysed frame) below which the face is too small. Default 60. */
  minFacePx: number;
  /** Laplacian variance of the sharpest usable frame below which the face is blurred. Default 12. */
  minSharpness: number;
  /** Yaw or pitch (degrees) of the most frontal frame above which the face is turned. Default 30. */
  maxPoseDeg: number;
  /** Mean grey level of the face below which it is too dark. Default 35. */
  minLuminance: number;
  /** Mean grey level of the face above which it is overexposed. Default 220. */
  maxLuminance: number;
  /** Grey-level standard deviation of the face below which its features are washed out. Default 10. */
  minContrast: number;
}

export const DEFAULT_CAPTURE_LIMITS: CaptureLimits = {
  minFacePx: MIN_FACE_PX,
  minSharpness: 12,
  maxPoseDeg: 30,
  minLuminance: 35,
  maxLuminance: 220,
  minContrast: 10,
};

/** Per-frame measurements of the live face that the capture verdict reads. */
export interface FrameCapture {
  widthPx: number;
  sharpness: number;
  /** max(|yaw|, |pitch|·0.8), degrees. */
  poseDeg: number;
  luminance: number;
  contrast: number;
}

const medianOf = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? NaN : s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/**
 * Whether the video gives at least a few good views of the face. Size is judged over every frame (a far
 * applicant is far all along); sharpness, pose and light on the best frames, because one good view is enough
 * for a verdict and a blink or a turn of the head in other frames must not spoil it. Pure.
 */
export function summariseCapture(
  all: FrameCapture[],
  best: FrameCapture[],
  limits: CaptureLimits = DEFAULT_CAPTURE_LIMITS,
): CaptureSummary | null {
  if (all.length === 0 || best.length === 0) return null;
  const facePx = medianOf(all.map((f) => f.widthPx));
  const sharpness = Math.max(...best.map((f) => f.sharpness));
  const poseDeg = Math.min(...best.map((f) => f.poseDeg));
  const luminance = medianOf(best.map((f) => f.luminance));
  const contrast = medianOf(best.map((f) => f.contrast));
  const problems: CaptureProblem[] = [];
  if (facePx < limits.minFacePx) problems.push('too_small');
  if (sharpness < limits.minSharpness) problems.push('blurred');
  if (poseDeg > limits.maxPoseDeg) problems.push('turned');
  if (luminance < limits.minLuminance || (contrast < limits.minContrast && luminance < 128))
    problems.push('dark');
  else if (luminance > limits.maxLuminance || (contrast < limits.minContrast && luminance >= 128))
    problems.push('overexposed');
  return { facePx, sharpness, poseDeg, luminance, contrast, problems };
}

/** The capture measurements of one live face on its frame. */
export function frameCapture(
  face: FaceObservation,
  frame: { width: number; height: number; data: Uint8Array },
): FrameCapture {
  const p = headPose(face.landmarks);
  const lum = regionLuminance(frame.data, frame.width, frame.height, face.box);
  return {
    widthPx: face.box.width,
    sharpness: face.sharpness,
    poseDeg: Math.max(Math.abs(p.yaw), Math.abs(p.pitch) * 0.8),
    luminance: lum.mean,
    contrast: lum.std,
  };
}
