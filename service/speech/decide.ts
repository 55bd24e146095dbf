// Pure verification policy: from the gate and the decoder evidence to match / mismatch / uncertain / no_speech.
import type { SpeechDecision, SpeechEvidence, SpeechGateResult, SpeechLang } from './types.js';

export interface DecideOptions {
  /**
   * Accept when the per-frame gap between the best free 3-digit decode and the forced alignment of the expected
   * digits is at most this, per language. Tuned on development splits: FSDD takes 0–24 seed 1 (en: genuine 97.5 %,
   * false accept 0 %), asterisk-fr seed 1 (fr: 100 % / 0.8 %).
   */
  acceptLlr?: Record<SpeechLang, number>;
  /** Between acceptLlr and this gap the result is `uncertain` (a reviewer listens). */
  uncertainLlr?: number;
  /** Below this per-word fit of an expected digit, never `match` (the audio is not that digit at all). */
  minWordFit?: number;
}

export const DEFAULT_DECIDE: Required<DecideOptions> = {
  acceptLlr: { en: 2.5, fr: 2.5 },
  uncertainLlr: 6,
  minWordFit: 0.5,
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
  // The expected digits cannot be aligned at all: clearly not what was said.
  if (ev.llrPerFrame === null && ev.freeDecoded) return { decision: 'mismatch', confidence: 0.95 };
  // Nothing to compare with: the engine cannot vouch either way; a reviewer listens.
  if (ev.llrPerFrame === null) return { decision: 'uncertain', confidence: 0.3 };
  const gap = Math.max(0, ev.llrPerFrame);
  const accept = o.acceptLlr[input.lang];
  const fitOk = ev.minExpectedFit >= o.minWordFit;
  if (fitOk && input.recognised === input.expected) return { decision: 'match', confidence: 0.99 };
  if (fitOk && gap <= accept) {
    // From 0.95 (expected as good as the best free decode) down to 0.6 at the accept threshold.
    return { decision: 'match', confidence: round(0.95 - 0.35 * (gap / accept)) };
  }
  if (gap <= o.uncertainLlr) return { decision: 'uncertain', confidence: 0.5 };
  return {
    decision: 'mismatch',
    confidence: round(Math.min(0.99, 0.6 + (gap - o.uncertainLlr) / (4 * o.uncertainLlr))),
  };
}

function noSpeechConfidence(g: SpeechGateResult): number {
  if (g.reason === 'silence' || g.reason === 'too_short') return 0.99;
  if (g.reason === 'too_little_speech') return 0.7;
  return 0.9;
}

function round(x: number): number {
  return Math.round(Math.max(0, Math.min(1, x)) * 1000) / 1000;
}
