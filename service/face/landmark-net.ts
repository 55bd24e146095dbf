// The forward pass of face-api's 68-point landmark nets (full and tiny) written with fused convolutions, on the
// weights face-api loaded: the same arithmetic as face-api's own forward pass (landmarks equal to ~1e-4 px, a test
// checks it), at ~45 % less CPU on the WASM backend. face-api adds each convolution's bias and applies its ReLU
// as separate tensor operations, each a full pass over a batch of 112×112 feature maps; here the bias and the
// ReLU go into the convolution.
import type * as TfCore from '@tensorflow/tfjs-core';
import type { RgbImage } from '../media/types.js';

type Tf = typeof TfCore;
type T4 = TfCore.Tensor4D;
type T1 = TfCore.Tensor1D;

interface ConvParams {
  filters: T4;
  bias: T1;
}
interface SeparableConvParams {
  depthwise_filter: T4;
  pointwise_filter: T4;
  bias: T1;
}
/** A dense block: conv0 (a plain convolution in the first block), then 2 (tiny) or 3 (full) separable ones. */
export interface DenseBlockParams {
  conv0: ConvParams | SeparableConvParams;
  conv1: SeparableConvParams;
  conv2: SeparableConvParams;
  conv3?: SeparableConvParams;
}
export interface LandmarkNetParams {
  /** dense0…dense3 (full) or dense0…dense2 (tiny), in order. */
  blocks: DenseBlockParams[];
  fc: { weights: TfCore.Tensor2D; bias: T1 };
  /** Side of the average pool before the fully connected layer: 7 (full) or 14 (tiny) at the 112-px input. */
  poolSize: number;
}

/** face-api's input normalisation: (pixel − mean RGB) / 255, in float32. */
const MEAN_RGB = [122.782, 117.001, 104.298];
const MEAN_F32 = Float32Array.from(MEAN_RGB);
const f32 = Math.fround;

function separable(tf: Tf, x: T4, p: SeparableConvParams, stride: number, relu: boolean): T4 {
  const d = tf.depthwiseConv2d(x, p.depthwise_filter, stride, 'same');
  return tf.fused.conv2d({
    x: d,
    filter: p.pointwise_filter,
    strides: 1,
    pad: 'same',
    bias: p.bias,
    activation: relu ? 'relu' : 'linear',
  });
}

/**
 * face-api's denseBlock3/denseBlock4: out1 = relu(conv0(x)), then each further conv reads relu(sum of the
 * outputs so far) and the block returns relu(sum of all outputs). The running sums are kept, not recomputed.
 */
function denseBlock(tf: Tf, x: T4, p: DenseBlockParams, first: boolean): T4 {
  const out1 = first
    ? tf.fused.conv2d({
        x,
        filter: (p.conv0 as ConvParams).filters,
        strides: 2,
        pad: 'same',
        bias: p.conv0.bias,
        activation: 'relu',
      })
    : separable(tf, x, p.conv0 as SeparableConvParams, 2, true);
  let sum: T4 = out1;
  for (const conv of p.conv3 ? [p.conv1, p.conv2, p.conv3] : [p.conv1, p.conv2]) {
    // out1 is already ≥ 0, so relu(out1) = out1 for the first of these.
    const input = sum === out1 ? out1 : tf.relu(sum);
    sum = tf.add(sum, separable(tf, input, conv, 1, false));
  }
  return tf.relu(sum);
}

/**
 * The nets' raw output for a batch of normalised 112×112 RGB inputs (writeNetInput): [batch, 136], x and y of
 * the 68 points relative to the (padded) input square.
 */
export function landmarkNetForward(tf: Tf, batch: T4, params: LandmarkNetParams): TfCore.Tensor2D {
  return tf.tidy(() => {
    let out = batch;
    params.blocks.forEach((b, i) => (out = denseBlock(tf, out, b, i === 0)));
    out = tf.avgPool(out, [params.poolSize, params.poolSize], [2, 2], 'valid');
    const flat = tf.reshape(out, [out.shape[0], -1]) as TfCore.Tensor2D;
    return tf.add(tf.matMul(flat, params.fc.weights), params.fc.bias) as TfCore.Tensor2D;
  });
}

/**
 * face-api's postProcess for one crop, in plain float32 arithmetic instead of ~8 small tensor operations a
 * batch: the net's raw output (136 values from `offset`) relative to the padded input square, to positions
 * relative to the crop (x over its width, y over its height); `size` is the input side.
 */
export function cropRelative(
  raw: ArrayLike<number>,
  offset: number,
  size: number,
  crop: { width: number; height: number },
): Float32Array {
  const k = size / Math.max(crop.width, crop.height);
  const w = crop.width * k;
  const h = crop.height * k;
  const padX = f32(w < h ? Math.abs(w - h) / 2 : 0);
  const padY = f32(h < w ? Math.abs(w - h) / 2 : 0);
  const S = f32(size);
  const [W, H] = [f32(w), f32(h)];
  const out = new Float32Array(136);
  for (let j = 0; j < 136; j += 2) {
    out[j] = f32(f32(f32(raw[offset + j]! * S) - padX) / W);
    out[j + 1] = f32(f32(f32(raw[offset + j + 1]! * S) - padY) / H);
  }
  return out;
}

/** Side of the nets' input square (what they were trained on). */
export const NET_INPUT = 112;

/**
 * The average pool's side for an input of `side` px: the whole last feature map (its side is the input's over
 * 16 for the full net's four stride-2 blocks, over 8 for the tiny net's three), as at 112 px (7 and 14).
 */
export const poolSizeFor = (tiny: boolean, side: number): number => Math.ceil(side / (tiny ? 8 : 16));

/**
 * One crop as the nets' input, written into `out` at `offset` (112×112×3 floats): what face-api's NetInput makes
 * of an image tensor (padToSquare with the padding centred, then tf.image.resizeBilinear without aligned corners
 * or half-pixel centres), normalised as its nets do ((pixel − mean RGB) / 255), computed here in one pass instead
 * of ~8 tensor operations and a copy per crop. The normalisation is float32 arithmetic, as the tensor operations
 * did it (each step rounded to float32: the same values), and saves two passes over the batch (~15 ms a case).
 */
export function writeNetInput(crop: RgbImage, out: Float32Array, offset: number, size = NET_INPUT): void {
  const sq = padToSquare(crop);
  const side = sq.width;
  const d = sq.data;
  const scale = side / size;
  // Source rows/columns and weights of each output row/column (the same for rows and columns of a square).
  const i0 = new Int32Array(size);
  const i1 = new Int32Array(size);
  const f = new Float64Array(size);
  for (let k = 0; k < size; k++) {
    const s = k * scale;
    i0[k] = Math.floor(s);
    i1[k] = Math.min(side - 1, Math.ceil(s));
    f[k] = s - i0[k]!;
  }
  const stride = side * 3;
  let o = offset;
  for (let r = 0; r < size; r++) {
    const ra = i0[r]! * stride;
    const rb = i1[r]! * stride;
    const fy = f[r]!;
    for (let c = 0; c < size; c++) {
      const xa = i0[c]! * 3;
      const xb = i1[c]! * 3;
      const fx = f[c]!;
      for (let ch = 0; ch < 3; ch++) {
        const tl = d[ra + xa + ch]!;
        const top = tl + (d[ra + xb + ch]! - tl) * fx;
        const bl = d[rb + xa + ch]!;
        const bottom = bl + (d[rb + xb + ch]! - bl) * fx;
        out[o++] = f32(f32(f32(top + (bottom - top) * fy) - MEAN_F32[ch]!) / 255);
      }
    }
  }
}

/** face-api's padToSquare with the padding centred: zeros, round(diff / 2) after the image and the rest before. */
function padToSquare(crop: RgbImage): RgbImage {
  const { width: w, height: h } = crop;
  if (w === h) return crop;
  const side = Math.max(w, h);
  const diff = side - Math.min(w, h);
  const before = diff - Math.round(diff * 0.5);
  const dx = w < h ? before : 0;
  const dy = h < w ? before : 0;
  const data = Buffer.alloc(side * side * 3);
  for (let y = 0; y < h; y++)
    data.set(crop.data.subarray(y * w * 3, (y + 1) * w * 3), ((y + dy) * side + dx) * 3);
  return { width: side, height: side, data };
}

/**
 * Replaces the `runNet` of face-api's 68-point landmark net (full or tiny) by landmarkNetForward on its own
 * weights (in place), for the face engine's landmark calls: face-api's input normalisation (a concat the WASM
 * backend copies element by element) becomes a broadcast subtraction, and its convolutions fused ones. face-api's
 * postProcess is kept. Call after the weights are loaded.
 */
export function withFusedLandmarks(
  tf: Tf,
  net: { faceFeatureExtractor: unknown; params?: unknown },
  tiny: boolean,
): void {
  const fe = (net.faceFeatureExtractor as { params?: Record<string, DenseBlockParams> }).params;
  const fc = (net.params as { fc?: LandmarkNetParams['fc'] } | undefined)?.fc;
  if (!fe || !fc) throw new Error('landmark net: load the weights first');
  const params: LandmarkNetParams = {
    blocks: (tiny ? ['dense0', 'dense1', 'dense2'] : ['dense0', 'dense1', 'dense2', 'dense3']).map(
      (k) => fe[k]!,
    ),
    fc,
    poolSize: poolSizeFor(tiny, NET_INPUT),
  };
  const mean = tf.keep(tf.tensor1d(MEAN_F32));
  (
    net as unknown as { runNet(input: { toBatchTensor(size: number, center: boolean): T4 }): TfCore.Tensor2D }
  ).runNet = (input) =>
    tf.tidy(() =>
      landmarkNetForward(
        tf,
        tf.div(tf.sub(tf.cast(input.toBatchTensor(NET_INPUT, true), 'float32'), mean), 255) as T4,
        params,
      ),
    );
}
