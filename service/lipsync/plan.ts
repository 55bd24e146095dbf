// Pure planning of the lip-sync frame pass: which stretches of the video to sample densely.
import type { SpokenSegment } from './types.js';

export interface WindowPlan {
  /** Padded, merged, time-ordered windows [start, end] in seconds. */
  windows: Array<[number, number]>;
  /** Frame instants to sample (s), `fps` apart inside each window. */
  times: number[];
}

export interface PlanOptions {
  /** Sampling rate inside the windows (≥ 12 to follow syllables). Default 12. */
  fps: number;
  /** Margin before and after each voiced segment (s): the closed mouth around a word is evidence too. Default 0.3. */
  padSec: number;
  /** At most this many seconds are sampled (cost bound; the earliest speech first). Default 6. */
  maxSec: number;
}

export const DEFAULT_PLAN: PlanOptions = { fps: 12, padSec: 0.3, maxSec: 6 };

export function planWindows(
  segments: SpokenSegment[],
  durationSec: number,
  o: PlanOptions = DEFAULT_PLAN,
): WindowPlan {
  const padded = segments
    .filter((s) => s.endSec > s.startSec)
    .map((s): [number, number] => [
      Math.max(0, s.startSec - o.padSec),
      Math.min(durationSec, s.endSec + o.padSec),
    ])
    .filter(([a, b]) => b > a)
    .sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const w of padded) {
    const last = merged[merged.length - 1];
    if (last && w[0] <= last[1]) last[1] = Math.max(last[1], w[1]);
    else merged.push([w[0], w[1]]);
  }
  const windows: Array<[number, number]> = [];
  let budget = o.maxSec;
  for (const [a, b] of merged) {
    if (budget <= 0) break;
    const end = Math.min(b, a + budget);
    windows.push([a, end]);
    budget -= end - a;
  }
  const step = 1 / o.fps;
  const times: number[] = [];
  for (const [a, b] of windows)
    for (let t = a; t <= b + 1e-9; t += step) times.push(Math.round(t * 1000) / 1000);
  return { windows, times };
}

/** The samples whose instant lies inside one of the windows. */
export function insideWindows<T extends { timeSec: number }>(
  samples: T[],
  windows: Array<[number, number]>,
): T[] {
  return samples.filter((s) => windows.some(([a, b]) => s.timeSec >= a - 1e-3 && s.timeSec <= b + 1e-3));
}

/**
 * The stretch of audio the scorer reads for these windows: 1 s either side covers every lag and feature offset
 * (≤ 0.35 s) and gives the per-track band scaling some silence to find each band's floor in.
 */
export function bandSpan(windows: Array<[number, number]>, marginSec = 1): [number, number] | undefined {
  if (windows.length === 0) return undefined;
  return [Math.max(0, windows[0]![0] - marginSec), windows[windows.length - 1]![1] + marginSec];
}
