// Is a probed file acceptable as the selfie video? Pure: the probe already holds every fact needed.
import { MediaError } from './media-error.js';
import { DEFAULT_VIDEO_LIMITS, type VideoLimits } from './limits.js';
import type { MediaProbe } from './probe-parse.js';

/** Every reason the video is refused, most fundamental first (empty when it is acceptable). */
export function selfieVideoProblems(p: MediaProbe, limits: Partial<VideoLimits> = {}): MediaError[] {
  const l: VideoLimits = { ...DEFAULT_VIDEO_LIMITS, ...limits };
  const out: MediaError[] = [];
  if (p.sizeBytes > l.maxBytes)
    out.push(
      new MediaError('too_large', `file is ${p.sizeBytes} bytes, limit ${l.maxBytes}`, {
        value: p.sizeBytes,
        limit: l.maxBytes,
      }),
    );
  if (!p.video) out.push(new MediaError('no_video_stream', 'the file has no video stream'));
  else {
    const px = p.video.width * p.video.height;
    if (px > l.maxPixels)
      out.push(
        new MediaError('too_many_pixels', `video frame is ${p.video.width}x${p.video.height}`, {
          value: px,
          limit: l.maxPixels,
        }),
      );
  }
  if (l.requireAudio && !p.audio) out.push(new MediaError('no_audio_stream', 'the file has no audio stream'));
  if (p.durationSec < l.minDurationSec)
    out.push(
      new MediaError(
        'too_short',
        `video lasts ${p.durationSec.toFixed(2)} s, minimum ${l.minDurationSec} s`,
        { value: p.durationSec, limit: l.minDurationSec },
      ),
    );
  if (p.durationSec > l.maxDurationSec)
    out.push(
      new MediaError('too_long', `video lasts ${p.durationSec.toFixed(2)} s, maximum ${l.maxDurationSec} s`, {
        value: p.durationSec,
        limit: l.maxDurationSec,
      }),
    );
  return out;
}

/** Throws the first problem as a MediaError. */
export function assertSelfieVideo(p: MediaProbe, limits: Partial<VideoLimits> = {}): void {
  const [first] = selfieVideoProblems(p, limits);
  if (first) throw first;
}
