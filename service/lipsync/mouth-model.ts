// Model wrapper for the lip-sync frame pass: face-api's Tiny face detector for a few boxes, and a 68-point
// landmark net run in batches on face crops (no detection per frame: ~54 ms a frame on WASM, too costly at
// 12 fps). Loaded once per process, verified against models/face/checksums.json like the face engine.
import { createRequire } from 'node:module';
import type * as FaceApiNs from '@vladmandic/face-api';
import type * as TfCore from '@tensorflow/tfjs-core';
import { defaultModelDir, readChecksums, verifyModelDir } from '../face/models.js';
import { withBroadcastMean } from '../face/tiny-detector.js';
import type { Box, Landmarks68 } from '../face/types.js';
import type { RgbImage } from '../media/types.js';
import {
  cropRelative,
  landmarkNetForward,
  NET_INPUT,
  poolSizeFor,
  writeNetInput,
  type DenseBlockParams,
  type LandmarkNetParams,
} from '../face/landmark-net.js';

type FaceApi = typeof FaceApiNs;
type Tf = typeof TfCore;
const tfOf = (api: FaceApi): Tf => api.tf as unknown as Tf;

/**
 * 'tiny': face_landmark_68_tiny; 'full': face_landmark_68. With the fused forward pass (face/landmark-net.ts), in
 * batches on WASM: 7.4 and 12.2 ms a crop at load ≈ 16 (roughly 2/3 of that on a quiet host).
 */
export type LandmarkNet = 'tiny' | 'full';

const FILES: Record<LandmarkNet | 'detector', string[]> = {
  detector: ['tiny_face_detector_model-weights_manifest.json', 'tiny_face_detector_model.bin'],
  full: ['face_landmark_68_model-weights_manifest.json', 'face_landmark_68_model.bin'],
  tiny: ['face_landmark_68_tiny_model-weights_manifest.json', 'face_landmark_68_tiny_model.bin'],
};

/** Our own Tiny detector instance with the broadcast mean (face/tiny-detector.ts); face-api's shared one is left as it is. */
async function loadDetector(api: FaceApi, dir: string): Promise<FaceApiNs.TinyFaceDetector> {
  const det = new api.TinyFaceDetector();
  await det.loadFromDisk(dir);
  return withBroadcastMean(api, det);
}

/** Crops per landmark batch: batching divides the per-call overhead of the WASM backend (31 → 11 ms a crop). */
const BATCH = 16;

export class MouthModel {
  private constructor(
    private readonly api: FaceApi,
    private readonly detector: FaceApiNs.TinyFaceDetector,
    readonly net: LandmarkNet,
    readonly backend: string,
    readonly inputSide: number,
  ) {}

  /**
   * `inputSide`: side of the crops fed to the landmark net (px, default its native 112). The nets are fully
   * convolutional up to a global average pool, so a smaller input costs ~(side / 112)² of the arithmetic;
   * models/lipsync/README.md says what it does to the mouth signal.
   */
  static async load(
    opts: { net?: LandmarkNet; modelDir?: string; inputSide?: number } = {},
  ): Promise<MouthModel> {
    const side = opts.inputSide ?? NET_INPUT;
    // Multiples of 16 keep every feature map of both nets whole (no 'same' padding row that 112 does not have).
    if (!(Number.isInteger(side) && side % 16 === 0 && side >= 64 && side <= NET_INPUT))
      throw new Error('inputSide must be a multiple of 16 in 64…112');
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
    const detector = await loadDetector(api, dir);
    const lmNet = net === 'tiny' ? api.nets.faceLandmark68TinyNet : api.nets.faceLandmark68Net;
    if (!lmNet.isLoaded) await lmNet.loadFromDisk(dir);
    return new MouthModel(api, detector, net, tf.getBackend(), side);
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
      const dets = await this.detector.locateFaces(
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
    const params = this.params;
    const out: Landmarks68[] = [];
    for (let i = 0; i < crops.length; i += BATCH) {
      const part = crops.slice(i, i + BATCH);
      const S = this.inputSide;
      const input = new Float32Array(part.length * S * S * 3);
      part.forEach((c, k) => writeNetInput(c, input, k * S * S * 3, S));
      const raw = tf.tidy(() =>
        landmarkNetForward(tf, tf.tensor4d(input, [part.length, S, S, 3]), params),
      );
      const v = await raw.data();
      raw.dispose();
      part.forEach((c, k) => {
        // face-api's output mapping (from the padded square back to each crop), as it computes it.
        const rel = cropRelative(v, k * 136, S, c);
        const lm = new Array<number>(136);
        for (let j = 0; j < 136; j++) lm[j] = rel[j]! * (j % 2 === 0 ? c.width : c.height);
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
    return { blocks, fc, poolSize: poolSizeFor(tiny, this.inputSide) };
  }
}
