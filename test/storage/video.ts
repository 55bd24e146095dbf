// A real video of a given size for storage tests: ffmpeg's test pattern, uncompressed frames in Matroska
// (1280x720 yuv420p = 1.38 MB a frame), so that the size is reached in a second of CPU.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { tempDir } from '../helpers/env.js';

export function makeVideo(mb: number): string {
  const path = join(tempDir('idv-video-'), 'video.mkv');
  const frames = Math.ceil((mb * 1e6) / (1280 * 720 * 1.5));
  execFileSync('ffmpeg', [
    '-hide_banner',
    '-loglevel',
    'error',
    '-f',
    'lavfi',
    '-i',
    'testsrc2=size=1280x720:rate=25',
    '-frames:v',
    String(frames),
    '-c:v',
    'rawvideo',
    '-pix_fmt',
    'yuv420p',
    '-y',
    path,
  ]);
  return path;
}
