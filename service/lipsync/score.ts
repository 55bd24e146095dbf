// Pure scoring of lip-sync: the learned model predicts the mouth opening from the voice (av-model.ts) with the
// audio shifted by every lag from minLagSec to maxLagSec; the best correlation of prediction and actual mouth
// opening, discounted when few frames were scored (chance correlations are larger on short stretches), is the
// score. A mouth that does not move while the voice speaks scores 0.
import { designMatrix, mouthTarget, predict, type AvModel, type NormBands } from './av-model.js';
import { detrend, pearson, std } from './score-math.js';
import type { LipSyncDecision, LipSyncResult, MouthSample } from './types.js';

export { detrend, pearson } from './score-math.js';

export interface ScoreParams {
  /**
   * Lags searched (s; positive: the sound comes after the mouth), -0.1 … +0.14 by default. Every real clip
   * peaked within -0.12 … +0.14 s; speech is rhythmic (~0.5 s syllables), so another voice finds some lag
   * where it correlates by chance, and every extra lag searched is one more chance: ±0.3 s let 18 % of
   * audio-swapped clips through, this span 10–11 % (models/lipsync/README.md).
   */
  minLagSec: number;
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
   * Frames at which the best correlation counts at face value (6 s at 12 fps). Another voice's best chance
   * correlation spreads wider the fewer frames there are: the score is tanh(atanh(r) · (n / refFrames)^lengthExponent).
   */
  refFrames: number;
  /**
   * Default 0.25 (measured on the real clips: 0 flagged 18 % more swaps than 0.25 at the same false alarms; 0.5,
   * the independent-sample rate, over-penalised the shortest real clips, whose frames are strongly correlated).
   */
  lengthExponent: number;
  /**
   * Scores below this are a mismatch. Default 0.38: 1 of 33 real clips fell below it (person-wise
   * cross-validated); see models/lipsync/README.md for the figures.
   */
  threshold: number;
}

export const DEFAULT_SCORE: ScoreParams = {
  minLagSec: -0.1,
  maxLagSec: 0.14,
  lagStepSec: 0.02,
  minFrames: 12,
  minMouthStd: 0.012,
  refFrames: 72,
  lengthExponent: 0.25,
  threshold: 0.38,
};

/** The best correlation `r` over `n` frames as a score on the scale of a 6-s correlation (see ScoreParams). */
export function lengthAdjusted(
  r: number,
  n: number,
  p: Pick<ScoreParams, 'refFrames' | 'lengthExponent'>,
): number {
  if (r <= 0 || n <= 0) return 0;
  return Math.tanh(Math.atanh(Math.min(r, 0.999)) * (n / p.refFrames) ** p.lengthExponent);
}

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
  const lags: number[] = [];
  const r: number[] = [];
  const from = Math.ceil(p.minLagSec / p.lagStepSec - 1e-9);
  const to = Math.floor(p.maxLagSec / p.lagStepSec + 1e-9);
  for (let k = from; k <= to; k++) {
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
  const score = lengthAdjusted(curve.r[best] ?? 0, framesUsed, p);
  const decision: LipSyncDecision = score < p.threshold ? 'mismatch' : 'consistent';
  return { score: round(score, 3), lagSec: curve.lags[best] ?? 0, decision, ...base };
}

function round(x: number, d: number): number {
  const k = 10 ** d;
  return Math.round(x * k) / k;
}
