// The speech engine end to end on real audio: espeak-ng voices (always available), FSDD and asterisk recordings when
// present, and the generated selfie videos through the media layer.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractAudio, isMediaError } from '../../service/media/index.js';
import type { PcmAudio } from '../../service/media/types.js';
import { createSpeechEngine, type SpeechEngine } from '../../service/speech/index.js';
import {
  buildFsddSet,
  buildSingleVoiceSet,
  differentDigits,
  seededRandom,
  type ManifestRow,
} from '../../service/speech/dev-sets.js';
import { recordedClip } from '../../service/speech/negatives.js';
import { digitsToText, synthesize } from '../../service/speech/synth.js';
import { parseWav, resample } from '../../service/speech/wav.js';
import { fixtureCase } from '../helpers/fixtures.js';
import { generateCaseSpeech } from '../../service/fixtures/case.js';
import { recordedDigitsDir } from '../../service/fixtures/speech-audio.js';
import { sharedData, tempDir } from '../helpers/env.js';

// Debian's package has shipped the French digits under either folder name.
const ASTERISK_FR = [
  '/usr/share/asterisk/sounds/fr/digits',
  '/usr/share/asterisk/sounds/fr_CA_f_June/digits',
].find((d) => existsSync(join(d, '9.wav')));

let engine: SpeechEngine;
beforeAll(async () => {
  engine = createSpeechEngine();
  await engine.warmup();
});
afterAll(() => engine.close());

function concat(parts: PcmAudio[], pauseSec = 0.25): PcmAudio {
  const pause = Math.round(pauseSec * 16000);
  const total = parts.reduce((a, p) => a + p.samples.length + pause, pause);
  const samples = new Int16Array(total);
  const rand = seededRandom(11);
  for (let i = 0; i < total; i++) samples[i] = Math.round((rand() - 0.5) * 20); // faint room noise
  let off = pause;
  for (const p of parts.map((x) => resample(x, 16000))) {
    for (let i = 0; i < p.samples.length; i++) samples[off + i] = p.samples[i]! + samples[off + i]!;
    off += p.samples.length + pause;
  }
  return { sampleRate: 16000, samples };
}

describe('espeak-ng voices', () => {
  // Digits synthesised one word at a time with pauses over faint noise, as an applicant would say them.
  const spoken = (lang: 'fr' | 'en', digits: string) =>
    concat(
      [...digits].map((d) => synthesize(lang, digitsToText(lang, d), { speed: 150 })),
      0.3,
    );
  const cases = [
    { lang: 'fr', digits: '640', other: '658' },
    { lang: 'fr', digits: '278', other: '213' },
    { lang: 'en', digits: '512', other: '517' },
  ] as const;
  // This voice's "471" is heard as "411" by a free digit decode, and "481" nearly as well: it must go to a reviewer
  // or match, never be called a mismatch; challenges far from it never match.
  it('en "471" (heard as 411 by a free decode): review or match, never mismatch', async () => {
    const audio = spoken('en', '471');
    const r = await engine.verify({ audio, expected: '471', lang: 'en' });
    expect(['match', 'uncertain']).toContain(r.decision);
    for (const other of ['958', '203']) {
      const bad = await engine.verify({ audio, expected: other, lang: 'en' });
      expect(bad.decision, other).not.toBe('match');
      // What the console shows is the string the verdict rests on: never the challenge when it did not match.
      if (bad.recognised === other) expect(bad.decision).toBe('uncertain');
    }
  });
  for (const c of cases) {
    it(`${c.lang} "${c.digits}" matches; another challenge does not`, async () => {
      const audio = spoken(c.lang, c.digits);
      const ok = await engine.verify({ audio, expected: c.digits, lang: c.lang });
      expect(ok.decision).toBe('match');
      expect(ok.confidence).toBeGreaterThan(0.5);
      expect(ok.segments.map((s) => s.digit).join('')).toBe(c.digits);
      expect(ok.recognised).toBe(c.digits);
      for (const s of ok.segments) {
        expect(s.endSec).toBeGreaterThan(s.startSec);
        expect(s.score).toBeGreaterThan(0.3);
        expect(s.score).toBeLessThanOrEqual(1);
      }
      const bad = await engine.verify({ audio, expected: c.other, lang: c.lang });
      expect(['mismatch', 'uncertain']).toContain(bad.decision);
    });
  }

  it('a sentence without digits never matches', async () => {
    const sentences = [
      { lang: 'fr', text: 'bonjour, je voudrais ouvrir un compte en ligne aujourd’hui', expected: '471' },
      { lang: 'en', text: 'the weather is nice today, let us go for a walk', expected: '471' },
    ] as const;
    for (const s of sentences) {
      const r = await engine.verify({
        audio: synthesize(s.lang, s.text),
        expected: s.expected,
        lang: s.lang,
      });
      expect(['no_speech', 'mismatch', 'uncertain']).toContain(r.decision);
    }
  });

  it('silence and noise give no_speech without any digit string', async () => {
    const rand = seededRandom(5);
    const noise = new Int16Array(48000).map(() => Math.round((rand() + rand() + rand() - 1.5) * 8000));
    for (const samples of [new Int16Array(48000), noise]) {
      const r = await engine.verify({ audio: { sampleRate: 16000, samples }, expected: '123', lang: 'en' });
      expect(r.decision).toBe('no_speech');
      expect(r.recognised).toBe('');
    }
  });
});

describe('what is not exactly the challenge never matches', () => {
  const say = (lang: 'fr' | 'en', text: string) => synthesize(lang, text, { speed: 150 });
  const decisions = async (lang: 'fr' | 'en', audio: PcmAudio, challenges: string[]) =>
    Promise.all(
      challenges.map(async (expected) => (await engine.verify({ audio, expected, lang })).decision),
    );
  const fill = (pattern: string) => Array.from({ length: 10 }, (_, d) => pattern.replace('?', String(d)));

  it('a sentence around the digits, repeated and missing digits (en)', async () => {
    const cases = [
      { text: 'I would like to open the account number four seven one now', expected: '471' },
      { text: 'four, seven, one, one', expected: '471' },
      { text: 'four, seven', expected: '471' },
      { text: 'the code is four, and then seven', expected: '471' },
    ];
    for (const c of cases) {
      const [d] = await decisions('en', say('en', c.text), [c.expected]);
      expect(d, c.text).not.toBe('match');
    }
  });

  // Known limit (see the README): "septante, deux, un" can still match 721 for some espeak-ng voices.
  it('French et and euh heard as speech, never as a digit', async () => {
    const cases = [
      { text: 'quatre, euh, un', pattern: '4?1' },
      { text: 'quatre, et, sept', pattern: '4?7' },
    ];
    for (const c of cases) {
      const ds = await decisions('fr', say('fr', c.text), fill(c.pattern));
      expect(ds, c.text).not.toContain('match');
    }
  });

  // The default beams pruned the best other digit string on these (a margin of ~2600 instead of ~400): a match is
  // re-scored with wider beams before it is returned. The recorded voice when installed, espeak-ng otherwise.
  it('French "onze, trois, quatre" and "quatre, et, sept" do not match the digit strings they resemble', async () => {
    const cases = [
      { words: ['11', '3', '4'], text: 'onze, trois, quatre', challenges: ['034', '234', '334', '434'] },
      { words: ['4', 'et', '7'], text: 'quatre, et, sept', challenges: ['417', '477'] },
    ];
    for (const c of cases) {
      const audio = ASTERISK_FR ? recordedClip(ASTERISK_FR, c.words, seededRandom(1)) : say('fr', c.text);
      const ds = await decisions('fr', audio, c.challenges);
      expect(ds, c.text).not.toContain('match');
    }
  });

  // A digit "heard" inside a number word or in "et": matched by the recorded voice until the challenge had to beat the
  // same string with one digit replaced by a number word (see `numberWordsGrammar`). Known limit: "onze, trois,
  // quatre" as 134 and "dix-sept, deux" as 172 still match (see `maxNumberWordGain`).
  it('French "dix" and "et" read as digits do not match', async () => {
    const cases = [
      { words: ['10', '4', '1'], text: 'dix, quatre, un', challenge: '641' },
      { words: ['4', 'et', '7'], text: 'quatre, et, sept', challenge: '407' },
      { words: ['6', '8', 'et'], text: 'six, huit, et', challenge: '681' },
    ];
    for (const c of cases) {
      const audio = ASTERISK_FR ? recordedClip(ASTERISK_FR, c.words, seededRandom(7)) : say('fr', c.text);
      const [d] = await decisions('fr', audio, [c.challenge]);
      expect(d, c.text).not.toBe('match');
    }
  });

  it('real sentences of the talking-face clips (or espeak-ng sentences without the shared data) never match', async () => {
    const dir = sharedData('talking-faces');
    const clips: PcmAudio[] = [];
    if (dir) {
      // The conversion the issue prescribes (ffmpeg -i clip -ac 1 -ar 16000), without the media layer's time limit.
      for (const f of ['deepavsr_1.mp4', 'deepavsr_4.mp4', 'pcavs_1.mp4']) {
        const wav = execFileSync(
          'ffmpeg',
          ['-nostdin', '-v', 'error', '-i', join(dir, f), '-ac', '1', '-ar', '16000', '-f', 'wav', '-'],
          {
            maxBuffer: 64 * 1024 * 1024,
          },
        );
        clips.push(parseWav(wav));
      }
    } else {
      clips.push(say('en', 'everybody was familiar with ideas like the black market'));
    }
    for (const audio of clips) {
      const r = await engine.verify({ audio, expected: '123', lang: 'en' });
      expect(r.decision).not.toBe('match');
      // The recognised string is the one the verdict rests on: its digits are the segments' digits.
      expect(r.segments.map((s) => s.digit).join('')).toBe(r.recognised);
    }
  });
});

describe('real voices (when present)', () => {
  // The same builders as `idv speech make-manifest`, so the tests run exactly what the evaluation measures.
  async function runSet(rows: ManifestRow[], dir: string): Promise<{ genuine: number; falseAccept: number }> {
    const rand = seededRandom(99);
    let genuine = 0;
    let falseAccept = 0;
    for (const r of rows) {
      const audio = parseWav(readFileSync(join(dir, r.audio)));
      if ((await engine.verify({ audio, expected: r.digits, lang: r.lang })).decision === 'match') genuine++;
      const other = differentDigits(rand, r.digits);
      if ((await engine.verify({ audio, expected: other, lang: r.lang })).decision === 'match') falseAccept++;
    }
    return { genuine, falseAccept };
  }

  it('"six" said with the vowel of "sex" (an FSDD speaker, takes 0-9) is read as 6, not 7 (or espeak-ng\'s six)', async () => {
    const fsdd = sharedData('speech/fsdd');
    // This speaker's "six" alone was read as "seven" in 9 of his first 10 takes before the lexicon's S EH K S variant;
    // "six, six, zero" read as 770 in 3 of these 10 (takes 5, 8, 9) before it, as 660 in all 10 with it.
    const takes = fsdd ? [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] : [0];
    // Without the data, espeak-ng's own "six" (its "six, six, zero" reads as other digits in this model).
    const digits = fsdd ? '660' : '641';
    let read = 0;
    for (const t of takes) {
      const audio = fsdd
        ? concat(
            [...digits].map((d) =>
              resample(parseWav(readFileSync(join(fsdd, `${d}_jackson_${t}.wav`))), 16000),
            ),
          )
        : concat(['six', 'four', 'one'].map((w) => synthesize('en', w, { speed: 150 })));
      const r = await engine.verify({ audio, expected: digits, lang: 'en' });
      expect(r.decision).not.toBe('mismatch');
      // Read as the challenge by the engine's best reading, not only matched within the near-tie tolerance.
      if (r.decision !== 'match' || r.evidence?.freeDecode !== digits) continue;
      read++;
      // The variant fits "six" only: a challenge differing in that digit does not match.
      expect((await engine.verify({ audio, expected: `9${digits.slice(1)}`, lang: 'en' })).decision).not.toBe(
        'match',
      );
    }
    expect(read).toBeGreaterThanOrEqual(fsdd ? 9 : 1);
  });

  it('FSDD English speakers (or espeak-ng without the shared data): genuine match, other challenges do not', async () => {
    const fsdd = sharedData('speech/fsdd');
    const out = tempDir('idv-speech-');
    if (fsdd) {
      const rows = buildFsddSet({
        dir: fsdd,
        speakers: ['george', 'jackson', 'lucas'],
        n: 6,
        seed: 5,
        out,
        takes: [25, 49],
      });
      const r = await runSet(rows, out);
      // Six held-out utterances: the full evaluation (idv eval digits) measures the rate; this guards the wiring.
      expect(r.genuine).toBeGreaterThanOrEqual(4);
      expect(r.falseAccept).toBe(0);
    } else {
      for (const digits of ['471', '512']) {
        const audio = concat(
          [...digits].map((d) => synthesize('en', digitsToText('en', d), { variant: '+m3' })),
        );
        expect((await engine.verify({ audio, expected: digits, lang: 'en' })).decision).not.toBe('mismatch');
        expect((await engine.verify({ audio, expected: '999', lang: 'en' })).decision).not.toBe('match');
      }
    }
  });

  it('asterisk French voice (Debian package): genuine match, other challenges do not', async () => {
    const out = tempDir('idv-speech-');
    if (ASTERISK_FR) {
      const rows = buildSingleVoiceSet({ dir: ASTERISK_FR, lang: 'fr', n: 4, seed: 5, out });
      const r = await runSet(rows, out);
      expect(r.genuine).toBeGreaterThanOrEqual(3);
      expect(r.falseAccept).toBe(0);
    } else {
      const audio = concat([...'640'].map((d) => synthesize('fr', digitsToText('fr', d))));
      expect((await engine.verify({ audio, expected: '640', lang: 'fr' })).decision).toBe('match');
      expect((await engine.verify({ audio, expected: '658', lang: 'fr' })).decision).not.toBe('match');
    }
  });
});

describe('fixture selfie videos', () => {
  for (const lang of ['fr', 'en'] as const) {
    it(`genuine ${lang} video matches its challenge`, async () => {
      const c = await fixtureCase({ lang, formats: ['webm'] });
      const audio = await extractAudio(c.webm!);
      const r = await engine.verify({ audio, expected: c.truth.digits, lang });
      expect(r.decision).toBe('match');
      // Word times line up with the generator's ground truth (within 0.35 s).
      const truthStart = c.truth.video.words[0]!.start;
      expect(Math.abs(r.segments[0]!.startSec - truthStart)).toBeLessThan(0.35);
    });
  }

  // The voice of generated genuine cases (the recorded French voice when installed, espeak-ng otherwise): a genuine
  // test case must be approved, not sent to review as DIGITS_UNCERTAIN.
  it('generated genuine cases, seeds 1-8: their spoken challenge matches', async () => {
    const decisions: Record<string, string[]> = { fr: [], en: [] };
    for (const lang of ['fr', 'en'] as const) {
      for (let seed = 1; seed <= 8; seed++) {
        const c = await generateCaseSpeech({ seed, lang });
        expect(c.speech.voice).toMatch(recordedDigitsDir(lang) ? /^recorded:/ : /^espeak-ng$/);
        decisions[lang]!.push((await engine.verify({ audio: c.speech, expected: c.digits, lang })).decision);
      }
    }
    // A genuine case is never rejected; with a recorded voice every one matches (espeak-ng's French is read badly).
    for (const lang of ['fr', 'en'] as const) {
      expect(decisions[lang]).not.toContain('mismatch');
      if (recordedDigitsDir(lang)) expect(decisions[lang]!.every((d) => d === 'match')).toBe(true);
    }
    expect(decisions.en!.filter((d) => d === 'match').length).toBeGreaterThanOrEqual(7);
  });

  it('wrong-digits video does not match', async () => {
    const c = await fixtureCase({ lang: 'fr', attack: 'wrong-digits', formats: ['webm'] });
    const r = await engine.verify({
      audio: await extractAudio(c.webm!),
      expected: c.truth.digits,
      lang: 'fr',
    });
    expect(r.decision).not.toBe('match');
  });

  it('no-audio video cannot match (no audio stream, or no speech)', async () => {
    const c = await fixtureCase({ lang: 'en', attack: 'no-audio', formats: ['webm'] });
    try {
      const audio = await extractAudio(c.webm!);
      const r = await engine.verify({ audio, expected: c.truth.digits, lang: 'en' });
      expect(r.decision).toBe('no_speech');
    } catch (e) {
      expect(isMediaError(e) && e.code).toBe('no_audio_stream');
    }
  });
});
