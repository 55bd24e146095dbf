// Result shapes of the speech engine (consumed by the pipeline, the decision policy and the face engine).

export type SpeechLang = 'fr' | 'en';
export const SPEECH_LANGS: readonly SpeechLang[] = ['fr', 'en'];

export type SpeechDecision = 'match' | 'mismatch' | 'uncertain' | 'no_speech';

/** One digit of the string the verdict rests on, with its time span in the audio (for the lip-sync check). */
export interface DigitSegment {
  digit: string;
  startSec: number;
  endSec: number;
  /**
   * Confidence that this stretch of audio is this digit (0..1): the decoder's acoustic fit of the word, halved when
   * the free decode heard another digit there. Shown beside each digit in the console.
   */
  score: number;
}

/** What the speech gate measured before any recognition. */
export interface SpeechGateResult {
  /** True when the track plausibly contains speech (the decoders run only then). */
  isSpeech: boolean;
  /** Why the gate refused, when it did. */
  reason?: 'too_short' | 'silence' | 'noise' | 'tonal' | 'too_little_speech';
  /** Seconds of voiced speech found. */
  speechSec: number;
  /** Speech-frame level over the noise floor, in dB. */
  snrDb: number;
  /** Background level (10th percentile of frame levels), dBFS. */
  noiseFloorDb: number;
  /** Fraction of active frames that are voiced (periodic, pitch 60–400 Hz). */
  voicedRatio: number;
  /** Median normalised autocorrelation peak of voiced frames (≈1 for synthetic tones). */
  periodicity: number;
  /** Median spectral flatness of active frames (≈1 for white noise). */
  flatness: number;
  /** Speech region [start, end] in seconds (padded), where the decoders look. */
  regionSec: [number, number];
}

export interface SpeechVerification {
  decision: SpeechDecision;
  /** Confidence in the decision, 0..1. */
  confidence: number;
  /**
   * The digit string the verdict rests on: the challenge when it matched, else the best free 3-digit decode ('' when
   * the gate refused or the decode failed). Always the digits of `segments`.
   */
  recognised: string;
  /** Per-digit times and scores of `recognised` (the challenge's alignment when it matched). */
  segments: DigitSegment[];
  gate: SpeechGateResult;
  /** The scores behind the decision (null when the gate refused). */
  evidence: SpeechEvidence | null;
  /** Processing time (ms, wall). */
  ms: number;
}

export interface SpeechEvidence {
  /**
   * Per-frame log-likelihood gap between the best free 3-digit decode and the forced alignment of the expected
   * digits (≤ 0: the expected digits are the best explanation; larger = worse). 0 when the free decode is the
   * expected string; null when either search found no path.
   */
  llrPerFrame: number | null;
  /**
   * The same gap over the whole utterance (not per frame): a wrong digit costs about the same whatever the length of
   * the pauses around it, while the per-frame gap dilutes it in long recordings.
   */
  llrTotal: number | null;
  /** The free 3-digit search found a path (false: nothing to compare the expected digits with). */
  freeDecoded: boolean;
  /** Lowest per-word acoustic fit (0..1) of the expected digits in the forced alignment. */
  minExpectedFit: number;
  /** Positions where the free decode agrees with the expected digits (0..3). */
  freeAgree: number;
  /** The best free 3-digit decode (equal to `recognised` unless the challenge matched against it). */
  freeDecode: string;
  /** The best three-digit string other than the challenge ('' when none survived the search). */
  alternative: string;
  /**
   * How much better the challenge explains the audio than `alternative` (path-score difference over the utterance;
   * > 0: the challenge is the best digit string; null when the challenge could not be aligned).
   */
  marginTotal: number | null;
  /**
   * Per-frame log-likelihood gap between the competing "anything else" model (any sequence of digits and other
   * words) and the challenge alignment: large when the audio holds more than the challenge (a sentence, extra or
   * repeated digits, hesitations). null when either search found no path.
   */
  otherLlrPerFrame: number | null;
  /** Per-frame gap between the competing model and the best free 3-digit decode (null when either found no path). */
  otherFreeLlrPerFrame: number | null;
  /** Words of the competing decode that are not digits (0 for a clean three-digit answer). */
  otherWords: number;
  /** Digits in the competing decode (3 for a clean three-digit answer). */
  otherDigits: number;
  /**
   * How much better (path score over the utterance, ≥ 0) the challenge reads with one digit replaced by a number
   * word, "et"/"and" or a hesitation ("dix, quatre, un" against 641); null when not searched (only a would-be match
   * is, and only in a language with a bound, see `maxNumberWordGain`).
   */
  numberWordGain: number | null;
  /** The number word on that competing path (no personal data: a vocabulary word); null when not searched. */
  numberWord: string | null;
}

export interface VerifyInput {
  audio: import('../media/types.js').PcmAudio;
  /** The challenge digits, e.g. "471". */
  expected: string;
  lang: SpeechLang;
}
