// Public result shapes of the face engine. Engines exchange plain data: no tensors, no classes.
import type { RgbImage, VideoFrame } from '../media/types.js';

export type { RgbImage, VideoFrame };

/** Axis-aligned box in pixels of the analysed image. */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** 68 landmarks (iBUG 300-W order) as a flat [x0, y0, x1, y1, ...] array of 136 numbers, image pixels. */
export type Landmarks68 = number[];

/** One detected face, as computed in a worker. */
export interface FaceObservation {
  box: Box;
  /** Detector confidence 0..1. */
  score: number;
  landmarks: Landmarks68;
  /** 128-d face descriptor (L2-normalised). Empty when not computed. */
  descriptor: number[];
  /** Variance of the Laplacian on the grey face crop (higher = sharper). */
  sharpness: number;
}

/** Why no usable portrait could be taken from the document photo. */
export type FailureToEnrol = 'no_face' | 'face_too_small' | 'low_quality';

export interface PortraitResult {
  found: boolean;
  /** Box in the document photo. */
  box: Box | null;
  /** Set when found is false. */
  failureToEnrol: FailureToEnrol | null;
}

export type FaceDecision = 'match' | 'review' | 'mismatch';

export interface BestFrame {
  index: number;
  timeSec: number;
  /** Quality 0..1 (size, sharpness, pose, eyes open). */
  quality: number;
}

export interface LiveFaceResult {
  framesAnalysed: number;
  framesWithFace: number;
  bestFrames: BestFrame[];
  /**
   * Distance of the fused video descriptor (quality-weighted mean of the best frames' descriptors) to the ID
   * portrait (null without portrait or live face).
   */
  distance: number | null;
  /** Median of the best frames' single distances (the earlier score; kept for calibration and review). */
  medianDistance: number | null;
  /** The fused live descriptor itself (biometric: for the seen-before index only, never stored in clear). */
  descriptor?: number[] | null;
  /** Calibrated similarity 0..1, see calibration.ts for its meaning (null when distance is null). */
  similarity: number | null;
  /** null when no comparison was possible (failure to enrol or no live face). */
  decision: FaceDecision | null;
}

export interface CardInVideoResult {
  /** A second, smaller face (the card portrait) was seen next to the live face. */
  found: boolean;
  /** Best similarity of that card portrait to the uploaded ID portrait (null when not comparable). */
  similarity: number | null;
  frameIndex: number | null;
}

export interface FaceSignals {
  /** No face in most frames. */
  noFace: boolean;
  /** Face found but too small in most frames with a face (also listed in captureProblems). */
  faceTooSmall: boolean;
  /**
   * Why the live face is not good enough for an identity verdict (too small, blurred, turned, dark,
   * overexposed); empty when it is. The policy asks for a new recording instead of judging the face.
   */
  captureProblems: CaptureProblem[];
  /** Two or more live-sized faces in a meaningful share of frames. */
  multiplePeople: boolean;
  /** Too little non-rigid facial motion: likely a photo held to the camera. */
  staticVideo: boolean;
  /** The ID card portrait never appeared in the video. */
  cardNotSeen: boolean;
}

export interface MouthSample {
  timeSec: number;
  /** Inner-lip gap divided by the inter-ocular distance (0 = closed, ~0.3+ wide open). */
  opening: number;
}

export interface FaceCrops {
  portrait: Buffer | null;
  bestFrame: Buffer | null;
  cardFrame: Buffer | null;
}

/** The landmarks of each crop, as fractions of the crop (see crops.ts landmarksInCrop); null without the crop. */
export interface CropLandmarks {
  portrait: number[] | null;
  bestFrame: number[] | null;
  cardFrame: number[] | null;
}

/** Motion measurements behind the staticVideo signal (exposed for tuning and the reviewer). */
export interface MotionStats {
  /** 90th percentile of landmark residuals after similarity alignment, in inter-ocular distances. */
  nonRigidMotion: number;
  /** Standard deviation of the mouth opening. */
  mouthOpeningStd: number;
}

export interface FaceAnalysis {
  portrait: PortraitResult;
  live: LiveFaceResult;
  cardInVideo: CardInVideoResult;
  signals: FaceSignals;
  /** Size, sharpness, pose and light of the live face (null without a live face). */
  capture: CaptureSummary | null;
  motion: MotionStats;
  mouthTrack: MouthSample[];
  crops: FaceCrops;
  cropLandmarks?: CropLandmarks;
  /** Inference backend that ran ('wasm' or 'tensorflow'). */
  backend: string;
  /** Wall time of the analysis, and worker CPU time per phase (capacity planning). */
  timingsMs: { total: number; cpu: { portrait: number; frames: number; card: number; describe: number } };
}

export interface CompareResult {
  /** Both images had a usable face. */
  comparable: boolean;
  distance: number | null;
  similarity: number | null;
  decision: FaceDecision | null;
  failureToEnrol: { a: FailureToEnrol | null; b: FailureToEnrol | null };
}

/** A reason the live face is not good enough for an identity verdict (leads to a resubmission, never a mismatch). */
export type CaptureProblem = 'too_small' | 'blurred' | 'turned' | 'dark' | 'overexposed';

/** Capture quality of the live face over the video (see quality.ts). */
export interface CaptureSummary {
  /** Median over frames with a live face. */
  facePx: number;
  /** Best frames (the ones described): the best value among them. */
  sharpness: number;
  poseDeg: number;
  luminance: number;
  contrast: number;
  problems: CaptureProblem[];
}
