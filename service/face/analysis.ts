// Pure aggregation of per-frame detections into the live-face result, card-in-video result and signals.
// Inputs are plain observations from the workers; no model, no I/O (unit-testable with synthetic faces).
import { decide, euclidean, median, similarityFromDistance, type DecisionThresholds } from './calibration.js';
import { mouthOpening, nonRigidResidual } from './geometry.js';
import { faceQuality, type CaptureSummary } from './quality.js';
import type {
  BestFrame,
  CardInVideoResult,
  FaceObservation,
  FaceSignals,
  LiveFaceResult,
  MotionStats,
  MouthSample,
} from './types.js';

export interface AnalysisParams {
  /** Frames whose live-face descriptors are aggregated. Default 3 (median of 3 is already robust to one bad frame). */
  bestK: number;
  /** A face narrower than this fraction of the live face is a card-portrait candidate. Default 0.55. */
  cardMaxRatio: number;
  /** Smallest card-portrait candidate (px) worth describing. Default 18. */
  cardMinPx: number;
  /** Card candidates described (the largest ones). Default 2. */
  cardCandidates: number;
  /**
   * Frames searched (one after the other, stopping at the first hit) for a small card portrait with the
   * tiled detector when the frame pass saw none. Default 5 (3 missed cards held up in half of the video;
   * the extra frames cost only when the card has not been found yet).
   */
  cardSearchFrames: number;
  /** Side of a card-search tile as a share of the frame's shorter side. Default 0.5. */
  cardTileFraction: number;
  /**
   * Detector input size for a tile. Default 256: a 180 px tile is enlarged 1.4×, enough for the ~25 px card
   * portrait of a 640 px frame (measured: same hit rate as 416 px on 0.6-side tiles at a third of the CPU).
   */
  cardTileInput: number;
  /**
   * When no upright card portrait was found: frames (the first of the search order) whose most card-like
   * tiles are searched again turned upside down and sideways (card.ts). Default 3.
   */
  cardTurnedFrames: number;
  /** Tiles per frame in that turned search, the most card-like first. Default 4. */
  cardTurnedTiles: number;
  /**
   * Detector input size of the enlarged upright pass of that search (a card held far away). Default 416: a
   * 180 px tile enlarged 2.3×, so a ~15 px card portrait reaches the detector's ~35 px.
   */
  cardZoomInput: number;
  /**
   * Last pass of that search: this many most card-like half-side crops around those tiles, upright at
   * `cardTileInput` (a 90 px crop enlarged 2.8×: a small card held far away). Default 4; 0 turns it off.
   */
  cardSubTiles: number;
  /**
   * A card candidate is the card portrait when its similarity to the uploaded ID portrait reaches this
   * (card.ts isCardPortrait). Default 0.3: the card shown is the uploaded document, so its portrait is the
   * same photo; face-like patterns and other pictures measured far lower (see models/face/CALIBRATION.md).
   */
  cardConfirmSimilarity: number;
  /**
   * Once the card portrait is confirmed in one frame: other frames (nearest in time) searched for it again, one
   * detector call each on the tile around it, each candidate described; the card's similarity is the best view's
   * (card.ts refineCard). Default 3; 0 turns it off.
   */
  cardRefineFrames: number;
  /**
   * That second look (and the half-turned view of the confirmed candidate, card.ts halfTurned) only while the
   * best card view's similarity is below this. Default 0.9: a genuine card's upright view measures ≥ 0.99 (the
   * card shows the uploaded portrait), so the usual card costs nothing more; poor views measured 0.3–0.6.
   */
  cardRefineBelow: number;
  /**
   * Smallest Tiny score of a face on a card-search tile. Default 0.2 (was 0.35): a plainly visible card portrait
   * (~40 px, dim, noisy) scored 0.1–0.53 with the crop and input size, so a genuine card was reported unseen;
   * described, it matched the ID portrait at 0.97–0.99. Every candidate is confirmed against the ID portrait
   * (cardConfirmSimilarity) before it counts, so a lower score costs descriptions, not false cards.
   */
  cardTileMinScore: number;
  /** Share of face frames with a second live-sized face that raises multiplePeople. Default 0.3. */
  multipleShare: number;
  /**
   * Below this non-rigid landmark motion (inter-ocular units, 90th percentile) the video is static.
   * Default 0.008. Measured on 20 generated cases (8 frames, Tiny 416 px, landmarks of the live face):
   * frozen photo 0.0063–0.0075, every live face (genuine and other attacks) ≥ 0.0092 — a thin margin on
   * synthetic videos; operators should check it on their own recordings. Landmark jitter grows with a smaller
   * detector input (320 px: frozen photo up to 0.009, and a second landmark pass in a landmark-derived box
   * made two live faces look static), which is why frame detection stays at 416 px.
   */
  staticMotion: number;
  /**
   * Below this mouth-opening standard deviation the video is static too. Default 0.003: frozen photo
   * 0.0024–0.0047; a live applicant who says nothing (no-audio case) 0.0063, reading digits ≥ 0.0062.
   */
  staticMouthStd: number;
  /**
   * Both cues weak at once is static too: non-rigid motion below `staticJointMotion` (default 0.0095) with
   * a mouth-opening deviation below `staticJointMouthStd` (default 0.006). Measured on 61 generated cases
   * (two seeds, 8 frames): a frozen photo reached 0.0089 / 0.0047 (past each single threshold, so it was
   * auto-approved); live faces in that motion range moved their mouth ≥ 0.0070, and the silent live faces
   * whose mouth stayed under 0.006 moved ≥ 0.0118 (one wrong-digits attack, 0.0078 / 0.0043, is flagged by
   * the single thresholds already). Genuine applicants measured ≥ 0.0109 / ≥ 0.0072.
   */
  staticJointMotion: number;
  staticJointMouthStd: number;
  /**
   * Describe the live face and card-portrait candidates on the frame's full-resolution copy when it has one
   * (fullres.ts; the stage decodes it alongside the analysed frame). Default true; see
   * models/face/CALIBRATION.md for the distances with and without.
   */
  describeFull: boolean;
  /**
   * The live face is described from the full-resolution copy only when it is narrower than this on the
   * analysed frame (px). Default 100: dlib's chip shows the face ~100 px wide, so a wider face already has the
   * pixels the chip needs, and cutting it from the full frame only costs CPU (measured +100 ms per case).
   */
  fullBelowPx: number;
  /**
   * A card-portrait candidate is described from the full-resolution copy only when smaller than this (px, longer
   * side, analysed frame). Default 30: far cards (10–20 px) gained (e.g. 0.651 → 0.998, one not found → 0.946);
   * two larger sideways ones lost (0.94 → 0.30, 0.999 → 0.53) (models/face/CALIBRATION.md).
   */
  cardFullBelowPx: number;
  /**
   * Average each live descriptor with its mirror image's (one more recognition pass per best frame). Default
   * false: measured on the seed-41 cases it moved fused distances by −0.025 to +0.012, no borderline genuine
   * case across the accept distance (models/face/CALIBRATION.md).
   */
  liveFlip: boolean;
  /** Largest centre shift (× face width) between two faces of one track (classifyFrames). Default 1. */
  trackMaxShift: number;
  /** Largest width ratio between two faces of one track. Default 2 (a card portrait is < 0.55 × the face). */
  trackMaxScale: number;
}

export const DEFAULT_ANALYSIS: AnalysisParams = {
  bestK: 3,
  cardMaxRatio: 0.55,
  cardMinPx: 18,
  cardCandidates: 2,
  cardSearchFrames: 5,
  cardTileFraction: 0.5,
  cardTileInput: 256,
  cardTurnedFrames: 3,
  cardTurnedTiles: 4,
  cardZoomInput: 416,
  cardSubTiles: 4,
  cardConfirmSimilarity: 0.3,
  cardRefineFrames: 3,
  cardRefineBelow: 0.9,
  cardTileMinScore: 0.2,
  multipleShare: 0.3,
  staticMotion: 0.008,
  staticMouthStd: 0.003,
  staticJointMotion: 0.0095,
  staticJointMouthStd: 0.006,
  trackMaxShift: 1,
  trackMaxScale: 2,
  describeFull: true,
  fullBelowPx: 100,
  cardFullBelowPx: 30,
  liveFlip: false,
};

export interface FrameFaces {
  index: number;
  timeSec: number;
  faces: FaceObservation[];
}

export interface ClassifiedFrame {
  index: number;
  timeSec: number;
  /** The largest face: the applicant. */
  live: FaceObservation | null;
  /** Other faces of comparable size: other people. */
  others: FaceObservation[];
  /** Clearly smaller faces: the portrait on the held-up card (or a photo in the background). */
  cards: FaceObservation[];
  quality: number;
}

export function classifyFrame(
  f: FrameFaces,
  p: AnalysisParams = DEFAULT_ANALYSIS,
  liveTrack: LiveTrack | null = null,
): ClassifiedFrame {
  const sorted = [...f.faces].sort((a, b) => b.box.width - a.box.width);
  // With a live track, the live face is the track's face: a frame without one has no live face (what is left
  // is the card portrait, or someone else, while the applicant's face was missed), and must not be compared
  // as the applicant.
  const live = liveTrack ? sorted.find((o) => liveTrack.faces.has(o)) : sorted[0];
  if (!live) return { index: f.index, timeSec: f.timeSec, live: null, others: [], cards: [], quality: 0 };
  const rest = sorted.filter((o) => o !== live);
  // Sizes are judged against the applicant's usual face width: when the face detection shrinks in one frame
  // (turned, backlit), the card portrait beside it must not look like a second person.
  const ref = Math.max(live.box.width, liveTrack?.medianWidth ?? 0);
  return {
    index: f.index,
    timeSec: f.timeSec,
    live,
    others: rest.filter((o) => o.box.width >= ref * p.cardMaxRatio),
    cards: rest.filter((o) => o.box.width < ref * p.cardMaxRatio && o.box.width >= p.cardMinPx),
    quality: faceQuality(live).total,
  };
}

/**
 * Every frame classified, with the live face taken from one track over the video. The applicant's face stays
 * in place and keeps its size from frame to frame; when it is missed in some frames (turned, backlit), the
 * largest face left there is usually the card portrait, which alone would be compared with the uploaded
 * portrait as if it were the applicant (measured: a backlit genuine case scored 0.10, the card's own photo).
 * Faces are chained into tracks (centre within `trackMaxShift` × width of the track's last face, width within
 * a factor `trackMaxScale`); the live track is the one whose faces are widest (median), among tracks seen in at
 * least a quarter of the frames with a face. When every frame's largest face is on it, nothing changes.
 */
export function classifyFrames(all: FrameFaces[], p: AnalysisParams = DEFAULT_ANALYSIS): ClassifiedFrame[] {
  const live = liveTrack(all, p);
  return all.map((f) => classifyFrame(f, p, live));
}

/** The applicant's faces over the video and their median width (px). */
export interface LiveTrack {
  faces: ReadonlySet<FaceObservation>;
  medianWidth: number;
}

/** The applicant's track (see classifyFrames), or null when there is no face at all. */
export function liveTrack(all: FrameFaces[], p: AnalysisParams = DEFAULT_ANALYSIS): LiveTrack | null {
  const tracks: FaceObservation[][] = [];
  for (const f of [...all].sort((a, b) => a.timeSec - b.timeSec)) {
    const taken = new Set<FaceObservation[]>();
    for (const o of [...f.faces].sort((a, b) => b.box.width - a.box.width)) {
      const cx = o.box.x + o.box.width / 2;
      const cy = o.box.y + o.box.height / 2;
      let best: FaceObservation[] | null = null;
      let bestD = Infinity;
      for (const t of tracks) {
        if (taken.has(t)) continue;
        const last = t[t.length - 1]!.box;
        const ratio = o.box.width / last.width;
        if (ratio > p.trackMaxScale || ratio < 1 / p.trackMaxScale) continue;
        const d = Math.hypot(cx - (last.x + last.width / 2), cy - (last.y + last.height / 2));
        if (d <= p.trackMaxShift * Math.max(last.width, o.box.width) && d < bestD) {
          best = t;
          bestD = d;
        }
      }
      if (best) best.push(o);
      else tracks.push((best = [o]));
      taken.add(best);
    }
  }
  if (tracks.length === 0) return null;
  const withFace = all.filter((f) => f.faces.length > 0).length;
  const medianWidth = (t: FaceObservation[]) => median(t.map((o) => o.box.width));
  const seen = tracks.filter((t) => t.length >= Math.max(1, withFace / 4));
  const pool = seen.length > 0 ? seen : tracks;
  const live = pool.reduce((a, b) => (medianWidth(b) > medianWidth(a) ? b : a));
  return { faces: new Set(live), medianWidth: medianWidth(live) };
}

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Frames to describe: the best K live faces, and the frames with the largest card-portrait candidates. */
export function planDescriptors(
  frames: ClassifiedFrame[],
  p: AnalysisParams = DEFAULT_ANALYSIS,
): { live: ClassifiedFrame[]; cards: ClassifiedFrame[] } {
  const live = frames
    .filter((f) => f.live)
    .sort((a, b) => b.quality - a.quality)
    .slice(0, p.bestK);
  const cards = frames
    .filter((f) => f.live && f.cards.length > 0)
    .sort((a, b) => b.cards[0]!.box.width * b.cards[0]!.score - a.cards[0]!.box.width * a.cards[0]!.score)
    .slice(0, p.cardCandidates);
  return { live, cards };
}

export function motionStats(frames: ClassifiedFrame[]): MotionStats {
  const withFace = frames.filter((f) => f.live && f.live.landmarks.length === 136);
  if (withFace.length < 2) return { nonRigidMotion: 0, mouthOpeningStd: 0 };
  const ref = withFace.reduce((a, b) => (b.quality > a.quality ? b : a)).live!.landmarks;
  const residuals = withFace.map((f) => nonRigidResidual(ref, f.live!.landmarks)).sort((a, b) => a - b);
  const p90 = residuals[Math.min(residuals.length - 1, Math.floor(residuals.length * 0.9))]!;
  const openings = withFace.map((f) => mouthOpening(f.live!.landmarks));
  const m = openings.reduce((a, b) => a + b, 0) / openings.length;
  const sd = Math.sqrt(openings.reduce((a, b) => a + (b - m) ** 2, 0) / openings.length);
  return { nonRigidMotion: p90, mouthOpeningStd: sd };
}

export function mouthTrack(frames: ClassifiedFrame[]): MouthSample[] {
  return frames
    .filter((f) => f.live && f.live.landmarks.length === 136)
    .map((f) => ({ timeSec: f.timeSec, opening: mouthOpening(f.live!.landmarks) }));
}

export interface Described {
  index: number;
  timeSec: number;
  quality: number;
  descriptor: number[];
}

/**
 * One descriptor for the whole video: the quality-weighted mean of the best frames' descriptors,
 * re-normalised. Frame-to-frame noise (pose, expression, codec) averages out, so this distance to the
 * portrait is steadier than any single frame's (models/face/CALIBRATION.md, "Video vs portrait").
 */
export function fusedDescriptor(described: Described[]): number[] | null {
  const usable = described.filter((d) => d.descriptor.length > 0);
  if (usable.length === 0) return null;
  const out = new Array<number>(usable[0]!.descriptor.length).fill(0);
  for (const d of usable) {
    const w = Math.max(0.05, d.quality);
    for (let i = 0; i < out.length; i++) out[i]! += w * d.descriptor[i]!;
  }
  let n = 0;
  for (const v of out) n += v * v;
  n = Math.sqrt(n) || 1;
  return out.map((v) => v / n);
}

export function liveResult(
  frames: ClassifiedFrame[],
  described: Described[],
  portrait: number[] | null,
  thresholds: DecisionThresholds,
): LiveFaceResult {
  const bestFrames: BestFrame[] = described.map((d) => ({
    index: d.index,
    timeSec: d.timeSec,
    quality: d.quality,
  }));
  const usable = described.filter((d) => d.descriptor.length > 0);
  let distance: number | null = null;
  let medianDistance: number | null = null;
  const fused = fusedDescriptor(usable);
  if (portrait && portrait.length > 0 && fused) {
    medianDistance = median(usable.map((d) => euclidean(d.descriptor, portrait)));
    distance = euclidean(fused, portrait);
  }
  const similarity = distance === null ? null : similarityFromDistance(distance);
  return {
    framesAnalysed: frames.length,
    framesWithFace: frames.filter((f) => f.live).length,
    bestFrames,
    distance,
    medianDistance,
    similarity,
    decision: similarity === null ? null : decide(similarity, thresholds),
    descriptor: fused,
  };
}

export function signals(
  frames: ClassifiedFrame[],
  motion: MotionStats,
  card: CardInVideoResult,
  p: AnalysisParams = DEFAULT_ANALYSIS,
  capture: CaptureSummary | null = null,
): FaceSignals {
  const withFace = frames.filter((f) => f.live);
  const n = frames.length;
  const problems = capture?.problems ?? [];
  const multi = withFace.filter((f) => f.others.length > 0).length;
  return {
    noFace: n === 0 || withFace.length < n / 2,
    faceTooSmall: problems.includes('too_small'),
    captureProblems: problems,
    multiplePeople: withFace.length > 0 && multi >= Math.max(2, withFace.length * p.multipleShare),
    // Either missing cue is enough: a live speaker shows both. Requiring both to be missing let a photo
    // through whenever codec jitter alone nudged one measure over its threshold.
    staticVideo:
      withFace.length >= 3 &&
      (motion.nonRigidMotion < p.staticMotion ||
        motion.mouthOpeningStd < p.staticMouthStd ||
        (motion.nonRigidMotion < p.staticJointMotion && motion.mouthOpeningStd < p.staticJointMouthStd)),
    cardNotSeen: !card.found,
  };
}
