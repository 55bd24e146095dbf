// Real media files generated at test time with ffmpeg (lavfi sources) and sharp, plus malformed variants.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';

/** Run ffmpeg synchronously; throws with its stderr on failure. */
export function ff(args: string[]): void {
  execFileSync('/usr/bin/ffmpeg', ['-v', 'error', '-y', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** A test pattern with a 440 Hz tone. */
export function avArgs(o: {
  size?: string;
  rate?: number;
  dur: number;
  audio?: boolean;
  video?: boolean;
}): string[] {
  const args: string[] = [];
  if (o.video !== false)
    args.push('-f', 'lavfi', '-i', `testsrc2=s=${o.size ?? '320x240'}:r=${o.rate ?? 25}:d=${o.dur}`);
  if (o.audio !== false) args.push('-f', 'lavfi', '-i', `sine=f=440:r=48000:d=${o.dur}`);
  return args;
}

const H264 = ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p'];
const VP8 = ['-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '400k'];
const VP9 = ['-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-cpu-used', '8', '-row-mt', '0', '-b:v', '400k'];

export interface Generated {
  mp4: string;
  mp4FastStart: string;
  webmVp8: string;
  webmVp9: string;
  /** WebM written to a pipe, like a browser's MediaRecorder: no duration in the header. */
  webmStreamed: string;
  /** 2 s red then 2 s blue, 25 fps: frame content tells the frame's time. */
  colourTimeline: string;
  /** Phone-style portrait video: coded 320x160 (left half red, right half blue), display matrix 90° clockwise. */
  rotatedPhone: string;
  audioOnly: string;
  videoOnly: string;
  tooLong: string;
  tooShort: string;
  avi: string;
}

export function generateVideos(dir: string): Generated {
  const p = (n: string) => join(dir, n);
  const g: Generated = {
    mp4: p('h264-aac.mp4'),
    mp4FastStart: p('h264-aac-faststart.mp4'),
    webmVp8: p('vp8-opus.webm'),
    webmVp9: p('vp9-opus.webm'),
    webmStreamed: p('streamed.webm'),
    colourTimeline: p('red-blue.mp4'),
    rotatedPhone: p('phone-portrait.mp4'),
    audioOnly: p('audio-only.m4a'),
    videoOnly: p('video-only.mp4'),
    tooLong: p('long.mp4'),
    tooShort: p('short.mp4'),
    avi: p('clip.avi'),
  };
  ff([...avArgs({ dur: 4 }), ...H264, '-c:a', 'aac', '-shortest', g.mp4]);
  ff(['-i', g.mp4, '-c', 'copy', '-movflags', '+faststart', g.mp4FastStart]);
  ff([...avArgs({ dur: 4 }), ...VP8, '-c:a', 'libopus', '-shortest', g.webmVp8]);
  ff([...avArgs({ dur: 4, size: '160x120' }), ...VP9, '-c:a', 'libopus', '-shortest', g.webmVp9]);
  // Written to a pipe (non-seekable), the WebM muxer cannot go back to store the duration: like MediaRecorder.
  const streamed = execFileSync(
    '/usr/bin/ffmpeg',
    ['-v', 'error', ...avArgs({ dur: 4 }), ...VP8, '-c:a', 'libopus', '-shortest', '-f', 'webm', 'pipe:1'],
    { maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  writeFileSync(g.webmStreamed, streamed);
  ff([
    '-f',
    'lavfi',
    '-i',
    'color=c=red:s=160x120:r=25:d=2[a];color=c=blue:s=160x120:r=25:d=2[b];[a][b]concat=n=2:v=1:a=0',
    ...H264,
    g.colourTimeline,
  ]);
  const halves = p('halves.mp4');
  ff([
    '-f',
    'lavfi',
    '-i',
    'color=c=red:s=160x160:r=25:d=4[a];color=c=blue:s=160x160:r=25:d=4[b];[a][b]hstack',
    ...avArgs({ dur: 4, video: false }),
    ...H264,
    '-c:a',
    'aac',
    '-shortest',
    halves,
  ]);
  // Debian's ffmpeg 5.1 writes `rotate=270` as a display matrix of -90° (ffprobe `rotation: -90`), which is
  // what a phone held upright records: the player turns the coded frame 90° clockwise.
  ff(['-i', halves, '-c', 'copy', '-metadata:s:v:0', 'rotate=270', g.rotatedPhone]);
  ff([...avArgs({ dur: 4, video: false }), '-c:a', 'aac', g.audioOnly]);
  ff([...avArgs({ dur: 4, audio: false }), ...H264, g.videoOnly]);
  ff([
    ...avArgs({ dur: 31, size: '64x48', rate: 5 }),
    ...H264,
    '-c:a',
    'aac',
    '-b:a',
    '32k',
    '-shortest',
    g.tooLong,
  ]);
  ff([...avArgs({ dur: 2 }), ...H264, '-c:a', 'aac', '-shortest', g.tooShort]);
  ff([...avArgs({ dur: 1, size: '64x48' }), '-c:v', 'mpeg4', '-c:a', 'mp2', '-shortest', g.avi]);
  return g;
}

/** The first `fraction` of a file's bytes, written to `dst`. */
export function truncate(src: string, dst: string, fraction: number): string {
  const b = readFileSync(src);
  writeFileSync(dst, b.subarray(0, Math.floor(b.length * fraction)));
  return dst;
}

export function writeText(dst: string): string {
  writeFileSync(dst, 'This is not a video, just text renamed to .mp4\n'.repeat(50));
  return dst;
}

export function writeRandom(dst: string, n = 200_000): string {
  writeFileSync(dst, randomBytes(n));
  return dst;
}

/**
 * A PNG whose header declares width × height RGB pixels, with only a few rows of (tiny, compressed) data:
 * the shape of a decompression bomb, without spending the CPU to compress a real one.
 */
export function pngBomb(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit, RGB, deflate, no filter, no interlace
  const rows = Buffer.alloc(4 * (1 + width * 3)); // four zero rows
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const byte of buf) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}
