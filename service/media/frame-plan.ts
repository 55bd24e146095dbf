// Pure planning of frame sampling: which instants, at what output size, with which ffmpeg filter.

export interface FrameSampling {
  /** Frames per second to sample (first frame at the start). */
  fps?: number;
  /** Number of frames evenly spaced over the video, each at the centre of an equal slice. */
  count?: number;
}

export interface FramePlan {
  /** First target instant (s, container timeline). */
  firstSec: number;
  /** Spacing of targets (s). */
  intervalSec: number;
  /** Maximum number of frames to deliver. */
  maxFrames: number;
}

export function planFrames(durationSec: number, s: FrameSampling, maxFrames: number): FramePlan {
  if (s.count !== undefined) {
    if (!Number.isInteger(s.count) || s.count < 1) throw new RangeError('count must be a positive integer');
    const interval = durationSec / s.count;
    return { firstSec: interval / 2, intervalSec: interval, maxFrames: Math.min(s.count, maxFrames) };
  }
  const fps = s.fps ?? 1;
  if (!(fps > 0)) throw new RangeError('fps must be positive');
  const interval = 1 / fps;
  return {
    firstSec: 0,
    intervalSec: interval,
    maxFrames: Math.min(maxFrames, Math.max(1, Math.ceil(durationSec * fps))),
  };
}

/** Downscaled size: long side at most `maxSide`, aspect kept, never upscaled. */
export function fitSize(width: number, height: number, maxSide: number): { width: number; height: number } {
  const long = Math.max(width, height);
  if (long <= maxSide) return { width, height };
  const k = maxSide / long;
  return { width: Math.max(1, Math.round(width * k)), height: Math.max(1, Math.round(height * k)) };
}

/**
 * ffmpeg `select` expression taking the first frame at or after each target instant. The next target is kept in
 * expression variable 0 (persistent across frames); after a selection it jumps past the current time, so a gap in
 * a variable-frame-rate recording never yields a burst of frames. Frames keep their own timestamps.
 */
export function selectExpression(plan: FramePlan): string {
  const t0 = fmt(plan.firstSec);
  const i = fmt(plan.intervalSec);
  // 1 ms tolerance: pts_time is rounded from an integer timebase.
  return `if(gte(t+0.001\\,${t0}+ld(0))\\,st(0\\,${i}*(floor((t+0.001-${t0})/${i})+1)))`;
}

function fmt(n: number): string {
  return n.toFixed(6);
}
