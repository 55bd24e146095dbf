// Model wrapper for the lip-sync frame pass: face-api's Tiny face detector for a few boxes, and a 68-point
// landmark net run in batches on face crops (no detection per frame: ~54 ms a frame on WASM, too costly at
// 12 fps). Loaded once per process, verified against models/face/checksums.json like the face engine.
import { createRequire } from 'node:module';
import type * as FaceApiNs from '@vladmandic/face-api';
import type * as TfCore from '@tensorflow/tfjs-core';
import { defaultModelDir, readChecksums, verifyModelDir } from '../face/models.js';
import type { Box, Landmarks68 } from '../face/types.js';
import type { RgbImage } from '../media/types.js';
import {
  landmarkNetForward,
  NET_INPUT,
  writeNetInput,
  type DenseBlockParams,
  type LandmarkNetParams,
} from './landmark-net.js';

type FaceApi = typeof FaceApiNs;
type Tf = typeof TfCore;
const tfOf = (api: FaceApi): Tf => api.tf as unknown as Tf;

/**
 * 'tiny': face_landmark_68_tiny; 'full': face_landmark_68. With the fused forward pass (landmark-net.ts), in
 * batches on WASM: 7.4 and 12.2 ms a crop at load ≈ 16 (roughly 2/3 of that on a quiet host).
 */
export type LandmarkNet = 'tiny' | 'full';

const FILES: Record<LandmarkNet | 'detector', string[]> = {
  detector: ['tiny_face_detector_model-weights_manifest.json', 'tiny_face_detector_model.bin'],
  full: ['face_landmark_68_model-weights_manifest.json', 'face_landmark_68_model.bin'],
  tiny: ['face_landmark_68_tiny_model-weights_manifest.json', 'face_landmark_68_tiny_model.bin'],
};

/** Crops per landmark batch: batching divides the per-call overhead of the WASM backend (31 → 11 ms a crop). */
const BATCH = 16;

export class MouthModel {
  private constructor(
    private readonly api: FaceApi,
    readonly net: LandmarkNet,
    readonly backend: string,
  ) {}

  static async load(opts: { net?: LandmarkNet; modelDir?: string } = {}): Promise<MouthModel> {
    const net = opts.net ?? 'tiny';
    const dir = opts.modelDir ?? defaultModelDir();
    const all = readChecksums().files;
    const files = Object.fromEntries([...FILES.detector, ...FILES[net]].map((f) => [f, all[f] ?? '']));
    verifyModelDir(dir, { algorithm: 'sha256', files });
    const require = createRequire(import.meta.url);
    const api = require('@vladmandic/face-api/dist/face-api.node-wasm.js') as FaceApi;
    const tf = tfOf(api);
    if (tf.getBackend() !== 'wasm') await tf.setBackend('wasm');
    await tf.ready();
    if (!api.nets.tinyFaceDetector.isLoaded) await api.nets.tinyFaceDetector.loadFromDisk(dir);
    const lmNet = net === 'tiny' ? api.nets.faceLandmark68TinyNet : api.nets.faceLandmark68Net;
    if (!lmNet.isLoaded) await lmNet.loadFromDisk(dir);
    return new MouthModel(api, net, tf.getBackend());
  }

  /** The largest face's box (Tiny detector at `inputSize`), or null. */
  async largestFace(img: RgbImage, inputSize = 224): Promise<Box | null> {
    const tf = tfOf(this.api);
    const t = tf.tensor3d(
      new Uint8Array(img.data.buffer, img.data.byteOffset, img.data.length),
      [img.height, img.width, 3],
      'int32',
    );
    try {
      const dets = await this.api.detectAllFaces(
        t as never,
        new this.api.TinyFaceDetectorOptions({ inputSize, scoreThreshold: 0.4 }),
      );
      if (dets.length === 0) return null;
      const b = dets.reduce((a, c) => (c.box.width > a.box.width ? c : a)).box;
      return { x: b.x, y: b.y, width: b.width, height: b.height };
    } finally {
      t.dispose();
    }
  }

  /** 68 landmarks of each crop (crop pixels), computed in batches. */
  async landmarks(crops: RgbImage[]): Promise<Landmarks68[]> {
    const tf = tfOf(this.api);
    const net = this.net === 'tiny' ? this.api.nets.faceLandmark68TinyNet : this.api.nets.faceLandmark68Net;
    const params = this.params;
    const out: Landmarks68[] = [];
    for (let i = 0; i < crops.length; i += BATCH) {
      const part = crops.slice(i, i + BATCH);
      const input = new Float32Array(part.length * NET_INPUT * NET_INPUT * 3);
      part.forEach((c, k) => writeNetInput(c, input, k * NET_INPUT * NET_INPUT * 3));
      // face-api's output mapping (from the padded square back to each crop); the forward pass is ours.
      const dims = part.map((c) => ({ width: c.width, height: c.height }));
      const rel = tf.tidy(() => {
        const batch = tf.tensor4d(input, [part.length, NET_INPUT, NET_INPUT, 3]);
        const raw = landmarkNetForward(tf, batch, params);
        return net.postProcess(raw as never, NET_INPUT, dims) as unknown as TfCore.Tensor2D;
      });
      const v = await rel.data();
      rel.dispose();
      part.forEach((c, k) => {
        const lm = new Array<number>(136);
        for (let j = 0; j < 136; j++) lm[j] = v[k * 136 + j]! * (j % 2 === 0 ? c.width : c.height);
        out.push(lm);
      });
    }
    return out;
  }

  /** The loaded net's weights, arranged for landmarkNetForward. */
  private get params(): LandmarkNetParams {
    const tiny = this.net === 'tiny';
    const net = tiny ? this.api.nets.faceLandmark68TinyNet : this.api.nets.faceLandmark68Net;
    const fe = (net.faceFeatureExtractor as unknown as { params: Record<string, DenseBlockParams> }).params;
    const fc = (net as unknown as { params: { fc: LandmarkNetParams['fc'] } }).params.fc;
    const blocks = (tiny ? ['dense0', 'dense1', 'dense2'] : ['dense0', 'dense1', 'dense2', 'dense3']).map(
      (k) => fe[k]!,
    );
    return { blocks, fc, poolSize: tiny ? 14 : 7 };
  }
}
