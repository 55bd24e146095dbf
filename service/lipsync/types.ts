// Result shapes of the lip-sync check. Plain data: the pipeline stores it, the policy reads `decision`.
import type { PcmAudio, RgbImage, VideoFrame } from '../media/types.js';

export type { PcmAudio, RgbImage, VideoFrame };

/** A spoken digit with its time span (from the speech engine, when it aligned the challenge). */
export interface SpokenSegment {
  digit?: string;
  startSec: number;
  endSec: number;
}

/** Mouth opening at one video instant: inner-lip gap over the inter-ocular distance (null: no usable face). */
export interface MouthSample {
  timeSec: number;
  opening: number | null;
}

/** Speech-band log energy of the audio, one value per hop from time 0. */
export interface AudioEnvelope {
  hopSec: number;
  /** dB (relative to full scale), one per hop. */
  db: Float32Array;
}

export type LipSyncDecision = 'consistent' | 'mismatch' | 'inconclusive';

export interface LipSyncResult {
  /**
   * Agreement of the mouth with the voice, 0..1: the best correlation of the measured mouth opening and the one
   * the model predicts from the voice over the lags searched, discounted when few frames were scored (score.ts);
   * 0 when the mouth does not move while the voice speaks.
   */
  score: number;
  /** Lag of that best correlation, seconds (positive: the sound comes after the mouth). */
  lagSec: number;
  /** Frames with a usable mouth measurement inside the voiced windows. */
  framesUsed: number;
  /** mismatch below the threshold; inconclusive when too few frames or too little speech were available. */
  decision: LipSyncDecision;
  /** Syllable-rate movement of the mouth: standard deviation of the detrended opening (0 = never moves). */
  mouthStd: number;
  /** Seconds of the video analysed (voiced windows, padded). */
  windowsSec: number;
}
