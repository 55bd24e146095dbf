// The reviewer rendition: a copy of the selfie video that every browser plays (H.264/AAC in MP4, moov first so
// playback starts from the first range request). Uploads in other codecs (iPhone HEVC .mov, AV1...) play only
// their sound, or nothing, in some browsers; the original stays the evidence and feeds the analyses.
import { execFile } from 'node:child_process';
import { FFMPEG_BIN, SAFE_INPUT_OPTIONS, fileInput } from './ffmpeg-paths.js';
import { MediaError } from './media-error.js';
import type { MediaProbe } from './probe-parse.js';

/** Codec pairs every current browser plays, per container. */
const WEB_PLAYABLE: Record<MediaProbe['container'], { video: string[]; audio: string[] }> = {
  mp4: { video: ['h264'], audio: ['aac', 'mp3'] },
  webm: { video: ['vp8', 'vp9'], audio: ['opus', 'vorbis'] },
};

/** True when browsers may fail to show this video: it then gets a rendition at ingest. */
export function needsRendition(p: Pick<MediaProbe, 'container' | 'video' | 'audio'>): boolean {
  const ok = WEB_PLAYABLE[p.container];
  if (!p.video || !ok.video.includes(p.video.codec)) return true;
  return !!p.audio && !ok.audio.includes(p.audio.codec);
}

export const RENDITION_MIME = 'video/mp4';

/** Long side of the rendition: plenty for a reviewer, small enough to encode a 30 s clip in seconds. */
const MAX_SIDE = 1280;

/**
 * Encodes `input` to an H.264/AAC MP4 at `output` (display orientation applied, even dimensions, long side at
 * most 1280 px). Rejects with a MediaError (`timeout` or `corrupt`).
 */
export function makeRendition(input: string, output: string, timeoutMs = 120_000): Promise<void> {
  const scale = `scale='if(gte(iw,ih),min(${MAX_SIDE},iw),-2)':'if(gte(iw,ih),-2,min(${MAX_SIDE},ih))',format=yuv420p`;
  const args = [
    '-hide_banner',
    '-loglevel',
    'error',
    '-nostdin',
    '-y',
    ...SAFE_INPUT_OPTIONS,
    '-i',
    fileInput(input),
    '-map',
    '0:v:0',
    '-map',
    '0:a:0?',
    '-vf',
    scale,
    '-c:v',
    'libx264',
    '-preset',
    'veryfast',
    '-crf',
    '23',
    // A keyframe every second: seeking to a digit's timing in the console lands close.
    '-g',
    '30',
    '-c:a',
    'aac',
    '-b:a',
    '96k',
    '-movflags',
    '+faststart',
    '-map_metadata',
    '-1',
    '-threads',
    '2',
    `file:${output}`,
  ];
  return new Promise((resolve, reject) => {
    execFile(FFMPEG_BIN, args, { timeout: timeoutMs, killSignal: 'SIGKILL' }, (err, _out, stderr) => {
      if (!err) return resolve();
      const killed = (err as NodeJS.ErrnoException & { killed?: boolean }).killed;
      reject(
        killed
          ? new MediaError('timeout', `ffmpeg rendition killed after ${timeoutMs} ms`)
          : new MediaError(
              'corrupt',
              `ffmpeg rendition failed: ${String(stderr).trim().split('\n').pop() ?? ''}`,
            ),
      );
    });
  });
}
