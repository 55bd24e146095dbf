// Pure geometry on 68-point landmarks (iBUG order): pose, eye and mouth opening, similarity alignment.
// No model needed: every function here is unit-testable with hand-made points.
import type { Landmarks68 } from './types.js';

export interface Point {
  x: number;
  y: number;
}

export function point(lm: Landmarks68, i: number): Point {
  return { x: lm[2 * i]!, y: lm[2 * i + 1]! };
}

function dist(a: Point, b: Point): number {
  return Math.hypot(a.x - b.x, a.y - b.y);
}

function mean(lm: Landmarks68, from: number, to: number): Point {
  let x = 0;
  let y = 0;
  for (let i = from; i <= to; i++) {
    x += lm[2 * i]!;
    y += lm[2 * i + 1]!;
  }
  const n = to - from + 1;
  return { x: x / n, y: y / n };
}

/** Centres of the subject's right eye (points 36–41, image left) and left eye (42–47). */
export function eyeCentres(lm: Landmarks68): [Point, Point] {
  return [mean(lm, 36, 41), mean(lm, 42, 47)];
}

export function interOcular(lm: Landmarks68): number {
  const [r, l] = eyeCentres(lm);
  return dist(r, l);
}

/** Eye aspect ratio (Soukupová & Čech): ~0.3 open, < 0.15 closed. Mean of both eyes. */
export function eyeAspectRatio(lm: Landmarks68): number {
  const ear = (s: number): number => {
    const p = (k: number): Point => point(lm, s + k);
    const w = dist(p(0), p(3));
    return w > 0 ? (dist(p(1), p(5)) + dist(p(2), p(4))) / (2 * w) : 0;
  };
  return (ear(36) + ear(42)) / 2;
}

/** Inner-lip vertical gap (pairs 61–67, 62–66, 63–65) over the inter-ocular distance. */
export function mouthOpening(lm: Landmarks68): number {
  const iod = interOcular(lm);
  if (iod <= 0) return 0;
  const gap =
    (dist(point(lm, 61), point(lm, 67)) +
      dist(point(lm, 62), point(lm, 66)) +
      dist(point(lm, 63), point(lm, 65))) /
    3;
  return gap / iod;
}

export interface Pose {
  /** Degrees; positive = face turned towards image right. Rough (from 2D landmarks only). */
  yaw: number;
  /** Degrees; positive = looking down. Rough. */
  pitch: number;
  /** Degrees of in-plane rotation (eye line vs. horizontal). */
  roll: number;
}

/**
 * Approximate head pose from 2D landmarks. Yaw from where the nose tip sits between the jaw ends,
 * pitch from where it sits between the eye line and the chin, both after undoing the roll. Good enough
 * to rank frames by frontality, not a metric pose estimate.
 */
export function headPose(lm: Landmarks68): Pose {
  const [r, l] = eyeCentres(lm);
  const roll = Math.atan2(l.y - r.y, l.x - r.x);
  const c = Math.cos(-roll);
  const s = Math.sin(-roll);
  const rot = (p: Point): Point => ({ x: p.x * c - p.y * s, y: p.x * s + p.y * c });
  const jawL = rot(point(lm, 0));
  const jawR = rot(point(lm, 16));
  const nose = rot(point(lm, 30));
  const chin = rot(point(lm, 8));
  const eyes = rot({ x: (r.x + l.x) / 2, y: (r.y + l.y) / 2 });
  const span = jawR.x - jawL.x;
  const yawRatio = span > 0 ? (nose.x - jawL.x) / span : 0.5;
  const yaw = (Math.asin(Math.max(-1, Math.min(1, (yawRatio - 0.5) * 2))) * 180) / Math.PI;
  const height = chin.y - eyes.y;
  // On frontal faces the nose tip sits ~40 % of the way from the eye line to the chin.
  const pitchRatio = height > 0 ? (nose.y - eyes.y) / height : 0.4;
  const pitch = (pitchRatio - 0.4) * 250;
  return { yaw, pitch, roll: (roll * 180) / Math.PI };
}

/**
 * Residual of `cur` after the best similarity transform (scale, rotation, translation) onto `ref`
 * (orthogonal Procrustes), as the RMS point distance divided by the reference inter-ocular distance.
 * A photo moved in front of the camera leaves only detector jitter here; a live face speaking and
 * turning leaves more.
 */
export function nonRigidResidual(ref: Landmarks68, cur: Landmarks68, from = 17, to = 67): number {
  const idx = Array.from({ length: to - from + 1 }, (_, k) => from + k);
  const p = idx.map((i) => point(cur, i));
  const q = idx.map((i) => point(ref, i));
  // A degenerate shape (every point the same) has no rotation or scale to fit.
  if (p.every((v) => v.x === p[0]!.x && v.y === p[0]!.y)) return 0;
  const t = fitSimilarity(p, q);
  let sse = 0;
  for (const [k, v] of p.entries()) {
    const m = applySimilarity(t, v);
    sse += (m.x - q[k]!.x) ** 2 + (m.y - q[k]!.y) ** 2;
  }
  const iod = interOcular(ref);
  return iod > 0 ? Math.sqrt(sse / idx.length) / iod : 0;
}

/** Rectangle overlap over union, for matching faces across detector passes. */
export function iou(a: { x: number; y: number; width: number; height: number }, b: typeof a): number {
  const x1 = Math.max(a.x, b.x);
  const y1 = Math.max(a.y, b.y);
  const x2 = Math.min(a.x + a.width, b.x + b.width);
  const y2 = Math.min(a.y + a.height, b.y + b.height);
  const inter = Math.max(0, x2 - x1) * Math.max(0, y2 - y1);
  const union = a.width * a.height + b.width * b.height - inter;
  return union > 0 ? inter / union : 0;
}

/** 2-D similarity transform p' = [a −b; b a]·p + (tx, ty): scale √(a²+b²), rotation atan2(b, a). */
export interface Similarity {
  a: number;
  b: number;
  tx: number;
  ty: number;
}

export function applySimilarity(t: Similarity, p: Point): Point {
  return { x: t.a * p.x - t.b * p.y + t.tx, y: t.b * p.x + t.a * p.y + t.ty };
}

/** Least-squares similarity transform taking `from[i]` onto `to[i]` (no reflection). */
export function fitSimilarity(from: Point[], to: Point[]): Similarity {
  if (from.length !== to.length || from.length < 2) throw new RangeError('need ≥ 2 point pairs');
  const n = from.length;
  let fx = 0,
    fy = 0,
    tx = 0,
    ty = 0;
  for (let i = 0; i < n; i++) {
    fx += from[i]!.x;
    fy += from[i]!.y;
    tx += to[i]!.x;
    ty += to[i]!.y;
  }
  fx /= n;
  fy /= n;
  tx /= n;
  ty /= n;
  let num1 = 0,
    num2 = 0,
    den = 0;
  for (let i = 0; i < n; i++) {
    const px = from[i]!.x - fx,
      py = from[i]!.y - fy;
    const qx = to[i]!.x - tx,
      qy = to[i]!.y - ty;
    num1 += px * qx + py * qy;
    num2 += px * qy - py * qx;
    den += px * px + py * py;
  }
  const a = den > 0 ? num1 / den : 1;
  const b = den > 0 ? num2 / den : 0;
  return { a, b, tx: tx - (a * fx - b * fy), ty: ty - (b * fx + a * fy) };
}

// dlib's mean face shape (landmarks 17–67 in a unit square), from dlib/image_transforms/interpolation.h.
// prettier-ignore
const MEAN_FACE_X = [
  0.000213256, 0.0752622, 0.18113, 0.29077, 0.393397, 0.586856, 0.689483, 0.799124, 0.904991, 0.98004,
  0.490127, 0.490127, 0.490127, 0.490127, 0.36688, 0.426036, 0.490127, 0.554217, 0.613373, 0.121737,
  0.187122, 0.265825, 0.334606, 0.260918, 0.182743, 0.645647, 0.714428, 0.793132, 0.858516, 0.79751,
  0.719335, 0.254149, 0.340985, 0.428858, 0.490127, 0.551395, 0.639268, 0.726104, 0.642159, 0.556721,
  0.490127, 0.423532, 0.338094, 0.290379, 0.428096, 0.490127, 0.552157, 0.689874, 0.553364, 0.490127,
  0.42689,
];
// prettier-ignore
const MEAN_FACE_Y = [
  0.106454, 0.038915, 0.0187482, 0.0344891, 0.0773906, 0.0773906, 0.0344891, 0.0187482, 0.038915,
  0.106454, 0.203352, 0.307009, 0.409805, 0.515625, 0.587326, 0.609345, 0.628106, 0.609345, 0.587326,
  0.216423, 0.178758, 0.179852, 0.231733, 0.245099, 0.244077, 0.231733, 0.179852, 0.178758, 0.216423,
  0.244077, 0.245099, 0.780233, 0.745405, 0.727388, 0.742578, 0.727388, 0.745405, 0.780233, 0.864805,
  0.902192, 0.909281, 0.902192, 0.864805, 0.784792, 0.778746, 0.785343, 0.778746, 0.784792, 0.824182,
  0.831803, 0.824182,
];

/**
 * The face chip the face-api recognition model (a port of dlib's ResNet face descriptor) was trained on:
 * dlib's `get_face_chip_details(shape, size, padding)` — the similarity transform placing landmarks 27–54
 * and 60–64 (nose, eyes, outer mouth and upper inner lip; not brows, jaw or lower lip) onto dlib's mean face
 * shape inside a `size`×`size` chip with `padding` × shape size around it (dlib's recognition example: 150, 0.25).
 * Returns the transform from chip pixel coordinates to image pixel coordinates.
 */
export function faceChipTransform(lm: Landmarks68, size = 150, padding = 0.25): Similarity {
  const from: Point[] = [];
  const to: Point[] = [];
  for (let i = 27; i < 68; i++) {
    if ((i >= 55 && i <= 59) || i >= 65) continue;
    from.push({
      x: ((padding + MEAN_FACE_X[i - 17]!) / (2 * padding + 1)) * size,
      y: ((padding + MEAN_FACE_Y[i - 17]!) / (2 * padding + 1)) * size,
    });
    to.push(point(lm, i));
  }
  return fitSimilarity(from, to);
}
