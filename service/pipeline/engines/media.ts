// Adapter to the media engine (ffmpeg probe, frames, audio, still images): the few calls the stages make,
// with the engine's own types, and the classification of its errors.
import { decodeImage as decode, isMediaError, type MediaErrorCode } from '../../media/index.js';
import type { MediaProbe } from '../../media/probe-parse.js';
import type { RgbImage } from '../../media/types.js';
import type { VideoInfo } from '../../contracts/stage-results.js';

export {
  probe as probeVideo,
  feedFrames,
  extractAudio,
  makeRendition,
  needsRendition,
  RENDITION_MIME,
} from '../../media/index.js';
export type { MediaProbe, VideoInfo };

export function videoInfo(p: MediaProbe): VideoInfo {
  return {
    durationSec: p.durationSec,
    hasAudio: !!p.audio,
    hasVideo: !!p.video,
    width: p.video?.displayWidth ?? 0,
    height: p.video?.displayHeight ?? 0,
  };
}

/** `maxSide`: downscale so that the long side is at most this many pixels. */
export function decodeImage(
  buf: Buffer,
  opts: { maxPixels?: number; maxSide?: number } = {},
): Promise<RgbImage> {
  return decode(buf, {
    maxPixels: opts.maxPixels ?? 50_000_000,
    ...(opts.maxSide ? { maxSide: opts.maxSide } : {}),
  });
}

/** `media` engine error code (MediaError.code) when `e` is one. */
export function mediaErrorCode(e: unknown): MediaErrorCode | undefined {
  return isMediaError(e) ? e.code : undefined;
}

/** Media errors that no retry will fix: the stage fails at once (then review with PROCESSING_FAILED). */
const PERMANENT_MEDIA: ReadonlySet<MediaErrorCode> = new Set<MediaErrorCode>([
  'not_media',
  'corrupt',
  'no_video_stream',
  'too_short',
  'too_long',
  'too_large',
  'too_many_pixels',
  'unsupported_format',
]);

export function isPermanentMediaError(e: unknown): boolean {
  const code = mediaErrorCode(e);
  return code !== undefined && PERMANENT_MEDIA.has(code);
}
