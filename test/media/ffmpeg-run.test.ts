// ffmpeg exiting a while after it closed its output (a loaded machine: the exit is reported late) is a finished
// decode, not an interruption. fluent-ffmpeg fails a command 20 ms after its output stream closes unless the
// process has exited by then; here an ffmpeg wrapper closes its stdout, then waits 300 ms before exiting.
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ffmpeg from 'fluent-ffmpeg';
import { afterAll, describe, expect, it } from 'vitest';
import { FFMPEG_BIN } from '../../service/media/ffmpeg-paths.js';
import { runFfmpegToBuffer } from '../../service/media/ffmpeg-run.js';
import { tempDir } from '../helpers/env.js';
import { avArgs, ff } from './generate.js';

afterAll(() => {
  ffmpeg.setFfmpegPath(FFMPEG_BIN);
});

describe('runFfmpegToBuffer', () => {
  it('returns the whole output when ffmpeg exits 300 ms after closing it', async () => {
    const dir = tempDir('idv-ffrun-');
    const video = join(dir, 'v.mp4');
    ff([
      ...avArgs({ dur: 1, audio: false, size: '64x48', rate: 10 }),
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      video,
    ]);
    const slow = join(dir, 'slow-exit-ffmpeg');
    writeFileSync(slow, `#!/bin/sh\n${FFMPEG_BIN} "$@"\nrc=$?\nexec 1>&-\nsleep 0.3\nexit $rc\n`);
    chmodSync(slow, 0o755);
    ffmpeg.setFfmpegPath(slow);
    const frameBytes = 64 * 48 * 3;
    const decode = () =>
      runFfmpegToBuffer({
        input: video,
        inputOptions: [],
        outputOptions: ['-map', '0:v:0', '-frames:v', '4', '-f', 'rawvideo', '-pix_fmt', 'rgb24'],
        timeoutMs: 20_000,
        maxBytes: frameBytes * 4,
      });
    const out = await decode();
    expect(out.length).toBe(frameBytes * 4);
    // ffmpeg's own failure still fails, after the late exit.
    writeFileSync(video, 'not a video');
    await expect(decode()).rejects.toMatchObject({ code: 'corrupt' });
  }, 60_000);
});
