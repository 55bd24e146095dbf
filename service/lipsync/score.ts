// Pure scoring of lip-sync: the learned model predicts the mouth opening from the voice (av-model.ts) with the
// audio shifted by every lag within ±maxLagSec; the best correlation of prediction and actual mouth opening is
// the score. A mouth that does not move while the voice speaks scores 0.
import { designMatrix, mouthTarget, predict, type AvModel, type NormBands } from './av-model.js';
import { detrend, pearson, std } from './score-math.js';
import type { LipSyncDecision, LipSyncResult, MouthSample } from './types.js';

export { detrend, pearson } from './score-math.js';

export interface ScoreParams {
  /** Lags searched, ± seconds (recording and codec offsets, and the mouth leading the sound). Default 0.3. */
  maxLagSec: number;
  /** Lag step (s). Default 0.02. */
  lagStepSec: number;
  /** Fewer usable frames than this: inconclusive. Default 12 (one second at 12 fps). */
  minFrames: number;
  /**
   * Syllable-rate mouth movement (standard deviation of the detrended opening, inter-ocular units) below which
   * the mouth is not speaking. Default 0.012: every real speaker measured ≥ 0.018, a face that does not speak
   * (slow movements only) 0.006.
   */
  minMouthStd: number;
  /**
   * Scores below this are a mismatch. Default 0.4: on 31 real clips (leave-one-clip-out) 1 original fell
   * below it; see models/lipsync/README.md for the figures.
   */
  threshold: number;
}

export const DEFAULT_SCORE: ScoreParams = {
  maxLagSec: 0.3,
  lagStepSec: 0.02,
  minFrames: 12,
  minMouthStd: 0.012,
  threshold: 0.4,
};

export interface SyncCurve {
  /** Audio shifts (s) and the correlation of predicted and actual mouth opening at each. */
  lags: number[];
  r: number[];
}

export function syncCurve(
  mouth: MouthSample[],
  bands: NormBands,
  model: AvModel,
  p: ScoreParams = DEFAULT_SCORE,
): SyncCurve {
  const { times, y } = mouthTarget(mouth, model.detrendSec);
  const steps = Math.floor(p.maxLagSec / p.lagStepSec + 1e-9);
  const lags: number[] = [];
  const r: number[] = [];
  for (let k = -steps; k <= steps; k++) {
    const lag = k * p.lagStepSec;
    lags.push(Math.round(lag * 1000) / 1000);
    r.push(pearson(predict(model.weights, designMatrix(bands, times, lag, model)), y));
  }
  return { lags, r };
}

export function scoreLipSync(
  mouth: MouthSample[],
  bands: NormBands,
  model: AvModel,
  windowsSec: number,
  p: ScoreParams = DEFAULT_SCORE,
): LipSyncResult {
  const used = mouth.filter((m): m is { timeSec: number; opening: number } => m.opening !== null);
  const framesUsed = used.length;
  const mouthStd = std(
    detrend(
      used.map((m) => m.opening),
      used.map((m) => m.timeSec),
      model.detrendSec,
    ),
  );
  const base = { framesUsed, mouthStd: round(mouthStd, 4), windowsSec: round(windowsSec, 2) };
  if (framesUsed < p.minFrames) return { score: 0, lagSec: 0, decision: 'inconclusive', ...base };
  // The voice speaks (these are voiced windows) while the mouth stays still: someone else is talking.
  if (mouthStd < p.minMouthStd) return { score: 0, lagSec: 0, decision: 'mismatch', ...base };
  const curve = syncCurve(mouth, bands, model, p);
  let best = 0;
  for (let i = 1; i < curve.r.length; i++) if (curve.r[i]! > curve.r[best]!) best = i;
  const score = Math.max(0, curve.r[best] ?? 0);
  const decision: LipSyncDecision = score < p.threshold ? 'mismatch' : 'consistent';
  return { score: round(score, 3), lagSec: curve.lags[best] ?? 0, decision, ...base };
}

function round(x: number, d: number): number {
  const k = 10 ** d;
  return Math.round(x * k) / k;
}
