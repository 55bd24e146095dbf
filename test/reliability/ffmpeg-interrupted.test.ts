// Issue #17 item 7: an ffmpeg run that fails for a reason other than the bytes (here: killed by a signal we did
// not send, as the OOM killer does) is a retryable `interrupted` error, not a `corrupt` verdict; a damaged file is
// still `corrupt`; and the pipeline retries the former instead of failing the stage at once.
import { beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MediaError, extractAudio, sampleFrames } from '../../service/media/index.js';
import { classifyFailure } from '../../service/media/ffmpeg-run.js';
import { isPermanentMediaError } from '../../service/pipeline/engines/media.js';
import { tempDir } from '../helpers/env.js';

let video: string;
let damaged: string;

beforeAll(async () => {
  const dir = tempDir('idv-ffint-');
  video = join(dir, 'long.webm');
  // 16 s of video with sound: long enough to be killed while decoding.
  // Asynchronous: a synchronous encode would block the test worker's heartbeat.
  await promisify(execFile)('ffmpeg', [
    '-hide_banner',
    '-loglevel',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    'testsrc2=size=480x270:rate=25:duration=16',
    '-f',
    'lavfi',
    '-i',
    'sine=frequency=440:duration=16',
    '-c:v',
    'libvpx',
    '-deadline',
    'realtime',
    '-cpu-used',
    '8',
    '-b:v',
    '1M',
    '-c:a',
    'libopus',
    video,
  ]);
  damaged = join(dir, 'damaged.webm');
  const bytes = readFileSync(video);
  // Header kept, every byte after it overwritten: ffmpeg opens it and reports that nothing decodes.
  const broken = Buffer.from(bytes);
  broken.fill(0xff, 4096);
  writeFileSync(damaged, broken);
}, 300_000);

/** Pids of this process's ffmpeg children. */
function ffmpegChildren(): number[] {
  return readdirSync('/proc').flatMap((p) => {
    if (!/^\d+$/.test(p)) return [];
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      return comm === 'ffmpeg' && ppid === process.pid ? [Number(p)] : [];
    } catch {
      return [];
    }
  });
}

async function killFirstFfmpeg(): Promise<number> {
  const end = Date.now() + 20_000;
  for (;;) {
    const [pid] = ffmpegChildren();
    if (pid) {
      await new Promise((r) => setTimeout(r, 20));
      process.kill(pid, 'SIGKILL');
      return pid;
    }
    if (Date.now() > end) throw new Error('ffmpeg never started');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('ffmpeg failures', () => {
  it('a decoder killed from outside is interrupted (retryable), not corrupt', async () => {
    const run = sampleFrames(video, { count: 400, maxSide: 480 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    await killFirstFfmpeg();
    const err = await run;
    expect(err).toBeInstanceOf(MediaError);
    expect((err as MediaError).code).toBe('interrupted');
    expect((err as MediaError).retryable).toBe(true);
  }, 60_000);

  it('the same video decodes when not interrupted, and damaged bytes are a corrupt verdict', async () => {
    const audio = await extractAudio(video);
    expect(audio.samples.length).toBeGreaterThan(16_000 * 12);
    const err = await extractAudio(damaged).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(MediaError);
    expect((err as MediaError).code).toBe('corrupt');
    expect((err as MediaError).retryable).toBe(false);
  }, 60_000);

  it('the pipe error of the report ("Output stream closed") is interrupted and the stage retries it; an exit verdict fails at once', () => {
    const pipe = classifyFailure(new Error('Output stream closed'), null);
    expect(pipe.code).toBe('interrupted');
    expect(isPermanentMediaError(pipe)).toBe(false);
    const verdict = classifyFailure(
      new Error('ffmpeg exited with code 1: Invalid data found when processing input'),
      'Invalid data found when processing input',
    );
    expect(verdict.code).toBe('corrupt');
    expect(isPermanentMediaError(verdict)).toBe(true);
  });
});
