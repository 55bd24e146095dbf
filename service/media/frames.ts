// sampleFrames: decoded video frames at chosen instants, rotated as displayed, downscaled, as raw RGB24 read
// from ffmpeg's stdout (no temporary images). One ffmpeg run decodes the video once; a `select` filter keeps
// the first frame at or after each target instant, so each frame carries its true presentation time.
import { resolve } from 'node:path';
import { MediaError } from './media-error.js';
import { DEFAULT_TIMEOUT_MS } from './limits.js';
import { fitSize, planFrames, selectExpression, type FrameSampling } from './frame-plan.js';
import { runFfmpegToBuffer } from './ffmpeg-run.js';
import { FIRST_VIDEO_ONLY, SHOWINFO_LOGGING, showinfoTime } from './ffmpeg-paths.js';
import { probe as probeFile } from './probe.js';
import type { MediaProbe } from './probe-parse.js';
import type { VideoFrame } from './types.js';

export interface SampleFramesOptions extends FrameSampling {
  /** Longest side of the delivered frames in pixels (smaller videos are not upscaled). */
  maxSide: number;
  /** Upper bound on the number of frames (memory guard in `fps` mode). Default 300. */
  maxFrames?: number;
  /** A probe of the same file, to skip a second ffprobe run. */
  probe?: MediaProbe;
  /**
   * Decode only reference frames (skip B-frames): about half the CPU on H.264 with B-frames, at the cost of
   * frames up to a few frame intervals after each target (timestamps stay exact). Default false.
   */
  skipBFrames?: boolean;
  /** Kill ffmpeg after this many milliseconds. Default 60 000. */
  timeoutMs?: number;
  /**
   * Called with each frame as soon as ffmpeg has written it, so that analysis can start while the rest of the
   * video is still being decoded. The frames returned at the end are the same objects.
   */
  onFrame?: (frame: VideoFrame) => void;
  /**
   * Also deliver each frame at up to this longest side (`frame.full`), from the same decode. The `maxSide`
   * frame stays bit-identical to a decode without it (the full frame is a second branch of the filter graph),
   * so detection and the static-motion figures calibrated on it do not move. No effect when the video is not
   * larger than `maxSide`. Default: none.
   */
  fullMaxSide?: number;
}

export async function sampleFrames(path: string, opts: SampleFramesOptions): Promise<VideoFrame[]> {
  const abs = resolve(path);
  const info = opts.probe ?? (await probeFile(abs, { timeoutMs: opts.timeoutMs }));
  if (!info.video) throw new MediaError('no_video_stream', 'the file has no video stream');
  if (!(opts.maxSide >= 1)) throw new RangeError('maxSide must be at least 1');

  const plan = planFrames(info.durationSec, opts, opts.maxFrames ?? 300);
  const { width, height } = fitSize(
    info.video.displayWidth,
    info.video.displayHeight,
    Math.floor(opts.maxSide),
  );
  const fullSize = opts.fullMaxSide
    ? fitSize(info.video.displayWidth, info.video.displayHeight, Math.floor(opts.fullMaxSide))
    : null;
  // A full frame only when it has more pixels than the analysed one.
  const full = fullSize && fullSize.width > width ? fullSize : null;
  const smallBytes = width * height * 3;
  // With a full frame, ffmpeg writes one picture per frame: the full frame on top, the analysed frame below it
  // (padded to the full width).
  const frameBytes = full ? full.width * (full.height + height) * 3 : smallBytes;

  const times: number[] = [];
  // showinfo lines and frames correspond one to one; the planned instant is a fallback should a line be lost
  // (or, when streaming, not have arrived yet: stderr and stdout are separate pipes).
  const frameAt = (buf: Buffer, i: number, offset: number): VideoFrame => {
    const t = times[i] ?? plan.firstSec + i * plan.intervalSec;
    const timeSec = Math.max(0, Math.round(t * 1000) / 1000);
    if (!full) return { index: i, timeSec, width, height, data: buf.subarray(offset, offset + frameBytes) };
    const fullBytes = full.width * full.height * 3;
    const data = Buffer.allocUnsafe(smallBytes);
    const rowFrom = offset + fullBytes;
    for (let y = 0; y < height; y++) {
      const from = rowFrom + y * full.width * 3;
      data.set(buf.subarray(from, from + width * 3), y * width * 3);
    }
    return {
      index: i,
      timeSec,
      width,
      height,
      data,
      full: { ...full, data: buf.subarray(offset, offset + fullBytes) },
    };
  };
  // showinfo logs each selected frame's own timestamp; scaling happens after selection (16 frames, not 300).
  const scaleSmall = `scale=${width}:${height}:flags=area`;
  const filter = full
    ? `select=${selectExpression(plan)},showinfo,split[a][b];` +
      `[a]scale=${full.width}:${full.height}:flags=area,format=rgb24[f];` +
      `[b]${scaleSmall},format=rgb24,pad=${full.width}:${height}:0:0[s];[f][s]vstack`
    : `select=${selectExpression(plan)},showinfo,${scaleSmall}`;
  const streamed: VideoFrame[] = [];
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const onData = opts.onFrame
    ? (chunk: Buffer) => {
        pending.push(chunk);
        pendingBytes += chunk.length;
        if (pendingBytes < frameBytes) return;
        const buf = Buffer.concat(pending, pendingBytes);
        let off = 0;
        for (; off + frameBytes <= buf.length && streamed.length < plan.maxFrames; off += frameBytes) {
          const f = frameAt(buf, streamed.length, off);
          streamed.push(f);
          opts.onFrame!(f);
        }
        pending = off < buf.length ? [buf.subarray(off)] : [];
        pendingBytes = buf.length - off;
      }
    : undefined;
  const raw = await runFfmpegToBuffer({
    input: abs,
    inputOptions: [
      ...SHOWINFO_LOGGING,
      ...(opts.skipBFrames ? ['-skip_frame', 'bidir'] : []),
      // ffmpeg applies the display-matrix rotation itself (autorotate is on by default); stated for clarity.
      '-autorotate',
      '1',
    ],
    outputOptions: [
      ...FIRST_VIDEO_ONLY,
      '-vf',
      filter,
      // Keep selected frames as they are: no duplication to a constant rate.
      '-fps_mode',
      'passthrough',
      '-frames:v',
      String(plan.maxFrames),
      '-f',
      'rawvideo',
      '-pix_fmt',
      'rgb24',
    ],
    timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    maxBytes: frameBytes * plan.maxFrames,
    ...(onData ? { onData } : {}),
    onStderr: (line) => {
      const t = showinfoTime(line);
      if (t !== null) times.push(t);
    },
  });

  if (raw.length === 0) throw new MediaError('corrupt', 'no frame could be decoded');
  if (raw.length % frameBytes !== 0) throw new MediaError('corrupt', 'incomplete frame in decoder output');
  if (opts.onFrame) return streamed;
  const n = raw.length / frameBytes;
  return Array.from({ length: n }, (_, i) => frameAt(raw, i, i * frameBytes));
}
