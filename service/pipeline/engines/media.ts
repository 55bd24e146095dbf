// Adapter to the media engine (ffmpeg probe, frames, audio, still images).
import type { PcmAudio, RgbImage } from '../../media/types.js';
import type { FrameFeed } from '../../media/frame-feed.js';
import type { MediaProbe } from '../../media/probe-parse.js';

export type { MediaProbe };
import { loadEngineModule, requireFn } from './load-engine.js';

export interface VideoInfo {
  durationSec: number;
  hasAudio: boolean;
  hasVideo: boolean;
  width: number;
  height: number;
}

type Mod = Record<string, unknown>;
const mod = () => loadEngineModule<Mod>('media', '../../media/index.js');

export function videoInfo(p: MediaProbe): VideoInfo {
  return {
    durationSec: p.durationSec,
    hasAudio: !!p.audio,
    hasVideo: !!p.video,
    width: p.video?.displayWidth ?? 0,
    height: p.video?.displayHeight ?? 0,
  };
}

/** The full probe of a video, which the frame and audio decoders can reuse (no second ffprobe). */
export async function probeVideo(path: string): Promise<MediaProbe> {
  const probe = requireFn<(p: string) => Promise<MediaProbe>>(await mod(), 'media', 'probe');
  return probe(path);
}

/** Frames delivered one by one while the video is decoded (see media/frame-feed.ts). */
export async function feedFrames(
  path: string,
  count: number,
  maxSide: number,
  probe?: MediaProbe,
): Promise<FrameFeed> {
  const f = requireFn<(p: string, o: { count: number; maxSide: number; probe?: MediaProbe }) => FrameFeed>(
    await mod(),
    'media',
    'feedFrames',
  );
  return f(path, { count, maxSide, ...(probe ? { probe } : {}) });
}

export async function extractAudio(path: string, probe?: MediaProbe): Promise<PcmAudio> {
  const f = requireFn<(p: string, o: { probe?: MediaProbe }) => Promise<PcmAudio>>(
    await mod(),
    'media',
    'extractAudio',
  );
  return f(path, probe ? { probe } : {});
}

/** `maxSide`: downscale so that the long side is at most this many pixels. */
export async function decodeImage(
  buf: Buffer,
  opts: { maxPixels?: number; maxSide?: number } = {},
): Promise<RgbImage> {
  const f = requireFn<(b: Buffer, o: { maxPixels: number; maxSide?: number }) => Promise<RgbImage>>(
    await mod(),
    'media',
    'decodeImage',
  );
  return f(buf, {
    maxPixels: opts.maxPixels ?? 50_000_000,
    ...(opts.maxSide ? { maxSide: opts.maxSide } : {}),
  });
}

/** `media` engine error code (MediaError.code) when `e` is one. */
export function mediaErrorCode(e: unknown): string | undefined {
  return e instanceof Error && e.name === 'MediaError' && typeof (e as { code?: unknown }).code === 'string'
    ? (e as unknown as { code: string }).code
    : undefined;
}
