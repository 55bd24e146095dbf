// Fake camera and microphone for Chromium (--use-file-for-fake-video-capture / -audio-capture): the fixture
// generator's selfie video for the challenge digits, converted by ffmpeg to Y4M and WAV. A still lead-in
// (the first frame, silence) places the spoken digits inside the recording window: Chromium starts reading
// the files when the camera opens, and the app records after a 3-2-1 countdown.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { rename } from 'node:fs/promises';
import type { FixtureCase } from '../helpers/fixtures.js';

const run = promisify(execFile);

export interface FakeMedia {
  video: string;
  audio: string;
}

/**
 * Writes the fake camera/microphone files (atomically: Chromium may open them at any time). `firstWordAt`:
 * where the first spoken digit lands, in seconds from the camera opening.
 */
export async function writeFakeMedia(
  fx: FixtureCase,
  out: FakeMedia,
  firstWordAt = 5,
  opts: { silent?: boolean } = {},
): Promise<void> {
  const words = fx.truth.video.words;
  const lead = Math.max(0, firstWordAt - (words[0]?.start ?? 1));
  const tail = 6;
  const src = fx.mp4 ?? fx.webm!;
  await run('ffmpeg', [
    '-v',
    'error',
    '-y',
    '-i',
    src,
    '-vf',
    `tpad=start_duration=${lead}:start_mode=clone:stop_duration=${tail}:stop_mode=clone,fps=15,format=yuv420p`,
    '-an',
    '-f',
    'yuv4mpegpipe',
    `${out.video}.tmp`,
  ]);
  await run('ffmpeg', [
    '-v',
    'error',
    '-y',
    '-i',
    src,
    '-af',
    `adelay=${Math.round(lead * 1000)}:all=1,apad=pad_dur=${tail}${opts.silent ? ',volume=0' : ''}`,
    '-vn',
    '-ac',
    '1',
    '-ar',
    '48000',
    '-c:a',
    'pcm_s16le',
    '-f',
    'wav',
    `${out.audio}.tmp`,
  ]);
  await rename(`${out.video}.tmp`, out.video);
  await rename(`${out.audio}.tmp`, out.audio);
}
