// Adapter to the face engine, which runs its own worker-process pool: ID portrait + video frames in,
// the stored FaceStageResult (signals plus reviewer details) and the crops out.
import {
  createFaceEngine,
  type AnalyzeInput,
  type CaptureLimits,
  type DecisionThresholds,
  type FaceAnalysis,
  type FaceCrops,
} from '../../face/index.js';
import type { FaceStageResult } from '../../contracts/stage-results.js';

export type { FaceCrops };

export interface FaceAdapter {
  analyze(input: AnalyzeInput): Promise<{ result: FaceStageResult; crops: FaceCrops }>;
  /** Resolves once the models are loaded (checksums verified) in every worker. */
  ready(): Promise<void>;
  close(): Promise<void>;
}

/** The stored result of an analysis (pure). */
export function faceStageResult(a: FaceAnalysis): FaceStageResult {
  return {
    signals: {
      similarity: a.live.similarity,
      noFace: a.signals.noFace || !a.portrait.found,
      faceTooSmall: a.signals.faceTooSmall,
      multiplePeople: a.signals.multiplePeople,
      staticVideo: a.signals.staticVideo,
      cardNotSeen: a.signals.cardNotSeen,
      captureProblems: a.signals.captureProblems,
    },
    decision: a.live.decision,
    bestFrames: a.live.bestFrames.map((b) => ({ index: b.index, timeSec: b.timeSec, quality: b.quality })),
    cardInVideo: {
      found: a.cardInVideo.found,
      similarity: a.cardInVideo.similarity,
      frameIndex: a.cardInVideo.frameIndex,
    },
    mouthTrack: a.mouthTrack.map((m) => ({ timeSec: m.timeSec, opening: m.opening })),
    framesAnalysed: a.live.framesAnalysed,
    live: { distance: a.live.distance, medianDistance: a.live.medianDistance },
    capture: a.capture,
  };
}

export function createFaceAdapter(
  workers: number,
  thresholds: DecisionThresholds,
  /** When a live face is too poor to judge (config FACE_MIN_FACE_PX, ...); the engine's defaults if absent. */
  capture?: Partial<CaptureLimits>,
): FaceAdapter {
  const engine = createFaceEngine({ workers, thresholds, ...(capture ? { capture } : {}) });
  return {
    async analyze(input) {
      const a = await engine.analyze(input);
      return { result: faceStageResult(a), crops: a.crops };
    },
    ready: () => engine.ready(),
    close: () => engine.close(),
  };
}
