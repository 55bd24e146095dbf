// Adapter to the face engine, which runs its own worker-process pool: ID portrait + video frames in,
// FaceSignals plus reviewer details and crops out.
import type { RgbImage, VideoFrame } from '../../media/types.js';
import type { FrameFeed } from '../../media/frame-feed.js';
import type { FaceSignals } from '../../decision/index.js';
import { loadEngineModule, requireFn } from './load-engine.js';

export interface FaceStageResult {
  signals: FaceSignals;
  decision: string | null;
  bestFrames: Array<{ index: number; timeSec: number; quality: number }>;
  cardInVideo: { found: boolean; similarity: number | null; frameIndex: number | null };
  mouthTrack: Array<{ timeSec: number; opening: number }>;
  framesAnalysed: number;
  /** Fused and median descriptor distances and the capture summary (calibration, reviewers). */
  live?: { distance: number | null; medianDistance: number | null };
  capture?: unknown;
}

export interface FaceCrops {
  portrait: Buffer | null;
  bestFrame: Buffer | null;
  cardFrame: Buffer | null;
}

interface Analysis {
  portrait: { found: boolean };
  live: {
    distance?: number | null;
    medianDistance?: number | null;
    similarity: number | null;
    decision: string | null;
    bestFrames?: FaceStageResult['bestFrames'];
    framesAnalysed?: number;
  };
  cardInVideo: FaceStageResult['cardInVideo'];
  signals: Omit<FaceSignals, 'similarity'>;
  capture?: unknown;
  mouthTrack?: FaceStageResult['mouthTrack'];
  crops?: Partial<FaceCrops>;
}

export interface FaceEngine {
  analyze(input: {
    document: RgbImage;
    /** A promise lets the portrait enrolment start while the video is still being decoded. */
    frames: VideoFrame[] | Promise<VideoFrame[]> | FrameFeed;
  }): Promise<{ result: FaceStageResult; crops: FaceCrops }>;
  close(): Promise<void>;
}

export async function createFaceAdapter(
  workers: number,
  thresholds: { accept: number; reject: number },
  /** Capture limits (config FACE_MIN_FACE_PX, ...); the engine's defaults when absent. */
  capture?: Record<string, number>,
): Promise<FaceEngine> {
  const m = await loadEngineModule<Record<string, unknown>>('face', '../../face/index.js');
  const create = requireFn<
    (o: {
      workers: number;
      thresholds: { accept: number; reject: number };
      capture?: Record<string, number>;
    }) => {
      analyze(i: unknown): Promise<Analysis>;
      close(): Promise<void>;
    }
  >(m, 'face', 'createFaceEngine');
  const engine = create({ workers, thresholds, ...(capture ? { capture } : {}) });
  return {
    async analyze(input) {
      const a = await engine.analyze(input);
      return {
        result: {
          signals: {
            similarity: a.live.similarity,
            noFace: a.signals.noFace || !a.portrait.found,
            faceTooSmall: a.signals.faceTooSmall,
            multiplePeople: a.signals.multiplePeople,
            staticVideo: a.signals.staticVideo,
            cardNotSeen: a.signals.cardNotSeen,
            ...(a.signals.captureProblems ? { captureProblems: a.signals.captureProblems } : {}),
          },
          decision: a.live.decision,
          bestFrames: a.live.bestFrames ?? [],
          cardInVideo: a.cardInVideo,
          mouthTrack: a.mouthTrack ?? [],
          framesAnalysed: a.live.framesAnalysed ?? 0,
          live: { distance: a.live.distance ?? null, medianDistance: a.live.medianDistance ?? null },
          capture: a.capture ?? null,
        },
        crops: {
          portrait: a.crops?.portrait ?? null,
          bestFrame: a.crops?.bestFrame ?? null,
          cardFrame: a.crops?.cardFrame ?? null,
        },
      };
    },
    close: () => engine.close(),
  };
}
