// Model wrapper run INSIDE a face worker process: backend selection, verified model loading, detection,
// landmarks, and descriptors on aligned, upscaled face crops. Everything returned is plain data.
import { createRequire } from 'node:module';
import type * as FaceApiNs from '@vladmandic/face-api';
import type * as TfCore from '@tensorflow/tfjs-core';
import { meanDescriptor } from './calibration.js';
import { applySimilarity, faceChipTransform } from './geometry.js';
import { defaultModelDir, readChecksums, verifyModelDir, type ModelChecksums } from './models.js';
import { MIN_FACE_PX, laplacianVariance } from './quality.js';
import { withBroadcastMean } from './tiny-detector.js';
import { withFoldedForward } from './recognition-net.js';
import { withFusedLandmarks } from './landmark-net.js';
import type { Box, FaceObservation, FailureToEnrol, Landmarks68, RgbImage } from './types.js';

type FaceApi = typeof FaceApiNs;
// face-api re-exports tfjs but types only part of it: use tfjs-core's types (same runtime instance).
type Tf = typeof TfCore;
type Tensor3D = TfCore.Tensor3D;
type Tensor4D = TfCore.Tensor4D;
const tfOf = (api: FaceApi): Tf => api.tf as unknown as Tf;

export interface DetectOptions {
  /** 'tiny' = TinyFaceDetector, 'ssd' = SSD MobileNet v1, 'auto' = tiny then SSD when tiny finds nothing. */
  detector: 'tiny' | 'ssd' | 'auto';
  /** TinyFaceDetector input size (multiple of 32). Default 416. */
  inputSize?: number;
  /** Minimum detector score. Default 0.5. */
  minScore?: number;
  /**
   * Which faces get their 68 landmarks (20 ms each on WASM): 'all' (default) or only the 'largest' (the
   * live face; the others keep an empty landmark list).
   */
  landmarks?: 'all' | 'largest';
  /**
   * With 'tiny' or 'auto': when Tiny at `inputSize` finds nothing, Tiny again at this input size (before SSD).
   * Tiny's hits on one face flicker with the input size (a face missed at 416 is often found at 320).
   */
  retryInputSize?: number;
}

export interface EnrolOptions {
  /** Box of the face to describe; without it, the largest face of the image. */
  hint?: Box;
  /**
   * Re-detect small faces (and faces only the fallback detectors found) on an upscaled crop before taking
   * their landmarks (helps small card portraits). With alignment 'box', every face. Default true.
   */
  refine?: boolean;
  /** Rotate the re-detection crop (and, with alignment 'box', the described face) upright. Default true. */
  align?: boolean;
  /** Average the descriptors of the face and its mirror image. Default true. */
  flip?: boolean;
  /**
   * How the face is cut out for the recognition model. 'chip' (default): dlib's aligned face chip
   * (similarity transform of the landmarks onto dlib's mean face, 150 px, padding 0.25 — what the model was
   * trained on). 'box': face-api's axis-aligned landmark box (the earlier behaviour).
   */
  alignment?: 'chip' | 'box';
  /**
   * With `hint`: the 68 landmarks already found for that face (image pixels, e.g. by the frame pass). The
   * descriptor is then computed from them directly, without re-detecting the face.
   */
  landmarks?: Landmarks68;
  /**
   * Faces narrower than this (px) go through the re-detection crop (with `refine`). Default 60. A view cut
   * from a full-resolution frame passes 60 × its scale, so that the same faces are re-detected as on the
   * analysed frame, from more pixels (fullres.ts).
   */
  refineBelowPx?: number;
}

/**
 * The live-frame pass: only the live face needs landmarks (models/face/CALIBRATION.md, "Cost"). Tiny at 320
 * finds the same faces as at 416 on 640 px selfie frames for ~60 % of the detector cost, but its less stable
 * boxes make the landmarks jitter enough to hide a frozen photo (static attack: non-rigid motion 0.008–0.009
 * at 320 against 0.0056–0.006 at 416, live faces ≥ 0.011), so the pass stays at 416.
 */
export const LIVE_FRAME_DETECT: DetectOptions = {
  detector: 'auto',
  inputSize: 416,
  minScore: 0.45,
  landmarks: 'largest',
  // A frame where Tiny 416 (and SSD) saw no face, although the applicant's face is plainly there: measured on a
  // generated genuine case (normal distance and light, 130 px face), Tiny 416 found it in 2 of 8 frames, 320 in
  // 5 others; SSD in 1. Only frames without a face pay for the retry (~130 ms).
  retryInputSize: 320,
};

/** Live-frame descriptor options, with `hint` and `landmarks` from the frame pass: one recognition pass. */
export const LIVE_DESCRIBE: Pick<EnrolOptions, 'flip'> = { flip: false };

export interface EnrolResult {
  face: FaceObservation | null;
  failureToEnrol: FailureToEnrol | null;
}

/** Side (px) of the face chip the recognition model takes (dlib's face_recognition_resnet_model_v1). */
const CHIP_PX = 150;
/** dlib's recognition example pads the chip by 0.25 × the landmark shape's size. */
const CHIP_PADDING = 0.25;
/** Side (px) of the square crop re-analysed around a face. */
const CROP_PX = 256;
/** Faces narrower than this (px) are re-detected on an upscaled crop before their landmarks are trusted. */
export const REFINE_BELOW_PX = 60;
/** Pictures at most this large (px, longer side) are treated as tightly cropped faces by enrol. */
const TIGHT_PICTURE_PX = 320;
/**
 * Long side (px) a picture is reduced to before the padded-canvas detection pass (whose 416 px detector input
 * shows the picture itself at ~160 px).
 */
const PADDED_MAX_PX = 1024;
/** In-plane rotation (radians, ~4°) above which a face is re-described on an upright crop. */
const MAX_ROLL = (4 * Math.PI) / 180;

export class FaceModel {
  private constructor(
    private readonly api: FaceApi,
    readonly backend: string,
  ) {}

  /** Picks the backend (tfjs-node when installed, WASM otherwise), verifies and loads the models. */
  static async load(opts: { modelDir?: string; checksums?: ModelChecksums } = {}): Promise<FaceModel> {
    const dir = opts.modelDir ?? defaultModelDir();
    verifyModelDir(dir, opts.checksums ?? readChecksums());
    const { api, backend } = await loadFaceApi();
    await api.nets.tinyFaceDetector.loadFromDisk(dir);
    // Same boxes, about half the detector's CPU on WASM (tiny-detector.ts). This worker owns its face-api instance.
    withBroadcastMean(api, api.nets.tinyFaceDetector);
    await api.nets.ssdMobilenetv1.loadFromDisk(dir);
    await api.nets.faceLandmark68Net.loadFromDisk(dir);
    // Same landmarks (to ~1e-4 px), fused convolutions (landmark-net.ts).
    withFusedLandmarks(tfOf(api), api.nets.faceLandmark68Net as never, false);
    await api.nets.faceRecognitionNet.loadFromDisk(dir);
    // Same descriptors (to ~1e-6), about a third less CPU on WASM (recognition-net.ts).
    withFoldedForward(api, api.nets.faceRecognitionNet);
    return new FaceModel(api, backend);
  }

  /** All faces with landmarks and sharpness, no descriptors (cheap pass over video frames). */
  async detect(img: RgbImage, opts: DetectOptions): Promise<FaceObservation[]> {
    const tf = tfOf(this.api);
    const t = toTensor(tf, img);
    try {
      let faces: Omit<FaceObservation, 'sharpness'>[];
      if (opts.landmarks === 'largest') {
        faces = await this.detectTensor(t, opts, false);
        const big = faces.reduce<(typeof faces)[number] | undefined>(
          (a, b) => (a && a.box.width >= b.box.width ? a : b),
          undefined,
        );
        if (big) big.landmarks = (await this.landmarksAt(t, big.box)) ?? [];
      } else faces = await this.detectTensor(t, opts);
      return faces.map((f) => ({
        ...f,
        sharpness: laplacianVariance(img.data, img.width, img.height, f.box),
      }));
    } finally {
      t.dispose();
    }
  }

  /**
   * One face with a descriptor: the face at `hint`, or the largest face. Its 68 landmarks (given, or
   * computed on the detector's box) place dlib's aligned face chip, which the recognition model describes.
   * With `refine`, small faces (< 60 px) and faces only the fallback detectors found are first re-detected
   * on a square crop around them, scaled so the face is ~115 px and rotated upright, with a wider (padded)
   * crop as a retry when the tight crop fails; their landmarks come from that crop.
   */
  async enrol(img: RgbImage, opts: EnrolOptions = {}): Promise<EnrolResult> {
    const tf = tfOf(this.api);
    const refine = opts.refine ?? true;
    const chip = (opts.alignment ?? 'chip') === 'chip';
    const t = toTensor(tf, img);
    try {
      let first: Omit<FaceObservation, 'sharpness'> | null = null;
      let fallback = false;
      if (opts.hint) {
        const lm = opts.landmarks?.length === 136 ? opts.landmarks : [];
        first = { box: opts.hint, score: 1, landmarks: lm, descriptor: [] };
      } else {
        // Boxes only (landmarks for the chosen face only): Tiny first, SSD when Tiny finds nothing. A small
        // picture is most likely a tightly cropped face, which leaves the detectors no context: there the padded
        // canvas is tried before the (costly) SSD and Tiny-608 passes.
        const tight = Math.max(img.width, img.height) <= TIGHT_PICTURE_PX;
        let faces = await this.detectTensor(
          t,
          { detector: tight ? 'tiny' : 'auto', inputSize: 416, minScore: 0.4 },
          false,
        );
        // Faces only the fallbacks find (SSD on a small picture, Tiny at 608, a padded canvas) often have
        // partial boxes: they always go through the re-detection crop.
        fallback = faces.length === 0;
        if (faces.length === 0 && tight) faces = await this.detectPadded(t, img);
        if (faces.length === 0 && tight)
          faces = await this.detectTensor(t, { detector: 'ssd', minScore: 0.4 }, false);
        if (faces.length === 0)
          faces = await this.detectTensor(t, { detector: 'tiny', inputSize: 608, minScore: 0.4 }, false);
        if (faces.length === 0 && !tight) faces = await this.detectPadded(t, img);
        if (faces.length === 0) return { face: null, failureToEnrol: 'no_face' };
        first = faces.reduce((a, b) => (b.box.width * b.box.height > a.box.width * a.box.height ? b : a));
      }
      // The chip only needs landmarks: a face large enough in the image gets them where it is, and only small
      // faces (card portraits) go through the upscaled re-detection crop.
      const small = fallback || first.box.width < (opts.refineBelowPx ?? REFINE_BELOW_PX);
      if (chip && first.landmarks.length !== 136 && !(refine && small)) {
        const lm = await this.landmarksAt(t, first.box);
        if (lm) first = { ...first, landmarks: lm };
      }
      if (chip && first.landmarks.length === 136 && !(refine && small)) {
        const descriptor = await this.describeChip(t, first.landmarks, opts);
        if (descriptor.length > 0) {
          const face = { ...first, descriptor };
          const sharp = laplacianVariance(img.data, img.width, img.height, face.box);
          const tooSmall = face.box.width < MIN_FACE_PX / 3;
          return { face: { ...face, sharpness: sharp }, failureToEnrol: tooSmall ? 'face_too_small' : null };
        }
      }
      let face: Omit<FaceObservation, 'sharpness'> | null = null;
      if (refine) {
        for (const pad of [0.6, 1.1]) {
          face = await this.describeCrop(t, first, pad, opts);
          if (face) break;
        }
        // Roll is only known once landmarks exist: re-describe a tilted face on an upright crop.
        if (
          face &&
          (opts.align ?? true) &&
          !chip &&
          first.landmarks.length === 0 &&
          Math.abs(eyeRoll(face.landmarks)) > MAX_ROLL
        ) {
          face = (await this.describeCrop(t, face, 0.6, opts)) ?? face;
        }
      }
      if (!face) {
        // Plain face-api (no refine, or the crop failed): landmarks and descriptor on the image itself.
        const largest = (l: Omit<FaceObservation, 'sharpness'>[]) =>
          l.sort((a, b) => b.box.width - a.box.width)[0];
        let cand = first.landmarks.length === 136 ? first : undefined;
        cand ??= largest(await this.detectTensor(t, { detector: 'auto', inputSize: 416, minScore: 0.3 }));
        if (!cand && !opts.hint) cand = largest(await this.detectPadded(t, img));
        if (cand)
          face = {
            ...cand,
            descriptor: chip
              ? await this.describeChip(t, cand.landmarks, opts)
              : await this.describeInPlace(t, cand.landmarks, opts.flip ?? true),
          };
      }
      if (!face) return { face: null, failureToEnrol: 'no_face' };
      const sharp = laplacianVariance(img.data, img.width, img.height, face.box);
      const tooSmall = face.box.width < MIN_FACE_PX / 3;
      return { face: { ...face, sharpness: sharp }, failureToEnrol: tooSmall ? 'face_too_small' : null };
    } finally {
      t.dispose();
    }
  }

  private async detectTensor(
    t: Tensor3D,
    opts: DetectOptions,
    withLandmarks = true,
  ): Promise<Omit<FaceObservation, 'sharpness'>[]> {
    const api = this.api;
    const run = async (kind: 'tiny' | 'ssd', inputSize = opts.inputSize ?? 416) => {
      const o =
        kind === 'tiny'
          ? new api.TinyFaceDetectorOptions({
              inputSize,
              scoreThreshold: opts.minScore ?? 0.5,
            })
          : new api.SsdMobilenetv1Options({ minConfidence: opts.minScore ?? 0.5, maxResults: 10 });
      if (!withLandmarks) {
        const dets = await api.detectAllFaces(t as never, o);
        return dets.map((d) => ({ box: plainBox(d.box), score: d.score, landmarks: [] as number[] }));
      }
      const res = await api.detectAllFaces(t as never, o).withFaceLandmarks();
      return res.map((r) => ({
        box: plainBox(r.detection.box),
        score: r.detection.score,
        landmarks: r.landmarks.positions.flatMap((p) => [p.x, p.y]),
      }));
    };
    let res = await run(opts.detector === 'ssd' ? 'ssd' : 'tiny');
    if (
      res.length === 0 &&
      opts.detector !== 'ssd' &&
      opts.retryInputSize &&
      opts.retryInputSize !== opts.inputSize
    )
      res = await run('tiny', opts.retryInputSize);
    if (res.length === 0 && opts.detector === 'auto') res = await run('ssd');
    return res.map((r) => ({
      ...r,
      descriptor: [],
    }));
  }

  /** The 68 landmarks of the face in `box` (image pixels), or null when the box is empty. */
  private async landmarksAt(t: Tensor3D, box: Box): Promise<Landmarks68 | null> {
    const api = this.api;
    const tf = tfOf(api);
    const [hgt, wid] = [t.shape[0], t.shape[1]];
    const x0 = Math.max(0, Math.floor(box.x));
    const y0 = Math.max(0, Math.floor(box.y));
    const x1 = Math.min(wid, Math.ceil(box.x + box.width));
    const y1 = Math.min(hgt, Math.ceil(box.y + box.height));
    if (x1 - x0 < 8 || y1 - y0 < 8) return null;
    const face = tf.slice(t, [y0, x0, 0], [y1 - y0, x1 - x0, 3]);
    try {
      const lm = (await api.nets.faceLandmark68Net.detectLandmarks(
        face as never,
      )) as FaceApiNs.FaceLandmarks68;
      return lm.positions.flatMap((p) => [p.x + x0, p.y + y0]);
    } finally {
      face.dispose();
    }
  }

  private async detectPadded(t: Tensor3D, img: RgbImage): Promise<Omit<FaceObservation, 'sharpness'>[]> {
    const tf = tfOf(this.api);
    // The padded canvas, squared by the detector, holds up to 7 times the picture's pixels: from a large photo
    // (an upright 8 MP one already) that exceeded the WASM heap (tfjs RangeError, the worker process died). The
    // detector sees the canvas at 416 px anyway, so a large picture is reduced first (k), losing nothing it uses.
    const k = Math.min(1, PADDED_MAX_PX / Math.max(img.width, img.height));
    const small =
      k < 1
        ? tf.tidy(
            () =>
              tf.image.resizeBilinear(t, [
                Math.max(1, Math.round(img.height * k)),
                Math.max(1, Math.round(img.width * k)),
              ]) as Tensor3D,
          )
        : t;
    try {
      // A face larger than the picture (chin and forehead cut) needs a wider margin to look like a face.
      for (const share of [0.35, 0.8]) {
        const p = Math.round(Math.max(small.shape[0], small.shape[1]) * share);
        const padded = tf.tidy(
          () =>
            tf.pad(
              small,
              [
                [p, p],
                [p, p],
                [0, 0],
              ],
              128,
            ) as Tensor3D,
        );
        try {
          const faces = await this.detectTensor(padded, { detector: 'auto', inputSize: 416, minScore: 0.3 });
          if (faces.length > 0) {
            return faces.map((f) => ({
              ...f,
              box: {
                x: (f.box.x - p) / k,
                y: (f.box.y - p) / k,
                width: f.box.width / k,
                height: f.box.height / k,
              },
              landmarks: f.landmarks.map((v) => (v - p) / k),
            }));
          }
        } finally {
          padded.dispose();
        }
      }
      return [];
    } finally {
      if (small !== t) small.dispose();
    }
  }

  private async describeCrop(
    t: Tensor3D,
    first: Omit<FaceObservation, 'sharpness'>,
    pad: number,
    opts: EnrolOptions,
  ): Promise<Omit<FaceObservation, 'sharpness'> | null> {
    const tf = tfOf(this.api);
    const side = Math.max(first.box.width, first.box.height) * (1 + 2 * pad);
    const cx = first.box.x + first.box.width / 2;
    const cy = first.box.y + first.box.height / 2;
    let roll = 0;
    if ((opts.align ?? true) && first.landmarks.length === 136) roll = eyeRoll(first.landmarks);
    const k = CROP_PX / side;
    const cos = Math.cos(roll);
    const sin = Math.sin(roll);
    const h = CROP_PX / 2;
    // Output pixel (u, v) samples the image at (cx, cy) + R(roll)·((u, v) - h) / k.
    const toImage = (u: number, v: number): [number, number] => {
      const du = (u - h) / k;
      const dv = (v - h) / k;
      return [cx + du * cos - dv * sin, cy + du * sin + dv * cos];
    };
    const [a2, b2] = toImage(0, 0);
    const crop = tf.tidy(() => {
      const m = tf.tensor2d([[cos / k, -sin / k, a2, sin / k, cos / k, b2, 0, 0]]);
      const x = tf.expandDims(tf.cast(t, 'float32'), 0) as Tensor4D;
      const out = tf.image.transform(x, m, 'bilinear', 'constant', 128, [CROP_PX, CROP_PX]);
      return tf.squeeze(tf.clipByValue(out, 0, 255), [0]) as Tensor3D;
    });
    try {
      const found = await this.detectTensor(crop, { detector: 'auto', inputSize: CROP_PX, minScore: 0.3 });
      if (found.length === 0) return null;
      // The face we asked for is the one nearest the crop centre.
      const centre = { x: h - 1, y: h - 1, width: 2, height: 2 };
      const best = found.reduce((a, b) => (dist2(b.box, centre) < dist2(a.box, centre) ? b : a));
      if (Math.sqrt(dist2(best.box, centre)) > CROP_PX * 0.25) return null;
      const lm: Landmarks68 = [];
      for (let i = 0; i < best.landmarks.length; i += 2)
        lm.push(...toImage(best.landmarks[i]!, best.landmarks[i + 1]!));
      const descriptor =
        (opts.alignment ?? 'chip') === 'chip'
          ? await this.describeChip(t, lm, opts)
          : await this.describeInPlace(crop, best.landmarks, opts.flip ?? true);
      const corners = [
        toImage(best.box.x, best.box.y),
        toImage(best.box.x + best.box.width, best.box.y + best.box.height),
      ];
      const box = {
        x: Math.min(corners[0]![0], corners[1]![0]),
        y: Math.min(corners[0]![1], corners[1]![1]),
        width: best.box.width / k,
        height: best.box.height / k,
      };
      return { box, score: best.score, landmarks: lm, descriptor };
    } finally {
      crop.dispose();
    }
  }

  /**
   * Descriptor of dlib's aligned face chip (see faceChipTransform), sampled from the image: a face larger
   * than the chip is first box-filtered by an integer factor so the bilinear resampling does not alias.
   * With `flip`, averaged with the descriptor of the mirrored chip.
   */
  private async describeChip(t: Tensor3D, lm: Landmarks68, opts: EnrolOptions): Promise<number[]> {
    const tf = tfOf(this.api);
    const tr = faceChipTransform(lm, CHIP_PX, CHIP_PADDING);
    const scale = Math.hypot(tr.a, tr.b);
    const [hgt, wid] = [t.shape[0], t.shape[1]];
    const corners = [
      [0, 0],
      [CHIP_PX, 0],
      [0, CHIP_PX],
      [CHIP_PX, CHIP_PX],
    ].map(([x, y]) => applySimilarity(tr, { x: x!, y: y! }));
    const x0 = Math.max(0, Math.floor(Math.min(...corners.map((c) => c.x))) - 2);
    const y0 = Math.max(0, Math.floor(Math.min(...corners.map((c) => c.y))) - 2);
    const x1 = Math.min(wid, Math.ceil(Math.max(...corners.map((c) => c.x))) + 2);
    const y1 = Math.min(hgt, Math.ceil(Math.max(...corners.map((c) => c.y))) + 2);
    if (x1 - x0 < 2 || y1 - y0 < 2 || !Number.isFinite(scale) || scale <= 0) return [];
    const k = scale >= 2 ? Math.floor(scale) : 1;
    const chips = tf.tidy(() => {
      let src = tf.cast(tf.slice(t, [y0, x0, 0], [y1 - y0, x1 - x0, 3]), 'float32') as Tensor3D;
      if (k > 1 && src.shape[0] >= k && src.shape[1] >= k) src = tf.avgPool(src, k, k, 'valid');
      const kk = src.shape[0] === y1 - y0 ? 1 : k;
      // Pooled source pixel q = (p - origin - (kk - 1) / 2) / kk for image pixel p.
      const m = [
        tr.a / kk,
        -tr.b / kk,
        (tr.tx - x0 - (kk - 1) / 2) / kk,
        tr.b / kk,
        tr.a / kk,
        (tr.ty - y0 - (kk - 1) / 2) / kk,
        0,
        0,
      ];
      // Outside the image the border pixels are repeated: a black frame around tightly cropped photos is
      // something the model never saw in training.
      const out = tf.image.transform(
        tf.expandDims(src, 0) as Tensor4D,
        tf.tensor2d([m]),
        'bilinear',
        'nearest',
        0,
        [CHIP_PX, CHIP_PX],
      );
      const clipped = tf.clipByValue(out, 0, 255) as Tensor4D;
      return (opts.flip ?? true) ? (tf.concat([clipped, tf.reverse(clipped, 2)], 0) as Tensor4D) : clipped;
    });
    // face-api takes a batch as an array of 3-D tensors (a 4-D input must have batch size 1).
    const list = tf.unstack(chips);
    try {
      const res = (await this.api.nets.faceRecognitionNet.computeFaceDescriptor(list as never)) as
        Float32Array | Float32Array[];
      return meanDescriptor(Array.isArray(res) ? res : [res]);
    } finally {
      chips.dispose();
      for (const c of list) c.dispose();
    }
  }

  /** face-api's descriptor on its landmark-aligned box, optionally averaged with the mirror image. */
  private async describeInPlace(t: Tensor3D, landmarks: Landmarks68, flip: boolean): Promise<number[]> {
    const api = this.api;
    const tf = tfOf(api);
    // FaceLandmarks68 takes positions relative to the image size.
    const [hgt, wid] = [t.shape[0], t.shape[1]];
    const pts = [];
    for (let i = 0; i < landmarks.length; i += 2)
      pts.push(new api.Point(landmarks[i]! / wid, landmarks[i + 1]! / hgt));
    const shape = new api.Dimensions(wid, hgt);
    const lm = new api.FaceLandmarks68(pts, shape);
    const [face] = await api.extractFaceTensors(t as never, [lm.align()]);
    if (!face) return [];
    try {
      const d = (await api.nets.faceRecognitionNet.computeFaceDescriptor(face as never)) as Float32Array;
      if (!flip) return meanDescriptor([d]);
      const mirrored = tf.reverse(face as unknown as Tensor3D, 1);
      try {
        const dm = (await api.nets.faceRecognitionNet.computeFaceDescriptor(
          mirrored as never,
        )) as Float32Array;
        return meanDescriptor([d, dm]);
      } finally {
        mirrored.dispose();
      }
    } finally {
      face.dispose();
    }
  }
}

async function loadFaceApi(): Promise<{ api: FaceApi; backend: string }> {
  const require = createRequire(import.meta.url);
  // tfjs-node is an optional native dependency: use it when it is installed and loads on this platform.
  try {
    require('@tensorflow/tfjs-node');
    const api = require('@vladmandic/face-api/dist/face-api.node.js') as FaceApi;
    await tfOf(api).setBackend('tensorflow');
    await tfOf(api).ready();
    return { api, backend: 'tensorflow' };
  } catch {
    // Not installed or no prebuilt binary: fall back to WASM.
  }
  const api = require('@vladmandic/face-api/dist/face-api.node-wasm.js') as FaceApi;
  await tfOf(api).setBackend('wasm');
  await tfOf(api).ready();
  return { api, backend: tfOf(api).getBackend() };
}

function toTensor(tf: Tf, img: RgbImage): Tensor3D {
  if (img.data.length !== img.width * img.height * 3)
    throw new RangeError('RgbImage data length does not match its size');
  return tf.tensor3d(
    new Uint8Array(img.data.buffer, img.data.byteOffset, img.data.length),
    [img.height, img.width, 3],
    'int32',
  );
}

function plainBox(b: { x: number; y: number; width: number; height: number }): Box {
  return { x: b.x, y: b.y, width: b.width, height: b.height };
}

function eyeRoll(lm: Landmarks68): number {
  let rx = 0,
    ry = 0,
    lx = 0,
    ly = 0;
  for (let i = 36; i <= 41; i++) {
    rx += lm[2 * i]!;
    ry += lm[2 * i + 1]!;
  }
  for (let i = 42; i <= 47; i++) {
    lx += lm[2 * i]!;
    ly += lm[2 * i + 1]!;
  }
  return Math.atan2((ly - ry) / 6, (lx - rx) / 6);
}

function dist2(a: Box, b: Box): number {
  return (a.x + a.width / 2 - (b.x + b.width / 2)) ** 2 + (a.y + a.height / 2 - (b.y + b.height / 2)) ** 2;
}
