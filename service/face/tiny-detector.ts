// face-api's Tiny face detector with a cheaper input normalisation. face-api subtracts its mean colour with a
// [1, s, s, 3] tensor made by concatenating three filled planes on the last axis, which the WASM backend copies
// element by element in JS: ~29 of a ~45 ms detection at input 224 (tf.profile), ~40–75 of ~100–140 ms at 416
// (measured 2026-12-07, 640×360 frame, 6 detections each way). Subtracting the mean by broadcasting is the same
// float32 arithmetic (x − mean, then / 255), so the boxes are face-api's (test/lipsync/landmark-net.test.ts).
import type * as FaceApiNs from '@vladmandic/face-api';
import type * as TfCore from '@tensorflow/tfjs-core';

/** The parts of face-api's Tiny face detector that its forward pass uses (not in its public types). */
interface TinyDetectorInternals {
  params: unknown;
  config: { meanRgb?: [number, number, number]; withSeparableConvs: boolean };
  runMobilenet(x: TfCore.Tensor4D, params: unknown): TfCore.Tensor4D;
  runTinyYolov2(x: TfCore.Tensor4D, params: unknown): TfCore.Tensor4D;
  forwardInput(input: { toBatchTensor(size: number, center: boolean): TfCore.Tensor4D }, size: number): unknown;
}

/** Replaces `det`'s input normalisation by the broadcast one (in place) and returns it. */
export function withBroadcastMean(
  api: typeof FaceApiNs,
  det: FaceApiNs.TinyFaceDetector,
): FaceApiNs.TinyFaceDetector {
  const tf = api.tf as unknown as typeof TfCore;
  const d = det as unknown as TinyDetectorInternals;
  d.forwardInput = (input, size) =>
    tf.tidy(() => {
      let x = tf.cast(input.toBatchTensor(size, false), 'float32');
      if (d.config.meanRgb) x = tf.sub(x, tf.tensor1d(d.config.meanRgb));
      x = tf.div(x, 255);
      return d.config.withSeparableConvs ? d.runMobilenet(x, d.params) : d.runTinyYolov2(x, d.params);
    });
  return det;
}
