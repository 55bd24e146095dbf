// Media layer on real files generated with ffmpeg: probe, validation, frames, audio, and malformed inputs.
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  assertSelfieVideo,
  extractAudio,
  MediaError,
  probe,
  sampleFrames,
  selfieVideoProblems,
  type MediaErrorCode,
  type RgbImage,
} from '../../service/media/index.js';
import { tempDir } from '../helpers/env.js';
import { generateVideos, truncate, writeRandom, writeText, type Generated } from './generate.js';

let dir: string;
let g: Generated;

beforeAll(() => {
  dir = tempDir('idv-media-');
  g = generateVideos(dir);
}, 90_000);

/** Awaits `p` and returns the MediaError code it rejects with (fails on success or on another error type). */
async function codeOf(p: Promise<unknown>): Promise<MediaErrorCode> {
  try {
    await p;
  } catch (e) {
    if (e instanceof MediaError) return e.code;
    throw e;
  }
  throw new Error('expected a MediaError, got success');
}

function codeOfSync(f: () => void): MediaErrorCode {
  try {
    f();
  } catch (e) {
    if (e instanceof MediaError) return e.code;
    throw e;
  }
  throw new Error('expected a MediaError, got success');
}

/** Mean RGB of a region (fractions of the image). */
function meanRgb(img: RgbImage, x0: number, y0: number, x1: number, y1: number): [number, number, number] {
  const s = [0, 0, 0];
  let n = 0;
  for (let y = Math.floor(y0 * img.height); y < Math.floor(y1 * img.height); y++) {
    for (let x = Math.floor(x0 * img.width); x < Math.floor(x1 * img.width); x++) {
      const i = (y * img.width + x) * 3;
      s[0]! += img.data[i]!;
      s[1]! += img.data[i + 1]!;
      s[2]! += img.data[i + 2]!;
      n++;
    }
  }
  return [s[0]! / n, s[1]! / n, s[2]! / n];
}

/** Dominant frequency of a PCM tone from its zero crossings. */
function toneHz(samples: Int16Array, rate: number): number {
  let crossings = 0;
  for (let i = 1; i < samples.length; i++) if (samples[i - 1]! < 0 !== samples[i]! < 0) crossings++;
  return crossings / 2 / (samples.length / rate);
}

describe('MP4 H.264 + AAC (phone recording)', () => {
  it('probes container, codecs, duration, size, frame rate', async () => {
    const p = await probe(g.mp4);
    expect(p.container).toBe('mp4');
    expect(p.durationSec).toBeCloseTo(4, 1);
    expect(p.sizeBytes).toBeGreaterThan(10_000);
    expect(p.video).toMatchObject({
      codec: 'h264',
      width: 320,
      height: 240,
      displayWidth: 320,
      displayHeight: 240,
      fps: 25,
      rotation: 0,
    });
    expect(p.audio).toMatchObject({ codec: 'aac', sampleRate: 48000, channels: 1 });
    expect(() => assertSelfieVideo(p)).not.toThrow();
  });

  it('samples N evenly spaced frames, downscaled, with their own timestamps', async () => {
    const frames = await sampleFrames(g.mp4, { count: 8, maxSide: 160 });
    expect(frames).toHaveLength(8);
    frames.forEach((f, i) => {
      expect(f.index).toBe(i);
      expect([f.width, f.height]).toEqual([160, 120]);
      expect(f.data.length).toBe(160 * 120 * 3);
      // centre of slice i of 0.5 s, at most one frame (40 ms) later
      expect(f.timeSec).toBeGreaterThanOrEqual(0.25 + i * 0.5 - 0.002);
      expect(f.timeSec).toBeLessThanOrEqual(0.25 + i * 0.5 + 0.041);
    });
    // The test pattern moves: consecutive frames differ.
    expect(frames[0]!.data.equals(frames[1]!.data)).toBe(false);
  });

  it('samples at a requested rate', async () => {
    const frames = await sampleFrames(g.mp4, { fps: 2, maxSide: 1000 });
    // 25 fps: the first frame at or after each half second (0.5 s falls between frames 0.48 and 0.52)
    expect(frames.map((f) => f.timeSec)).toEqual([0, 0.52, 1, 1.52, 2, 2.52, 3, 3.52]);
    expect([frames[0]!.width, frames[0]!.height]).toEqual([320, 240]); // never upscaled
  });

  it('delivers a full-resolution copy without changing the analysed frame', async () => {
    const plain = await sampleFrames(g.mp4, { count: 4, maxSide: 160 });
    const streamed: RgbImage[] = [];
    const withFull = await sampleFrames(g.mp4, {
      count: 4,
      maxSide: 160,
      fullMaxSide: 1000,
      onFrame: (f) => streamed.push(f.full!),
    });
    expect(withFull).toHaveLength(4);
    withFull.forEach((f, i) => {
      // The analysed frame is bit-identical: detection and the static-motion figures do not move.
      expect(f.data.equals(plain[i]!.data)).toBe(true);
      expect(f.timeSec).toBe(plain[i]!.timeSec);
      expect([f.full!.width, f.full!.height]).toEqual([320, 240]); // capped at the video, never upscaled
      expect(f.full!.data.length).toBe(320 * 240 * 3);
      expect(streamed[i]!.data.equals(f.full!.data)).toBe(true);
      // The same picture: its 2×2 box average is within a few grey levels of the analysed frame.
      const [r0, g0, b0] = meanRgb(f, 0.2, 0.2, 0.8, 0.8);
      const [r1, g1, b1] = meanRgb(f.full!, 0.2, 0.2, 0.8, 0.8);
      expect(Math.abs(r0 - r1) + Math.abs(g0 - g1) + Math.abs(b0 - b1)).toBeLessThan(6);
    });
    // Capped: a full copy no larger than the analysed frame is not delivered.
    const small = await sampleFrames(g.mp4, { count: 2, maxSide: 160, fullMaxSide: 160 });
    expect(small[0]!.full).toBeUndefined();
    const capped = await sampleFrames(g.mp4, { count: 2, maxSide: 80, fullMaxSide: 160 });
    expect([capped[0]!.full!.width, capped[0]!.full!.height]).toEqual([160, 120]);
  });

  it('frame timestamps match the frame content', async () => {
    // red for 2 s then blue
    const frames = await sampleFrames(g.colourTimeline, { fps: 1.5, maxSide: 64 });
    expect(frames.length).toBeGreaterThanOrEqual(6);
    for (const f of frames) {
      const [r, , b] = meanRgb(f, 0, 0, 1, 1);
      if (f.timeSec < 2) expect(r).toBeGreaterThan(b + 100);
      else expect(b).toBeGreaterThan(r + 100);
    }
  });

  it('extracts 16 kHz mono PCM of the right length and pitch', async () => {
    const a = await extractAudio(g.mp4);
    expect(a.sampleRate).toBe(16000);
    expect(a.samples).toBeInstanceOf(Int16Array);
    expect(a.samples.length / 16000).toBeGreaterThan(3.95);
    expect(a.samples.length / 16000).toBeLessThan(4.1);
    expect(toneHz(a.samples, 16000)).toBeGreaterThan(430);
    expect(toneHz(a.samples, 16000)).toBeLessThan(450);
  });

  it('takes a probe computed earlier instead of probing again', async () => {
    const p = await probe(g.mp4FastStart);
    const [frames, audio] = await Promise.all([
      sampleFrames(g.mp4FastStart, { count: 3, maxSide: 80, probe: p }),
      extractAudio(g.mp4FastStart, { probe: p }),
    ]);
    expect(frames.map((f) => [f.width, f.height])).toEqual([
      [80, 60],
      [80, 60],
      [80, 60],
    ]);
    expect(audio.samples.length).toBeGreaterThan(60_000);
  });
});

describe('WebM (browser recording)', () => {
  it('VP8 + Opus', async () => {
    const p = await probe(g.webmVp8);
    expect(p.container).toBe('webm');
    expect(p.video?.codec).toBe('vp8');
    expect(p.audio?.codec).toBe('opus');
    expect(p.durationSec).toBeCloseTo(4, 1);
    const frames = await sampleFrames(g.webmVp8, { count: 4, maxSide: 128, probe: p });
    expect(frames.map((f) => [f.width, f.height])).toEqual(Array(4).fill([128, 96]));
    const a = await extractAudio(g.webmVp8, { probe: p });
    expect(Math.abs(a.samples.length / 16000 - 4)).toBeLessThan(0.1);
    expect(Math.abs(toneHz(a.samples, 16000) - 440)).toBeLessThan(10);
  });

  it('VP9 + Opus', async () => {
    const p = await probe(g.webmVp9);
    expect(p.video).toMatchObject({ codec: 'vp9', width: 160, height: 120 });
    expect(p.audio?.codec).toBe('opus');
    const frames = await sampleFrames(g.webmVp9, { count: 5, maxSide: 640, probe: p });
    expect(frames).toHaveLength(5);
    expect(frames[4]!.timeSec).toBeGreaterThan(3.5);
  });

  it('a streamed WebM without duration in its header is measured from its packets', async () => {
    const p = await probe(g.webmStreamed);
    expect(p.declaredDurationSec).toBeUndefined();
    expect(p.durationSec).toBeCloseTo(4, 1);
    expect(() => assertSelfieVideo(p)).not.toThrow();
    const frames = await sampleFrames(g.webmStreamed, { count: 4, maxSide: 64, probe: p });
    expect(frames).toHaveLength(4);
  });
});

describe('rotated phone video', () => {
  it('reports the display rotation and delivers portrait, upright frames', async () => {
    const p = await probe(g.rotatedPhone);
    expect(p.video).toMatchObject({
      width: 320,
      height: 160,
      rotation: 90,
      displayWidth: 160,
      displayHeight: 320,
    });
    const frames = await sampleFrames(g.rotatedPhone, { count: 2, maxSide: 160, probe: p });
    for (const f of frames) {
      expect([f.width, f.height]).toEqual([80, 160]);
      // coded: left half red, right half blue; turned 90° clockwise: red on top, blue below
      const top = meanRgb(f, 0.1, 0.05, 0.9, 0.4);
      const bottom = meanRgb(f, 0.1, 0.6, 0.9, 0.95);
      expect(top[0]).toBeGreaterThan(200);
      expect(top[2]).toBeLessThan(60);
      expect(bottom[2]).toBeGreaterThan(200);
      expect(bottom[0]).toBeLessThan(60);
    }
  });
});

describe('malformed and refused inputs give typed errors', () => {
  const f = (name: string) => join(dir, name);

  it('zero bytes → not_media', async () => {
    const empty = f('empty.mp4');
    truncate(g.mp4, empty, 0);
    expect(await codeOf(probe(empty))).toBe('not_media');
    expect(await codeOf(sampleFrames(empty, { count: 2, maxSide: 64 }))).toBe('not_media');
  });

  it('text renamed .mp4 → not_media', async () => {
    expect(await codeOf(probe(writeText(f('notes.mp4'))))).toBe('not_media');
  });

  it('random bytes → not_media', async () => {
    expect(await codeOf(probe(writeRandom(f('noise.webm'))))).toBe('not_media');
  });

  it('truncated MP4 (index at the end, lost) → corrupt', async () => {
    const t = truncate(g.mp4, f('trunc.mp4'), 0.4);
    expect(await codeOf(probe(t))).toBe('corrupt');
    expect(await codeOf(extractAudio(t))).toBe('corrupt');
  });

  it('truncated fast-start MP4 (index intact, data cut) → corrupt', async () => {
    const t = truncate(g.mp4FastStart, f('trunc-fs.mp4'), 0.5);
    expect(await codeOf(probe(t))).toBe('corrupt');
    expect(await codeOf(sampleFrames(t, { count: 4, maxSide: 64 }))).toBe('corrupt');
  });

  it('truncated WebM → corrupt', async () => {
    const t = truncate(g.webmVp8, f('trunc.webm'), 0.5);
    expect(await codeOf(probe(t))).toBe('corrupt');
  });

  it('a truncated streamed WebM (no declared duration) is measured short, not believed', async () => {
    const t = truncate(g.webmStreamed, f('trunc-streamed.webm'), 0.3);
    const p = await probe(t);
    expect(p.durationSec).toBeLessThan(2);
    expect(codeOfSync(() => assertSelfieVideo(p))).toBe('too_short');
  });

  it('audio only → no_video_stream', async () => {
    const p = await probe(g.audioOnly);
    expect(p.video).toBeUndefined();
    expect(codeOfSync(() => assertSelfieVideo(p))).toBe('no_video_stream');
    expect(await codeOf(sampleFrames(g.audioOnly, { count: 2, maxSide: 64 }))).toBe('no_video_stream');
  });

  it('video only → no_audio_stream', async () => {
    const p = await probe(g.videoOnly);
    expect(p.audio).toBeUndefined();
    expect(codeOfSync(() => assertSelfieVideo(p))).toBe('no_audio_stream');
    expect(await codeOf(extractAudio(g.videoOnly))).toBe('no_audio_stream');
    expect(() => assertSelfieVideo(p, { requireAudio: false })).not.toThrow();
  });

  it('31 s → too_long, 2 s → too_short', async () => {
    const long = await probe(g.tooLong);
    expect(long.durationSec).toBeGreaterThan(30.5);
    expect(codeOfSync(() => assertSelfieVideo(long))).toBe('too_long');
    const short = await probe(g.tooShort);
    expect(codeOfSync(() => assertSelfieVideo(short))).toBe('too_short');
    expect(selfieVideoProblems(short)[0]?.detail).toEqual({ value: short.durationSec, limit: 3 });
  });

  it('over the byte limit → too_large; over the pixel limit → too_many_pixels', async () => {
    const p = await probe(g.mp4);
    expect(codeOfSync(() => assertSelfieVideo(p, { maxBytes: 100_000 }))).toBe('too_large');
    expect(codeOfSync(() => assertSelfieVideo(p, { maxPixels: 320 * 240 - 1 }))).toBe('too_many_pixels');
  });

  it('a real but refused container (AVI) → unsupported_format', async () => {
    expect(await codeOf(probe(g.avi))).toBe('unsupported_format');
    // renamed to .mp4 it is still refused: types come from the bytes
    const renamed = f('avi-renamed.mp4');
    copyFileSync(g.avi, renamed);
    expect(await codeOf(probe(renamed))).toBe('unsupported_format');
  });

  it('ffmpeg is killed on timeout → timeout', async () => {
    const p = await probe(g.tooLong);
    expect(await codeOf(sampleFrames(g.tooLong, { fps: 5, maxSide: 64, probe: p, timeoutMs: 1 }))).toBe(
      'timeout',
    );
    // and the layer still works afterwards
    expect(await sampleFrames(g.tooShort, { count: 1, maxSide: 32 })).toHaveLength(1);
  });
});
