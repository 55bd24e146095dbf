// The face engine's faster forward passes give face-api's own results on the npm sample photos: the Tiny
// detector with a broadcast mean (tiny-detector.ts) the same boxes, the recognition net with its scale folded
// into fused convolutions (recognition-net.ts) the same descriptors, the 68-point net with fused convolutions
// (landmark-net.ts) the same landmarks, face by face.
import { createRequire } from 'node:module';
import type * as FaceApiNs from '@vladmandic/face-api';
import type * as TfCore from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { sampleImages640 } from '../../service/face/bench.js';
import { defaultModelDir } from '../../service/face/models.js';
import { withFusedLandmarks } from '../../service/face/landmark-net.js';
import { withFoldedForward } from '../../service/face/recognition-net.js';
import { withBroadcastMean } from '../../service/face/tiny-detector.js';
import { euclidean } from '../../service/face/calibration.js';
import type { RgbImage } from '../../service/face/types.js';

const require = createRequire(import.meta.url);
const api = require('@vladmandic/face-api/dist/face-api.node-wasm.js') as typeof FaceApiNs;
const tf = api.tf as unknown as typeof TfCore;

let images: RgbImage[];
let detector: FaceApiNs.TinyFaceDetector;
let recogniser: FaceApiNs.FaceRecognitionNet;
let landmarker: FaceApiNs.FaceLandmark68Net;

beforeAll(async () => {
  if (tf.getBackend() !== 'wasm') await tf.setBackend('wasm');
  await tf.ready();
  const dir = defaultModelDir();
  // face-api's shared instances stay as face-api made them: they are the reference.
  if (!api.nets.tinyFaceDetector.isLoaded) await api.nets.tinyFaceDetector.loadFromDisk(dir);
  if (!api.nets.faceRecognitionNet.isLoaded) await api.nets.faceRecognitionNet.loadFromDisk(dir);
  if (!api.nets.faceLandmark68Net.isLoaded) await api.nets.faceLandmark68Net.loadFromDisk(dir);
  landmarker = new api.FaceLandmark68Net();
  await landmarker.loadFromDisk(dir);
  withFusedLandmarks(tf, landmarker as never, false);
  detector = new api.TinyFaceDetector();
  await detector.loadFromDisk(dir);
  withBroadcastMean(api, detector);
  recogniser = new api.FaceRecognitionNet();
  await recogniser.loadFromDisk(dir);
  withFoldedForward(api, recogniser);
  images = await sampleImages640();
}, 120_000);

const tensorOf = (img: RgbImage) =>
  tf.tensor3d(
    new Uint8Array(img.data.buffer, img.data.byteOffset, img.data.length),
    [img.height, img.width, 3],
    'int32',
  );

/** Calls `check` with each face face-api's detector finds in the sample photos (a tensor crop); returns how many. */
async function forEachFace(check: (face: TfCore.Tensor3D) => Promise<void>): Promise<number> {
  let faces = 0;
  for (const img of images) {
    const t = tensorOf(img);
    const boxes = await api.nets.tinyFaceDetector.locateFaces(
      t as never,
      new api.TinyFaceDetectorOptions({ inputSize: 416, scoreThreshold: 0.45 }),
    );
    for (const { box } of boxes) {
      const x = Math.max(0, Math.floor(box.x));
      const y = Math.max(0, Math.floor(box.y));
      const w = Math.min(img.width - x, Math.ceil(box.width));
      const h = Math.min(img.height - y, Math.ceil(box.height));
      const face = tf.slice(t, [y, x, 0], [h, w, 3]) as TfCore.Tensor3D;
      try {
        await check(face);
      } finally {
        face.dispose();
      }
      faces++;
    }
    t.dispose();
  }
  return faces;
}

describe('face engine forward passes', () => {
  it('the detector finds face-api’s boxes', async () => {
    let faces = 0;
    for (const img of images) {
      const t = tensorOf(img);
      const opts = new api.TinyFaceDetectorOptions({ inputSize: 416, scoreThreshold: 0.45 });
      const ref = await api.nets.tinyFaceDetector.locateFaces(t as never, opts);
      const ours = await detector.locateFaces(t as never, opts);
      t.dispose();
      expect(ours.length).toBe(ref.length);
      ref.forEach((r, i) => {
        for (const k of ['x', 'y', 'width', 'height'] as const)
          expect(ours[i]!.box[k]).toBeCloseTo(r.box[k], 4);
        expect(ours[i]!.score).toBeCloseTo(r.score, 5);
      });
      faces += ref.length;
    }
    expect(faces).toBeGreaterThanOrEqual(10);
  }, 120_000);

  it('the recognition net gives face-api’s descriptors', async () => {
    const faces = await forEachFace(async (face) => {
      const ref = (await api.nets.faceRecognitionNet.computeFaceDescriptor(face as never)) as Float32Array;
      const ours = (await recogniser.computeFaceDescriptor(face as never)) as Float32Array;
      expect(ours.length).toBe(128);
      // Descriptors are ~1.3 long and different faces lie ~0.4–0.6 apart: 1e-5 is float32 rounding.
      expect(euclidean(ours, ref)).toBeLessThan(1e-5);
    });
    expect(faces).toBeGreaterThanOrEqual(10);
  }, 120_000);

  it('the landmark net gives face-api’s landmarks', async () => {
    const faces = await forEachFace(async (face) => {
      const ref = (await api.nets.faceLandmark68Net.detectLandmarks(
        face as never,
      )) as FaceApiNs.FaceLandmarks68;
      const ours = (await landmarker.detectLandmarks(face as never)) as FaceApiNs.FaceLandmarks68;
      expect(ours.positions).toHaveLength(68);
      ref.positions.forEach((p, i) => {
        expect(Math.abs(ours.positions[i]!.x - p.x)).toBeLessThan(1e-3);
        expect(Math.abs(ours.positions[i]!.y - p.y)).toBeLessThan(1e-3);
      });
    });
    expect(faces).toBeGreaterThanOrEqual(10);
  }, 120_000);
});
