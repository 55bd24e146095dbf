// `idv bench media`: CPU and wall time to probe a 10 s 720p video, sample 16 frames and extract its audio,
// exactly as the pipeline does (probe once; frames and audio in parallel, each one ffmpeg over a pipe).
import { existsSync } from 'node:fs';
import { rename } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { CliContext } from '../index.js';
import { progress, printResult, percentile } from '../output.js';
import { extractAudio, probe, sampleFrames } from '../../media/index.js';
import { cpuTimes } from '../../media/cpu-time.js';
import { FFMPEG_BIN } from '../../media/ffmpeg-paths.js';

interface BenchOptions {
  file?: string;
  format: 'mp4' | 'webm';
  frames: string;
  maxSide: string;
  runs: string;
  skipBFrames?: boolean;
}

export function register({ benchCmd }: CliContext): void {
  benchCmd
    .command('media')
    .description('Time probe + 16 frames + 16 kHz audio from a 10 s 720p video (generated unless --file)')
    .option('--file <path>', 'video to use instead of the generated one')
    .option(
      '--format <mp4|webm>',
      'generated video: mp4 (H.264 + AAC, phone-like) or webm (VP8 + Opus, browser-like)',
      'mp4',
    )
    .option('--frames <n>', 'frames to sample', '16')
    .option('--max-side <px>', 'long side of the sampled frames', '640')
    .option(
      '--runs <n>',
      'extractions; the first (cold process) is reported apart, the rest as a median',
      '4',
    )
    .option('--skip-b-frames', 'decode reference frames only')
    .action(async (o: BenchOptions) => {
      const file = o.file ? resolve(o.file) : await generated(o.format);
      const count = Number(o.frames);
      const maxSide = Number(o.maxSide);
      const runs = Math.max(1, Number(o.runs));
      const results: { cpu: number; wall: number; frames: number; audioSec: number }[] = [];
      for (let r = 0; r < runs; r++) {
        const c0 = cpuTimes();
        const t0 = performance.now();
        const p = await probe(file);
        const [frames, audio] = await Promise.all([
          sampleFrames(file, { count, maxSide, probe: p, skipBFrames: o.skipBFrames }),
          extractAudio(file, { probe: p }),
        ]);
        const wall = performance.now() - t0;
        const c1 = cpuTimes();
        const cpu = c1.selfMs - c0.selfMs + (c1.childrenMs - c0.childrenMs);
        results.push({ cpu, wall, frames: frames.length, audioSec: audio.samples.length / audio.sampleRate });
        progress(
          `run ${r + 1}/${runs}${r === 0 ? ' (cold process)' : ''}: ${frames.length} frames ${frames[0]?.width}x${frames[0]?.height}, audio ${(audio.samples.length / audio.sampleRate).toFixed(2)} s, cpu ${cpu.toFixed(0)} ms, wall ${wall.toFixed(0)} ms`,
        );
      }
      const warm = results.length > 1 ? results.slice(1) : results;
      const info = await probe(file);
      printResult({
        frames: results[0]!.frames,
        cpu_ms: Math.round(
          percentile(
            warm.map((x) => x.cpu),
            50,
          ),
        ),
        wall_ms: Math.round(
          percentile(
            warm.map((x) => x.wall),
            50,
          ),
        ),
        audio_seconds: Math.round(results[0]!.audioSec * 1000) / 1000,
        cold_cpu_ms: Math.round(results[0]!.cpu),
        cold_wall_ms: Math.round(results[0]!.wall),
        runs,
        video: `${info.video?.codec} ${info.video?.displayWidth}x${info.video?.displayHeight} ${info.video?.fps} fps ${info.durationSec} s`,
        max_side: maxSide,
        skip_b_frames: !!o.skipBFrames,
      });
    });
}

/** A 10 s 1280x720 30 fps clip with a tone, cached in the temp directory between runs. */
async function generated(format: 'mp4' | 'webm'): Promise<string> {
  const out = join(tmpdir(), `idv-bench-media-720p.${format}`);
  if (existsSync(out)) return out;
  progress(`generating ${out} (10 s 720p ${format})...`);
  const codecs =
    format === 'mp4'
      ? [
          '-c:v',
          'libx264',
          '-preset',
          'veryfast',
          '-g',
          '30',
          '-pix_fmt',
          'yuv420p',
          '-c:a',
          'aac',
          '-b:a',
          '96k',
        ]
      : ['-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '2M', '-c:a', 'libopus'];
  const tmp = `${out}.part.${process.pid}.${format}`;
  await promisify(execFile)(FFMPEG_BIN, [
    '-v',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    'testsrc2=s=1280x720:r=30:d=10',
    '-f',
    'lavfi',
    '-i',
    'sine=f=440:r=48000:d=10',
    ...codecs,
    '-shortest',
    tmp,
  ]);
  await rename(tmp, out);
  return out;
}
