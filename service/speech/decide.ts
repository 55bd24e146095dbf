// Pure verification policy: from the gate and the decoder evidence to match / mismatch / uncertain / no_speech.
import type { SpeechDecision, SpeechEvidence, SpeechGateResult, SpeechLang } from './types.js';

export interface DecideOptions {
  /**
   * Accept when the per-frame gap between the best free 3-digit decode and the forced alignment of the expected
   * digits is at most this, per language. Calibrated on development material only: FSDD takes 0–24 (en: genuine gaps
   * ≤ 1.7, one-digit-different ≥ 2.4), asterisk-fr and espeak-ng voices other than the test voices (fr).
   */
  acceptLlr?: Record<SpeechLang, number>;
  /**
   * And at most this over the whole utterance, per language. Set on FSDD takes 0–24 and on the first 45 utterances
   * of a takes 25–49 set (seed 2), where genuine gaps with a differing free decode were ≤ 409 in 9 of 12 cases and
   * one-digit-different impostors ≥ 509; French from the asterisk/espeak-ng development sets.
   */
  acceptLlrTotal?: Record<SpeechLang, number>;
  /** Between acceptLlr and this gap the result is `uncertain` (a reviewer listens). */
  uncertainLlr?: number;
  /** Below this per-word fit of an expected digit, never `match` (the audio is not that digit at all). */
  minWordFit?: number;
  /**
   * Never `match` when the competing "anything else" model (digits and other words in a loop) explains the audio
   * better than the challenge by more than this per frame, per language: the audio holds more than the challenge.
   * The same bound tells a clean three-digit answer (then a wrong one is a `mismatch`) from other speech (`uncertain`).
   * Development figures: genuine en ≤ 7.8, fr mostly ≤ 8.6; sentences ≥ 24; "quatre, et, sept" read as 417 10.6.
   */
  acceptOtherLlr?: Record<SpeechLang, number>;
}

export const DEFAULT_DECIDE: Required<DecideOptions> = {
  acceptLlr: { en: 2, fr: 2.5 },
  acceptLlrTotal: { en: 450, fr: 450 },
  uncertainLlr: 6,
  minWordFit: 0.5,
  acceptOtherLlr: { en: 9, fr: 9 },
};

export interface DecideInput {
  lang: SpeechLang;
  gate: SpeechGateResult;
  expected: string;
  recognised: string;
  evidence: SpeechEvidence | null;
}

export interface Decision {
  decision: SpeechDecision;
  confidence: number;
}

export function decide(input: DecideInput, options: DecideOptions = {}): Decision {
  const o = { ...DEFAULT_DECIDE, ...options };
  const ev = input.evidence;
  if (!input.gate.isSpeech || !ev)
    return { decision: 'no_speech', confidence: noSpeechConfidence(input.gate) };
  // The expected digits cannot be aligned at all: clearly not what was said; a mismatch when three other digits
  // explain the audio cleanly, else (other speech) uncertain.
  if (ev.llrPerFrame === null && ev.freeDecoded) {
    const cleanDigits =
      ev.otherFreeLlrPerFrame !== null && ev.otherFreeLlrPerFrame <= o.acceptOtherLlr[input.lang];
    return cleanDigits
      ? { decision: 'mismatch', confidence: 0.95 }
      : { decision: 'uncertain', confidence: 0.5 };
  }
  // Nothing to compare with: the engine cannot vouch either way; a reviewer listens.
  if (ev.llrPerFrame === null) return { decision: 'uncertain', confidence: 0.3 };
  const gap = Math.max(0, ev.llrPerFrame);
  const accept = o.acceptLlr[input.lang];
  const acceptOther = o.acceptOtherLlr[input.lang];
  const fitOk = ev.minExpectedFit >= o.minWordFit;
  // How much better than the challenge (resp. than the best three digits) "anything else" explains the audio.
  const otherGap = ev.otherLlrPerFrame === null ? Infinity : Math.max(0, ev.otherLlrPerFrame);
  const otherOverFree = Math.max(0, otherGap - gap);
  const clean = otherGap <= acceptOther;
  const totalOk = (ev.llrTotal ?? Infinity) <= o.acceptLlrTotal[input.lang];
  if (fitOk && clean && (ev.freeDecode === input.expected || (gap <= accept && totalOk))) {
    // From 0.99 (the challenge as good as every alternative) down to 0.6 at the accept thresholds.
    const worst = Math.max(gap / accept, otherGap / acceptOther);
    return { decision: 'match', confidence: round(0.99 - 0.39 * worst) };
  }
  // Three digits other than the challenge explain the audio clearly better, and they explain it cleanly.
  if (gap > o.uncertainLlr && otherOverFree <= acceptOther) {
    return {
      decision: 'mismatch',
      confidence: round(Math.min(0.99, 0.6 + (gap - o.uncertainLlr) / (4 * o.uncertainLlr))),
    };
  }
  // Close to the challenge but not clearly it, or speech that is not a clean three-digit answer: a reviewer listens.
  return { decision: 'uncertain', confidence: 0.5 };
}

function noSpeechConfidence(g: SpeechGateResult): number {
  if (g.reason === 'silence' || g.reason === 'too_short') return 0.99;
  if (g.reason === 'too_little_speech') return 0.7;
  return 0.9;
}

function round(x: number): number {
  return Math.round(Math.max(0, Math.min(1, x)) * 1000) / 1000;
}
