// The live-frame pass finds a plainly visible face that Tiny misses at its usual input size: Tiny's hits on a
// tightly framed face flicker with the input size (a generated genuine case lost 6 of 8 frames so, and was asked
// to resubmit as FACE_NOT_FOUND). Real engine, npm demo faces.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFaceEngine, type FaceEngine, type RgbImage } from '../../service/face/index.js';
import { LIVE_FRAME_DETECT } from '../../service/face/inference.js';
import { decodeImage } from '../../service/media/index.js';

const require = createRequire(import.meta.url);
const DEMO = join(dirname(require.resolve('@vladmandic/face-api/package.json')), 'demo');

let engine: FaceEngine;

beforeAll(async () => {
  engine = createFaceEngine({ workers: 1 });
  await engine.ready();
});

afterAll(async () => {
  await engine?.close();
});

/** A 640×360 frame showing one face cut tightly (box [x, y, w, h] of fixtures/faces.json, `pad` × its side around). */
async function tightFaceFrame(sample: string, box: number[], width: number, pad: number): Promise<RgbImage> {
  const [x, y, w, h] = box as [number, number, number, number];
  const p = Math.round(Math.max(w, h) * pad);
  const face = await sharp(join(DEMO, sample))
    .extract({ left: x - p, top: y - p, width: w + 2 * p, height: h + 2 * p })
    .resize({ width })
    .toBuffer();
  const jpeg = await sharp({
    create: { width: 640, height: 360, channels: 3, background: { r: 120, g: 110, b: 100 } },
  })
    .composite([{ input: face, left: 160, top: 10 }])
    .jpeg()
    .toBuffer();
  return decodeImage(jpeg);
}

// Measured: Tiny at 416 finds no face in these three frames, Tiny at 320 finds the one face.
const MISSED_AT_416: Array<[string, number[], number, number]> = [
  ['sample3.jpg', [585, 329, 199, 271], 160, 0],
  ['sample6.jpg', [1180, 305, 188, 280], 140, 0],
  ['sample5.jpg', [1113, 198, 158, 236], 160, 0.05],
];

describe('live-frame detection', () => {
  it.each(MISSED_AT_416)('finds the tightly framed face of %s that Tiny misses at 416', async (s, box, w, pad) => {
    const frame = await tightFaceFrame(s, box, w, pad);
    const at416 = await engine.detect(frame, {
      detector: 'tiny',
      inputSize: LIVE_FRAME_DETECT.inputSize!,
      minScore: LIVE_FRAME_DETECT.minScore!,
      landmarks: 'largest',
    });
    expect(at416).toHaveLength(0);
    const faces = await engine.detect(frame, LIVE_FRAME_DETECT);
    expect(faces).toHaveLength(1);
    // The live face gets its landmarks (68 points) and its box is centred on the face drawn at x 160..160+w.
    const f = faces[0]!;
    expect(f.landmarks).toHaveLength(136);
    expect(f.box.x + f.box.width / 2).toBeGreaterThan(160 + w * 0.25);
    expect(f.box.x + f.box.width / 2).toBeLessThan(160 + w * 0.75);
  });
});
