// Lip-sync liveness: does the mouth on screen follow the voice on the sound track?
export * from './types.js';
export {
  createLipSyncEngine,
  type LipSyncEngine,
  type LipSyncInput,
  type LipSyncOptions,
  type LipSyncAnalysis,
} from './engine.js';
export { DEFAULT_SCORE, scoreLipSync, syncCurve, type ScoreParams } from './score.js';
export { trainAvModel, type AvModel } from './av-model.js';
export { readAvModel } from './model-file.js';
export { DEFAULT_PLAN, planWindows, type PlanOptions } from './plan.js';
export { speechEnvelope, voicedSegments } from './envelope.js';
export type { LandmarkNet } from './mouth-model.js';
export {
  DEFAULT_MOUTH_CROPS,
  mouthCropCollector,
  type MouthCropOptions,
  type MouthCrops,
  type MouthCropSheet,
} from './mouth-crops.js';
