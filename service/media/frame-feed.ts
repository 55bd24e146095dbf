// Frames handed over one by one while ffmpeg still decodes the video, so that analysis overlaps decoding.
import { sampleFrames, type SampleFramesOptions } from './frames.js';
import type { VideoFrame } from './types.js';

export interface FrameFeed {
  /** Registers the one consumer; frames that arrived earlier are delivered at once, in order. */
  subscribe(onFrame: (frame: VideoFrame) => void): void;
  /** Every frame (the same objects), once decoding has finished; rejects when decoding fails. */
  readonly done: Promise<VideoFrame[]>;
}

export function isFrameFeed(x: unknown): x is FrameFeed {
  return typeof x === 'object' && x !== null && typeof (x as FrameFeed).subscribe === 'function';
}

/** sampleFrames as a feed. */
export function feedFrames(path: string, opts: Omit<SampleFramesOptions, 'onFrame'>): FrameFeed {
  const early: VideoFrame[] = [];
  let consumer: ((f: VideoFrame) => void) | undefined;
  const done = sampleFrames(path, {
    ...opts,
    onFrame: (f) => (consumer ? consumer(f) : early.push(f)),
  });
  // A failure is reported through `done`, to whoever awaits it; never as an unhandled rejection.
  done.catch(() => undefined);
  return {
    done,
    subscribe(onFrame) {
      if (consumer) throw new Error('a frame feed has one consumer');
      consumer = onFrame;
      for (const f of early.splice(0)) onFrame(f);
    },
  };
}
