// The lip-sync pass's own forward pass of the 68-point nets (fused convolutions) gives face-api's landmarks, on
// face crops of a generated selfie video decoded by the engine's own frame pass: square crops and crops clipped
// at the frame's edge (padded to a square by face-api), both nets. Its face detector (its own input
// normalisation, service/face/tiny-detector.ts, also the face
// engine's) gives face-api's boxes.
import { createRequire } from 'node:module';
import type * as FaceApiNs from '@vladmandic/face-api';
import type * as TfCore from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { probe } from '../../service/media/probe.js';
import { frameRgb, sampleWindowFrames } from '../../service/lipsync/frames.js';
import { squareCropYuv } from '../../service/lipsync/engine.js';
import { MouthModel } from '../../service/lipsync/mouth-model.js';
import { defaultModelDir } from '../../service/face/models.js';
import type { RgbImage } from '../../service/lipsync/types.js';
import { fixtureCase } from '../helpers/fixtures.js';

const require = createRequire(import.meta.url);
const api = require('@vladmandic/face-api/dist/face-api.node-wasm.js') as typeof FaceApiNs;
const tf = api.tf as unknown as typeof TfCore;

/** face-api's own path: detectLandmarks on each crop, positions in crop pixels. */
async function faceApiLandmarks(net: 'full' | 'tiny', crops: RgbImage[]): Promise<number[][]> {
  const n = net === 'tiny' ? api.nets.faceLandmark68TinyNet : api.nets.faceLandmark68Net;
  const out: number[][] = [];
  for (const c of crops) {
    const t = tf.tensor3d(new Uint8Array(c.data), [c.height, c.width, 3], 'int32');
    const lm = (await n.detectLandmarks(t as never)) as FaceApiNs.FaceLandmarks68;
    t.dispose();
    out.push(lm.positions.flatMap((p) => [p.x, p.y]));
  }
  return out;
}

describe('68-point landmark nets with fused convolutions', () => {
  it('give face-api’s landmarks on real face crops, square and clipped at the edge', async () => {
    const c = await fixtureCase({ seed: 31, lang: 'en', formats: ['webm'] });
    const w = c.truth.video.words;
    const frames = await sampleWindowFrames(c.webm!, {
      windows: [[w[0]!.start, w[w.length - 1]!.end]],
      fps: 12,
      maxSide: 480,
      probe: await probe(c.webm!),
    });
    expect(frames.length).toBeGreaterThan(12);
    for (const net of ['full', 'tiny'] as const) {
      const m = await MouthModel.load({ net });
      const box = await m.largestFace(frameRgb(frames[0]!));
      expect(box).not.toBeNull();
      const square = frames.slice(0, 20).map((f) => squareCropYuv(f, box!).crop);
      // Boxes pushed past the right or the bottom edge: crops narrower or shorter than square.
      const clipped = frames.slice(0, 4).map(
        (f, i) =>
          squareCropYuv(f, {
            ...box!,
            x: i % 2 ? box!.x : f.width - box!.width * 0.7,
            y: i % 2 ? f.height - box!.height * 0.7 : box!.y,
          }).crop,
      );
      expect(clipped.some((x) => x.width !== x.height)).toBe(true);
      const crops = [...square, ...clipped];
      const ours = await m.landmarks(crops);
      const ref = await faceApiLandmarks(net, crops);
      let maxDiff = 0;
      ours.forEach((lm, i) => lm.forEach((v, j) => (maxDiff = Math.max(maxDiff, Math.abs(v - ref[i]![j]!)))));
      expect(ours).toHaveLength(crops.length);
      expect(maxDiff, net).toBeLessThan(0.01);
      // And they are landmarks of a face: the mouth (points 48–67) below the eyes (36–47).
      const meanY = (lm: number[], a: number, b: number) =>
        lm.filter((_, j) => j % 2 === 1 && j >= 2 * a && j < 2 * b).reduce((s, v) => s + v, 0) / (b - a);
      for (const lm of ours.slice(0, square.length))
        expect(meanY(lm, 48, 68)).toBeGreaterThan(meanY(lm, 36, 48));
    }
  }, 240_000);

  it('the lip-sync face detector gives face-api’s boxes', async () => {
    const c = await fixtureCase({ seed: 32, lang: 'fr', formats: ['webm'] });
    const w = c.truth.video.words;
    const frames = await sampleWindowFrames(c.webm!, {
      windows: [[w[0]!.start, w[w.length - 1]!.end]],
      fps: 2,
      maxSide: 480,
      probe: await probe(c.webm!),
    });
    expect(frames.length).toBeGreaterThan(2);
    const m = await MouthModel.load({ net: 'full' });
    if (!api.nets.tinyFaceDetector.isLoaded) await api.nets.tinyFaceDetector.loadFromDisk(defaultModelDir());
    for (const f of frames) {
      for (const inputSize of [224, 416]) {
        const rgb = frameRgb(f);
        const ours = await m.largestFace(rgb, inputSize);
        const t = tf.tensor3d(new Uint8Array(rgb.data), [rgb.height, rgb.width, 3], 'int32');
        const dets = await api.detectAllFaces(
          t as never,
          new api.TinyFaceDetectorOptions({ inputSize, scoreThreshold: 0.4 }),
        );
        t.dispose();
        expect(dets.length).toBeGreaterThan(0);
        const b = dets.reduce((a, d) => (d.box.width > a.box.width ? d : a)).box;
        expect(ours).not.toBeNull();
        for (const k of ['x', 'y', 'width', 'height'] as const) expect(ours![k]).toBeCloseTo(b[k], 6);
      }
    }
  }, 240_000);
});
