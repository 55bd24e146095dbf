// probe(path): what a media file contains, checked against its own bytes.
//   1. empty / unrecognised bytes -> not_media; a recognised but refused type -> unsupported_format;
//   2. ffprobe (confined to MP4/WebM demuxers) reads the header AND every packet, so that a truncated file,
//      or a browser recording without a duration in its header, is measured rather than believed.
import { execFile } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { MediaError } from './media-error.js';
import { DEFAULT_TIMEOUT_MS } from './limits.js';
import { FFPROBE_BIN, SAFE_INPUT_OPTIONS, fileInput } from './ffmpeg-paths.js';
import { isProbeProblem, parseProbe, type FfprobeJson, type MediaProbe } from './probe-parse.js';
import { sniffFile } from './sniff.js';

export interface ProbeOptions {
  /** Kill ffprobe after this many milliseconds. Default 60 000. */
  timeoutMs?: number;
}

export async function probe(path: string, opts: ProbeOptions = {}): Promise<MediaProbe> {
  const abs = resolve(path);
  const st = await stat(abs);
  if (!st.isFile()) throw new MediaError('not_media', 'not a regular file');
  if (st.size === 0) throw new MediaError('not_media', 'empty file');

  const kind = await sniffFile(abs);
  if (!kind) throw new MediaError('not_media', 'bytes match no known media type');
  if (kind.accepted !== 'video')
    throw new MediaError('unsupported_format', `${kind.mime} is not an accepted video container`);

  const json = await runFfprobe(abs, opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const parsed = parseProbe(json, st.size);
  if (isProbeProblem(parsed)) throw new MediaError(parsed.kind, parsed.message);
  return parsed;
}

const PROBE_ARGS = [
  '-v',
  'error',
  '-of',
  'json',
  '-show_format',
  '-show_streams',
  // Every packet's time: the measured duration and the truncation check come from these (demux only, no decoding).
  '-show_entries',
  'packet=stream_index,pts_time,dts_time,duration_time',
];

function runFfprobe(abs: string, timeoutMs: number): Promise<FfprobeJson> {
  return new Promise((done, fail) => {
    execFile(
      FFPROBE_BIN,
      [...SAFE_INPUT_OPTIONS, ...PROBE_ARGS, fileInput(abs)],
      { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 64 * 1024 * 1024, windowsHide: true },
      (err, stdout, stderr) => {
        if (err) {
          const e = err as NodeJS.ErrnoException & { killed?: boolean; signal?: string };
          if (e.code === 'ENOENT') return fail(new Error(`ffprobe not found at ${FFPROBE_BIN}`));
          if (e.killed || e.signal === 'SIGKILL')
            return fail(new MediaError('timeout', `ffprobe killed after ${timeoutMs} ms`));
          return fail(new MediaError('corrupt', `ffprobe failed: ${lastLine(stderr)}`));
        }
        try {
          done(JSON.parse(stdout) as FfprobeJson);
        } catch (cause) {
          fail(new MediaError('corrupt', 'ffprobe output unreadable', undefined, { cause }));
        }
      },
    );
  });
}

/** Last stderr line without the "[demuxer @ 0x...]" prefix or the file path (never logged, may be personal). */
export function lastLine(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const line = lines[lines.length - 1] ?? 'unknown error';
  return line
    .replace(/^\[[^\]]*\]\s*/, '')
    .replace(/file:\S+/g, '<input>')
    .slice(0, 200);
}
