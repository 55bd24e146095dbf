import { describe, expect, it } from 'vitest';
import { createChallenge, isChallengeUsable, isValidDigits } from '../../service/speech/challenge.js';
import {
  dictionaryText,
  expectedDigitsGrammar,
  freeDigitsGrammar,
  LEXICON,
  NUMBER_WORDS,
  numberWordsGrammar,
  OTHER_WORDS,
  verificationGrammar,
  wordToDigit,
} from '../../service/speech/lexicon.js';
import { encodeWav, parseWav, resample } from '../../service/speech/wav.js';

describe('challenge', () => {
  it('draws three digits with language and expiry', () => {
    const now = new Date('2026-01-01T10:00:00Z');
    const c = createChallenge('fr', 600, now);
    expect(isValidDigits(c.digits)).toBe(true);
    expect(c.lang).toBe('fr');
    expect(c.expiresAt.getTime() - now.getTime()).toBe(600_000);
    expect(() => createChallenge('en', 0)).toThrow(RangeError);
  });

  it('covers all digits in every position (crypto RNG, no bias towards a few values)', () => {
    const seen = [new Set<string>(), new Set<string>(), new Set<string>()];
    for (let i = 0; i < 400; i++) [...createChallenge('en', 60).digits].forEach((d, p) => seen[p]!.add(d));
    for (const s of seen) expect(s.size).toBe(10);
  });

  it('is single use and expires', () => {
    const now = new Date('2026-01-01T10:00:00Z');
    const { expiresAt } = createChallenge('en', 60, now);
    expect(isChallengeUsable({ expiresAt, usedAt: null }, now)).toBe(true);
    expect(isChallengeUsable({ expiresAt, usedAt: now }, now)).toBe(false);
    expect(isChallengeUsable({ expiresAt, usedAt: null }, new Date(now.getTime() + 61_000))).toBe(false);
  });
});

describe('lexicon and grammars', () => {
  it('knows the digit words, and the other words of the competing model apart from them', () => {
    const fr = dictionaryText('fr');
    expect(fr).toContain('quatre kk aa tt rr');
    expect(
      fr
        .trim()
        .split('\n')
        .map((l) => l.split(' ')[0]!.replace(/\(\d+\)$/, '')),
    ).toEqual(
      expect.arrayContaining([
        'zéro',
        'un',
        'une',
        'deux',
        'trois',
        'quatre',
        'cinq',
        'six',
        'sept',
        'huit',
        'neuf',
      ]),
    );
    // Every dictionary word is a digit word or one of the competing model's other words, never both: "oh" is heard
    // as another word (a lone vowel matched "two"), "et", "euh" and "septante" as speech that is no digit.
    for (const lang of ['en', 'fr'] as const) {
      const words = new Set(
        dictionaryText(lang)
          .trim()
          .split('\n')
          .map((l) => l.split(' ')[0]!.replace(/\(\d+\)$/, '')),
      );
      const digits = new Set(LEXICON[lang].map((w) => w.word));
      // The number words that compete with one challenge digit (`numberWordsGrammar`) are other words too.
      const others = new Set(
        [...OTHER_WORDS[lang], ...NUMBER_WORDS[lang]].map(([w]) => w.replace(/\(\d+\)$/, '')),
      );
      for (const w of words) expect(digits.has(w) !== others.has(w), `${lang} ${w}`).toBe(true);
      expect(new Set([...digits].map((w) => wordToDigit(lang, w))).size).toBe(10);
    }
    expect(wordToDigit('en', 'oh')).toBeUndefined();
    for (const w of ['et', 'euh', 'septante', 'nonante']) expect(wordToDigit('fr', w)).toBeUndefined();
  });

  it('builds free, forced and verification grammars', () => {
    expect(freeDigitsGrammar('en')).toContain('public <s> = <d> <d> <d>;');
    expect(expectedDigitsGrammar('fr', '410')).toContain('public <s> = quatre (un | une) zéro;');
    // One digit at a time replaced by a number word, "et" or "euh"; the others stay the challenge's.
    const numbers = numberWordsGrammar('fr', '134');
    expect(numbers).toContain(
      'public <s> = (<n> (trois) (quatre)) | ((un | une) <n> (quatre)) | ((un | une) (trois) <n>);',
    );
    expect(numbers).toMatch(/<n> = .*n_onze.*n_dixsept/);
    expect(verificationGrammar('en', '05', 1000)).toContain(
      '(/1000/ (zero) | /1/ <d>) (/1000/ (five) | /1/ <d>)',
    );
  });
});

describe('wav', () => {
  it('round-trips and resamples 8 kHz → 16 kHz keeping a tone', () => {
    const n = 8000;
    const s = new Int16Array(n).map((_, i) => Math.round(10000 * Math.sin((2 * Math.PI * 440 * i) / 8000)));
    const back = parseWav(encodeWav({ sampleRate: 8000, samples: s }));
    expect(back.sampleRate).toBe(8000);
    expect(Array.from(back.samples)).toEqual(Array.from(s));
    const up = resample(back, 16000);
    expect(up.samples.length).toBe(16000);
    // Same frequency: the expected value at an up-sampled instant.
    for (const j of [1001, 5003, 9001]) {
      expect(Math.abs(up.samples[j]! - 10000 * Math.sin((2 * Math.PI * 440 * j) / 16000))).toBeLessThan(300);
    }
  });
});
