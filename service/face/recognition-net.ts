// face-api's face recognition net (dlib's ResNet, 128-d descriptor) with a cheaper forward pass on its own
// weights. face-api runs each convolution as conv2d, + bias, × scale, + scale bias, ReLU: five full passes over
// the feature maps; here the scale is folded into the filters and bias once, and the convolution, bias and ReLU
// run as one fused op. Its input normalisation and the zero channels of its down-sampling blocks were concats,
// which the WASM backend copies element by element in JS; here a broadcast subtraction and tf.pad. The
// arithmetic is the same up to float32 rounding of the folded scale (descriptors equal to ~1e-6, a test checks).
import type * as FaceApiNs from '@vladmandic/face-api';
import type * as TfCore from '@tensorflow/tfjs-core';

type Tf = typeof TfCore;
type T4 = TfCore.Tensor4D;
type T1 = TfCore.Tensor1D;

/** One convolution layer of face-api's params: conv (filters, bias) then a per-channel scale. */
interface ConvLayer {
  conv: { filters: T4; bias: T1 };
  scale: { weights: T1; biases: T1 };
}
interface Residual {
  conv1: ConvLayer;
  conv2: ConvLayer;
}
type Layers = Record<
  | 'conv32_1'
  | 'conv32_2'
  | 'conv32_3'
  | 'conv64_down'
  | 'conv64_1'
  | 'conv64_2'
  | 'conv64_3'
  | 'conv128_down'
  | 'conv128_1'
  | 'conv128_2'
  | 'conv256_down'
  | 'conv256_1'
  | 'conv256_2'
  | 'conv256_down_out',
  Residual
> & { conv32_down: ConvLayer; fc: TfCore.Tensor2D };

/** A convolution layer with its scale folded in: filters × scale, bias × scale + scale bias. */
interface Folded {
  filters: T4;
  bias: T1;
}

const MEAN_RGB = [122.782, 117.001, 104.298];

function fold(tf: Tf, l: ConvLayer): Folded {
  return tf.tidy(() => ({
    filters: tf.mul(l.conv.filters, l.scale.weights) as T4,
    bias: tf.add(tf.mul(l.conv.bias, l.scale.weights), l.scale.biases) as T1,
  }));
}

function conv(tf: Tf, x: T4, f: Folded, stride: number, relu: boolean, pad: 'same' | 'valid' = 'same'): T4 {
  return tf.fused.conv2d({
    x,
    filter: f.filters,
    strides: stride,
    pad,
    bias: f.bias,
    activation: relu ? 'relu' : 'linear',
  });
}

/** face-api's residual block: relu(x + conv2(relu(conv1(x)))). */
function residual(tf: Tf, x: T4, r: [Folded, Folded]): T4 {
  return tf.relu(tf.add(conv(tf, conv(tf, x, r[0], 1, true), r[1], 1, false), x)) as T4;
}

/**
 * face-api's down-sampling block: conv1 at stride 2 ('valid'), conv2; the shortcut is a 2×2 average pool with
 * zero channels appended when the width doubles; a zero row and column pad the convolution path when the pool
 * is one larger.
 */
function residualDown(tf: Tf, x: T4, r: [Folded, Folded]): T4 {
  let out = conv(tf, conv(tf, x, r[0], 2, true, 'valid'), r[1], 1, false);
  let pooled = tf.avgPool(x, 2, 2, 'valid');
  const [, ph, pw, pc] = pooled.shape;
  const [, oh, ow, oc] = out.shape;
  if (ph !== oh || pw !== ow)
    out = tf.pad(out, [
      [0, 0],
      [0, ph - oh],
      [0, pw - ow],
      [0, 0],
    ]);
  if (pc !== oc)
    pooled = tf.pad(pooled, [
      [0, 0],
      [0, 0],
      [0, 0],
      [0, oc - pc],
    ]);
  return tf.relu(tf.add(pooled, out)) as T4;
}

/** The input of face-api's forwardInput (its NetInput): the batch at the net's size, centred padding. */
interface NetInputLike {
  toBatchTensor(size: number, center: boolean): T4;
}

/**
 * Replaces `net`'s forward pass by the folded one (in place; the weights stay face-api's, folded copies are
 * kept beside them). Call after the weights are loaded.
 */
export function withFoldedForward(
  api: typeof FaceApiNs,
  net: FaceApiNs.FaceRecognitionNet,
): FaceApiNs.FaceRecognitionNet {
  const tf = api.tf as unknown as Tf;
  const p = (net as unknown as { params?: Layers }).params;
  if (!p) throw new Error('face recognition net: load the weights first');
  const res = (k: keyof Omit<Layers, 'conv32_down' | 'fc'>): [Folded, Folded] => [
    fold(tf, p[k].conv1),
    fold(tf, p[k].conv2),
  ];
  const first = fold(tf, p.conv32_down);
  const blocks = {
    c32: [res('conv32_1'), res('conv32_2'), res('conv32_3')],
    d64: res('conv64_down'),
    c64: [res('conv64_1'), res('conv64_2'), res('conv64_3')],
    d128: res('conv128_down'),
    c128: [res('conv128_1'), res('conv128_2')],
    d256: res('conv256_down'),
    c256: [res('conv256_1'), res('conv256_2')],
    out: res('conv256_down_out'),
  };
  const mean = tf.keep(tf.tensor1d(MEAN_RGB));
  (net as unknown as { forwardInput(input: NetInputLike): TfCore.Tensor2D }).forwardInput = (input) =>
    tf.tidy(() => {
      const x = tf.div(tf.sub(tf.cast(input.toBatchTensor(150, true), 'float32'), mean), 255) as T4;
      let a = conv(tf, x, first, 2, true, 'valid');
      a = tf.maxPool(a, 3, 2, 'valid');
      for (const r of blocks.c32) a = residual(tf, a, r);
      a = residualDown(tf, a, blocks.d64);
      for (const r of blocks.c64) a = residual(tf, a, r);
      a = residualDown(tf, a, blocks.d128);
      for (const r of blocks.c128) a = residual(tf, a, r);
      a = residualDown(tf, a, blocks.d256);
      for (const r of blocks.c256) a = residual(tf, a, r);
      a = residualDown(tf, a, blocks.out);
      return tf.matMul(tf.mean(a, [1, 2]) as TfCore.Tensor2D, p.fc);
    });
  return net;
}
