// The verification policy on its own: the competing "anything else" model vetoes a match, and a wrong digit said
// cleanly is a mismatch while other speech is only uncertain.
import { describe, expect, it } from 'vitest';
import { decide, DEFAULT_DECIDE } from '../../service/speech/decide.js';
import { speechGate } from '../../service/speech/gate.js';
import type { SpeechEvidence } from '../../service/speech/types.js';
import { synthesize } from '../../service/speech/synth.js';

// A real gate result (espeak-ng speech) so that only the decoder evidence varies between cases.
const gate = speechGate(synthesize('en', 'four, seven, one'));
const evidence = (e: Partial<SpeechEvidence>): SpeechEvidence => ({
  llrPerFrame: 0,
  llrTotal: 0,
  freeDecoded: true,
  minExpectedFit: 0.8,
  freeAgree: 3,
  freeDecode: '471',
  alternative: '411',
  marginTotal: 2000,
  otherLlrPerFrame: 1,
  otherFreeLlrPerFrame: 1,
  otherWords: 0,
  otherDigits: 3,
  numberWordGain: 0,
  numberWord: '',
  ...e,
});
const run = (e: Partial<SpeechEvidence>, lang: 'en' | 'fr' = 'en') =>
  decide({ lang, gate, expected: '471', recognised: e.freeDecode ?? '471', evidence: evidence(e) });

describe('decide', () => {
  it('matches when the challenge explains the audio as well as every alternative', () => {
    expect(gate.isSpeech).toBe(true);
    const r = run({});
    expect(r.decision).toBe('match');
    expect(r.confidence).toBeGreaterThan(0.9);
  });

  it('never matches when "anything else" explains the audio clearly better (a sentence around the digits)', () => {
    for (const lang of ['en', 'fr'] as const) {
      expect(run({ otherLlrPerFrame: 30, otherWords: 12 }, lang).decision).toBe('uncertain');
      expect(run({ otherLlrPerFrame: 10.6, otherDigits: 0 }, lang).decision).not.toBe('match');
    }
  });

  it('a cleanly spoken other digit is a mismatch; a near miss is uncertain', () => {
    expect(
      run({ freeDecode: '478', freeAgree: 2, marginTotal: -900, llrPerFrame: 11, otherLlrPerFrame: 12 })
        .decision,
    ).toBe('mismatch');
    expect(
      run({ freeDecode: '478', freeAgree: 2, marginTotal: -900, llrPerFrame: 4, otherLlrPerFrame: 5 })
        .decision,
    ).toBe('uncertain');
    // Other digits "heard" inside other speech are not evidence of a wrong answer.
    expect(
      run({ freeDecode: '478', freeAgree: 2, marginTotal: -900, llrPerFrame: 11, otherLlrPerFrame: 40 })
        .decision,
    ).toBe('uncertain');
  });

  it('never matches in French when one digit replaced by a number word explains the audio clearly better', () => {
    const bound = DEFAULT_DECIDE.maxNumberWordGain.fr;
    expect(run({ numberWordGain: bound + 1, numberWord: 'onze' }, 'fr').decision).toBe('uncertain');
    expect(run({ numberWordGain: bound, numberWord: 'dix' }, 'fr').decision).toBe('match');
    // Not searched (null) or no number word on the best path (0): the other rules decide.
    expect(run({ numberWordGain: null, numberWord: null }, 'fr').decision).toBe('match');
    // English: no bound (FSDD digits read as "thirty", "thirteen" by more than French confusions).
    expect(run({ numberWordGain: 5000, numberWord: 'thirty' }, 'en').decision).toBe('match');
  });

  it('matches only when the challenge beats every other digit string by the margin', () => {
    // Another string explains the audio slightly better (a small per-frame gap that used to be accepted).
    const runnerUp = { freeDecode: '411', freeAgree: 2, alternative: '411', llrPerFrame: 1.2, llrTotal: 380 };
    expect(run({ ...runnerUp, marginTotal: -380 }).decision).toBe('uncertain');
    // A near tie with another reading is tolerated, with a low confidence; a clear loss is not.
    expect(run({ marginTotal: -20 }).decision).toBe('match');
    expect(run({ marginTotal: -20 }).confidence).toBeLessThan(0.65);
    expect(run({ marginTotal: -200 }, 'fr').decision).toBe('uncertain');
    const clear = run({ marginTotal: 400 });
    expect(clear.decision).toBe('match');
    // The confidence grows with the margin.
    expect(run({ marginTotal: 4000 }).confidence).toBeGreaterThan(clear.confidence);
    // No alignment of the challenge at all: never a match.
    expect(run({ marginTotal: null, llrPerFrame: null, llrTotal: null }).decision).not.toBe('match');
  });
});
