// Pure "small learned scorer" of lip-sync: a ridge regression that predicts the mouth opening from the speech
// spectrum around each frame (7 bands × 5 audio lags), trained on real talking faces. A mouth that follows the
// voice correlates with its prediction; a mouth under someone else's voice does not. The band envelope alone
// (one energy curve) cannot tell a closed-mouth "m" from an open "a"; the bands can (measured: models/lipsync/README.md).
import type { BandEnvelope } from './envelope.js';
import { detrend } from './score-math.js';
import type { MouthSample } from './types.js';

export interface AvModel {
  version: 1;
  /** Audio lags (s) of the features around each frame instant. */
  lagsSec: number[];
  /** Moving average removed from features and mouth opening (s). */
  detrendSec: number;
  lambda: number;
  /** Intercept first, then band-major per lag: weights[1 + lag * bands + band]. */
  weights: number[];
  /** Clips the weights were fitted on (file names; the clips themselves are never shipped). */
  trainedOn: string[];
}

/** Bands scaled per track to 0..1 between their own floor (10th percentile) and peak (98th): level-free. */
export interface NormBands {
  hopSec: number;
  /** Time of the first frame (s). */
  t0Sec: number;
  bands: number;
  frames: number;
  v: Float32Array;
}

export function normaliseBands(b: BandEnvelope): NormBands {
  const frames = b.db.length / b.bands;
  const v = new Float32Array(b.db.length);
  for (let k = 0; k < b.bands; k++) {
    const col = Float32Array.from({ length: frames }, (_, f) => b.db[f * b.bands + k]!).sort();
    const floor = col[Math.floor(frames * 0.1)] ?? 0;
    const peak = col[Math.floor(frames * 0.98)] ?? 1;
    const span = Math.max(1, peak - floor);
    for (let f = 0; f < frames; f++)
      v[f * b.bands + k] = (Math.max(floor, b.db[f * b.bands + k]!) - floor) / span;
  }
  return { hopSec: b.hopSec, t0Sec: b.t0Sec, bands: b.bands, frames, v };
}

/** Mean of band k over ±40 ms around t (about one video frame). */
function bandAt(nb: NormBands, t: number, k: number): number {
  const a = Math.max(0, Math.floor((t - nb.t0Sec - 0.04) / nb.hopSec));
  const z = Math.min(nb.frames - 1, Math.ceil((t - nb.t0Sec + 0.04) / nb.hopSec));
  if (z < a) return 0;
  let s = 0;
  for (let i = a; i <= z; i++) s += nb.v[i * nb.bands + k]!;
  return s / (z - a + 1);
}

/** Feature rows [1, band features...] at each instant, the audio shifted by `shiftSec`. */
export function designMatrix(
  nb: NormBands,
  times: number[],
  shiftSec: number,
  m: Pick<AvModel, 'lagsSec' | 'detrendSec'>,
): number[][] {
  const cols: number[][] = [];
  for (const l of m.lagsSec)
    for (let k = 0; k < nb.bands; k++)
      cols.push(
        detrend(
          times.map((t) => bandAt(nb, t + shiftSec + l, k)),
          times,
          m.detrendSec,
        ),
      );
  return times.map((_, i) => [1, ...cols.map((c) => c[i]!)]);
}

/** Detrended mouth opening, scaled to unit RMS (so every clip weighs the same in training). */
export function mouthTarget(mouth: MouthSample[], detrendSec: number): { times: number[]; y: number[] } {
  const used = mouth.filter((s): s is { timeSec: number; opening: number } => s.opening !== null);
  const times = used.map((s) => s.timeSec);
  const y = detrend(
    used.map((s) => s.opening),
    times,
    detrendSec,
  );
  const rms = Math.sqrt(y.reduce((a, b) => a + b * b, 0) / Math.max(1, y.length)) || 1;
  return { times, y: y.map((v) => v / rms) };
}

/** Ridge regression (intercept not penalised), solved by Gaussian elimination with partial pivoting. */
export function fitRidge(X: number[][], y: number[], lambda: number): number[] {
  const d = X[0]?.length ?? 0;
  const M = Array.from({ length: d }, () => new Float64Array(d + 1));
  for (let i = 0; i < X.length; i++) {
    const x = X[i]!;
    for (let p = 0; p < d; p++) {
      M[p]![d] += x[p]! * y[i]!;
      for (let q = 0; q < d; q++) M[p]![q] += x[p]! * x[q]!;
    }
  }
  for (let p = 1; p < d; p++) M[p]![p] += lambda;
  for (let i = 0; i < d; i++) {
    let piv = i;
    for (let r = i + 1; r < d; r++) if (Math.abs(M[r]![i]!) > Math.abs(M[piv]![i]!)) piv = r;
    [M[i], M[piv]] = [M[piv]!, M[i]!];
    const pv = M[i]![i]! || 1e-12;
    for (let r = 0; r < d; r++) {
      if (r === i) continue;
      const f = M[r]![i]! / pv;
      if (f !== 0) for (let c = i; c <= d; c++) M[r]![c] -= f * M[i]![c]!;
    }
  }
  return M.map((row, i) => row[d]! / (row[i]! || 1e-12));
}

export interface TrainingTrack {
  file: string;
  /** Mouth samples inside the clip's voiced windows. */
  mouth: MouthSample[];
  bands: NormBands;
}

export function trainAvModel(
  tracks: TrainingTrack[],
  p: Pick<AvModel, 'lagsSec' | 'detrendSec' | 'lambda'> = DEFAULT_AV_PARAMS,
): AvModel {
  const X: number[][] = [];
  const y: number[] = [];
  for (const t of tracks) {
    const m = mouthTarget(t.mouth, p.detrendSec);
    if (m.times.length < 2) continue;
    X.push(...designMatrix(t.bands, m.times, 0, p));
    y.push(...m.y);
  }
  return { version: 1, ...p, weights: fitRidge(X, y, p.lambda), trainedOn: tracks.map((t) => t.file) };
}

export const DEFAULT_AV_PARAMS: Pick<AvModel, 'lagsSec' | 'detrendSec' | 'lambda'> = {
  lagsSec: [-0.16, -0.08, 0, 0.08, 0.16],
  detrendSec: 0.6,
  lambda: 10,
};

export function predict(w: number[], X: number[][]): number[] {
  return X.map((x) => x.reduce((a, v, i) => a + v * (w[i] ?? 0), 0));
}
