// extractAudio: the first audio stream as 16 kHz mono signed 16-bit PCM, read from ffmpeg's stdout.
// Sample 0 is time 0 of the container timeline (padded with silence if the audio starts late), so word times
// from the speech engine line up with frame times from sampleFrames.
import { resolve } from 'node:path';
import { MediaError } from './media-error.js';
import { DEFAULT_TIMEOUT_MS } from './limits.js';
import { runFfmpegToBuffer } from './ffmpeg-run.js';
import { probe as probeFile } from './probe.js';
import type { MediaProbe } from './probe-parse.js';
import type { PcmAudio } from './types.js';

export const SPEECH_SAMPLE_RATE = 16_000;

export interface ExtractAudioOptions {
  /** A probe of the same file, to skip a second ffprobe run. */
  probe?: MediaProbe;
  /** Keep at most this many seconds (memory guard). Default 120. */
  maxSeconds?: number;
  /** Output sample rate. Default 16 000. */
  sampleRate?: number;
  /** Kill ffmpeg after this many milliseconds. Default 60 000. */
  timeoutMs?: number;
}

export async function extractAudio(path: string, opts: ExtractAudioOptions = {}): Promise<PcmAudio> {
  const abs = resolve(path);
  const info = opts.probe ?? (await probeFile(abs, { timeoutMs: opts.timeoutMs }));
  if (!info.audio) throw new MediaError('no_audio_stream', 'the file has no audio stream');
  const rate = opts.sampleRate ?? SPEECH_SAMPLE_RATE;
  const maxSeconds = opts.maxSeconds ?? 120;

  const raw = await runFfmpegToBuffer({
    input: abs,
    inputOptions: ['-hide_banner', '-nostats', '-loglevel', 'error'],
    outputOptions: [
      '-map',
      '0:a:0',
      '-vn',
      '-sn',
      '-dn',
      '-af',
      `aresample=${rate}:async=1:first_pts=0`,
      '-ac',
      '1',
      '-ar',
      String(rate),
      '-t',
      String(maxSeconds),
      '-f',
      's16le',
      '-acodec',
      'pcm_s16le',
    ],
    timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    // Slack over the cap: resampler padding may add a few milliseconds.
    maxBytes: Math.ceil((maxSeconds + 1) * rate) * 2,
  });

  if (raw.length < 2) throw new MediaError('corrupt', 'no audio could be decoded');
  // Copy into a fresh, aligned buffer: Buffer slices from the pool may start at an odd offset.
  const samples = new Int16Array(raw.length >> 1);
  Buffer.from(samples.buffer).set(raw.subarray(0, samples.length * 2));
  return { sampleRate: rate, samples };
}
