// Negative trials for the speech engine: audio that must never `match` a challenge (silence, noise, tones, music,
// and spoken sentences without digits). Used by `idv eval digits-negatives`.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PcmAudio } from '../media/types.js';
import { randomDigits, seededRandom } from './dev-sets.js';
import { parseWav, resample } from './wav.js';
import type { SpeechEngine } from './engine.js';
import { synthesize } from './synth.js';
import type { SpeechDecision, SpeechLang } from './types.js';

const RATE = 16000;

const resampleTo16k = (a: PcmAudio): PcmAudio => (a.sampleRate === RATE ? a : resample(a, RATE));

const SENTENCES: Record<SpeechLang, string[]> = {
  fr: [
    'bonjour, je voudrais ouvrir un compte en ligne',
    'il fait très beau aujourd’hui à Paris',
    'je ne sais pas quoi dire devant la caméra',
    'merci de votre patience, au revoir',
  ],
  en: [
    'the weather is nice today, let us go for a walk',
    'hello, I would like to open an account',
    'I do not know what to say to the camera',
    'thank you for your patience, goodbye',
  ],
};

export type NegativeKind = 'silence' | 'white_noise' | 'pink_noise' | 'tone' | 'music' | 'sentence';

export interface NegativeClip {
  kind: NegativeKind;
  lang: SpeechLang;
  audio: PcmAudio;
}

function signal(sec: number, f: (t: number) => number): PcmAudio {
  const n = Math.round(sec * RATE);
  const samples = new Int16Array(n);
  for (let i = 0; i < n; i++) samples[i] = Math.max(-32768, Math.min(32767, Math.round(f(i / RATE))));
  return { sampleRate: RATE, samples };
}

export function negativeClips(perKind: number, seed: number): NegativeClip[] {
  const rand = seededRandom(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
  const clips: NegativeClip[] = [];
  for (let i = 0; i < perKind; i++) {
    const lang: SpeechLang = i % 2 === 0 ? 'fr' : 'en';
    const amp = 500 + rand() * 8000;
    clips.push({ kind: 'silence', lang, audio: signal(3, () => 4 * gauss()) });
    clips.push({ kind: 'white_noise', lang, audio: signal(3, () => amp * gauss()) });
    // Pink-ish noise: a leaky integrator over white noise (energy at low frequencies, like room rumble or fans).
    let b = 0;
    clips.push({ kind: 'pink_noise', lang, audio: signal(3, () => (b = 0.97 * b + 0.3 * amp * gauss())) });
    const f0 = 150 + rand() * 600;
    clips.push({ kind: 'tone', lang, audio: signal(3, (t) => amp * Math.sin(2 * Math.PI * f0 * t)) });
    const notes = Array.from({ length: 8 }, () => 130 * 2 ** (Math.floor(rand() * 24) / 12));
    clips.push({
      kind: 'music',
      lang,
      audio: signal(4, (t) => {
        const f = notes[Math.floor(t / 0.45) % notes.length]!;
        const env = Math.exp(-2.5 * (t % 0.45));
        return (
          amp *
          env *
          (Math.sin(2 * Math.PI * f * t) +
            0.5 * Math.sin(4 * Math.PI * f * t) +
            0.3 * Math.sin(6 * Math.PI * f * t))
        );
      }),
    });
    const list = SENTENCES[lang];
    clips.push({
      kind: 'sentence',
      lang,
      audio: synthesize(lang, list[i % list.length]!, { speed: 130 + Math.floor(rand() * 50) }),
    });
  }
  return clips;
}

export interface NegativesResult {
  n: number;
  match: number;
  no_speech: number;
  by_kind: Record<string, Partial<Record<SpeechDecision, number>>>;
}

/** Verify every negative clip against a random challenge; any `match` is a failure of the engine. */
export async function evaluateNegatives(
  engine: SpeechEngine,
  perKind: number,
  seed: number,
): Promise<NegativesResult> {
  const rand = seededRandom(seed + 1);
  const byKind: NegativesResult['by_kind'] = {};
  let match = 0;
  let noSpeech = 0;
  const clips = negativeClips(perKind, seed);
  for (const c of clips) {
    const r = await engine.verify({ audio: c.audio, expected: randomDigits(rand), lang: c.lang });
    const k = (byKind[c.kind] ??= {});
    k[r.decision] = (k[r.decision] ?? 0) + 1;
    if (r.decision === 'match') match++;
    if (r.decision === 'no_speech') noSpeech++;
  }
  return { n: clips.length, match, no_speech: noSpeech, by_kind: byKind };
}

export interface NonDigitResult {
  clips: number;
  trials: number;
  match: number;
  accept_rate: number;
  by_decision: Partial<Record<SpeechDecision, number>>;
}

/**
 * Real recordings that are not a three-digit answer (sentences, prompts; 16 kHz mono WAV files in `dir`, e.g.
 * `ffmpeg -i clip.mp4 -ac 1 -ar 16000 clip.wav`), each verified against `perClip` random challenges and against the
 * "123"-style challenge built from any digits the engine's free decode heard (the most favourable challenge).
 */
export async function evaluateNonDigitDir(
  engine: SpeechEngine,
  dir: string,
  lang: SpeechLang,
  perClip: number,
  seed: number,
  onClip?: (done: number, total: number, decisions: SpeechDecision[]) => void,
): Promise<NonDigitResult> {
  const rand = seededRandom(seed);
  const files = readdirSync(dir)
    .filter((f) => f.toLowerCase().endsWith('.wav'))
    .sort();
  const byDecision: NonDigitResult['by_decision'] = {};
  let match = 0;
  let trials = 0;
  for (const f of files) {
    const audio = parseWav(readFileSync(join(dir, f)));
    const challenges = Array.from({ length: perClip }, () => randomDigits(rand));
    const first = await engine.verify({ audio, expected: challenges[0]!, lang });
    const heard = first.evidence?.freeDecode ?? '';
    if (/^\d{3}$/.test(heard) && !challenges.includes(heard)) challenges.push(heard);
    const decisions: SpeechDecision[] = [];
    for (const [k, expected] of challenges.entries()) {
      const r = k === 0 ? first : await engine.verify({ audio, expected, lang });
      trials++;
      decisions.push(r.decision);
      byDecision[r.decision] = (byDecision[r.decision] ?? 0) + 1;
      if (r.decision === 'match') match++;
    }
    onClip?.(files.indexOf(f) + 1, files.length, decisions);
  }
  return {
    clips: files.length,
    trials,
    match,
    accept_rate: trials === 0 ? 0 : Math.round((match / trials) * 10000) / 10000,
    by_decision: byDecision,
  };
}

/**
 * French speech around digits that must never match another challenge: "et" and "euh" in place of a digit,
 * Belgian/Swiss septante/nonante and "vingt et un" where a digit would be. Each text is verified against every
 * challenge that would read the non-digit word as a digit (all ten choices at that position).
 */
export const FRENCH_CONFUSIONS: { text: string; challenge: string }[] = [
  { text: 'quatre, euh, un', challenge: '4?1' },
  { text: 'euh, sept, deux', challenge: '?72' },
  { text: 'quatre, et, sept', challenge: '4?7' },
  { text: 'six, huit, et', challenge: '68?' },
  { text: 'septante, deux, un', challenge: '?21' },
  { text: 'nonante, trois, cinq', challenge: '?35' },
  { text: 'un, deux, septante', challenge: '12?' },
  { text: 'vingt et un, cinq, six', challenge: '?56' },
];

export async function evaluateFrenchConfusions(
  engine: SpeechEngine,
  voices: { speed: number; pitch: number; variant?: string }[],
): Promise<NonDigitResult> {
  const byDecision: NonDigitResult['by_decision'] = {};
  let match = 0;
  let trials = 0;
  for (const v of voices) {
    for (const c of FRENCH_CONFUSIONS) {
      const audio = synthesize('fr', c.text, {
        speed: v.speed,
        pitch: v.pitch,
        ...(v.variant ? { variant: v.variant } : {}),
      });
      // Every digit at the open position: none may match.
      for (let k = 0; k < 10; k++) {
        const expected = c.challenge.replace('?', String(k));
        const r = await engine.verify({ audio, expected, lang: 'fr' });
        trials++;
        byDecision[r.decision] = (byDecision[r.decision] ?? 0) + 1;
        if (r.decision === 'match') match++;
      }
    }
  }
  return {
    clips: voices.length * FRENCH_CONFUSIONS.length,
    trials,
    match,
    accept_rate: trials === 0 ? 0 : Math.round((match / trials) * 10000) / 10000,
    by_decision: byDecision,
  };
}

/**
 * The same confusions from one real recorded voice (a folder of single words, `<n>.wav` and `et.wav`, as in Debian's
 * asterisk-core-sounds-fr-wav): number words that contain or resemble a digit ("onze", "dix-sept", "dix") and "et"
 * between digits, words joined with pauses. Each challenge has one open position; none may match.
 */
export const RECORDED_FRENCH_CONFUSIONS: { words: string[]; challenge: string }[] = [
  { words: ['4', 'et', '7'], challenge: '4?7' },
  { words: ['6', '8', 'et'], challenge: '68?' },
  { words: ['20', 'et', '1', '5', '6'], challenge: '?56' },
  { words: ['70', '2', '1'], challenge: '?21' },
  { words: ['90', '3', '5'], challenge: '?35' },
  { words: ['1', '2', '70'], challenge: '12?' },
  { words: ['10', '4', '1'], challenge: '?41' },
  { words: ['17', '2'], challenge: '?72' },
  { words: ['11', '3', '4'], challenge: '?34' },
];

/** Words of a recorded voice joined by 0.25 s pauses over faint noise (16 kHz). */
export function recordedClip(dir: string, words: string[], rand: () => number): PcmAudio {
  const parts = words.map((w) => resampleTo16k(parseWav(readFileSync(join(dir, `${w}.wav`)))).samples);
  const pause = Math.round(0.25 * RATE);
  const total = parts.reduce((a, p) => a + p.length + pause, pause);
  const samples = new Int16Array(total);
  for (let i = 0; i < total; i++) samples[i] = Math.round((rand() - 0.5) * 30);
  let off = pause;
  for (const p of parts) {
    for (let i = 0; i < p.length; i++)
      samples[off + i] = Math.max(-32768, Math.min(32767, samples[off + i]! + p[i]!));
    off += p.length + pause;
  }
  return { sampleRate: RATE, samples };
}

/** `RECORDED_FRENCH_CONFUSIONS` spoken by the recorded voice in `dir`, every digit at the open position. */
export async function evaluateRecordedFrenchConfusions(
  engine: SpeechEngine,
  dir: string,
  seed = 1,
): Promise<NonDigitResult & { matched: string[] }> {
  const rand = seededRandom(seed);
  const byDecision: NonDigitResult['by_decision'] = {};
  const matched: string[] = [];
  let trials = 0;
  for (const c of RECORDED_FRENCH_CONFUSIONS) {
    const audio = recordedClip(dir, c.words, rand);
    for (let k = 0; k < 10; k++) {
      const expected = c.challenge.replace('?', String(k));
      const r = await engine.verify({ audio, expected, lang: 'fr' });
      trials++;
      byDecision[r.decision] = (byDecision[r.decision] ?? 0) + 1;
      // Which spoken words matched which challenge (number words and "et", no personal data).
      if (r.decision === 'match') matched.push(`${c.words.join(' ')} as ${expected}`);
    }
  }
  return {
    clips: RECORDED_FRENCH_CONFUSIONS.length,
    trials,
    match: matched.length,
    accept_rate: trials === 0 ? 0 : Math.round((matched.length / trials) * 10000) / 10000,
    by_decision: byDecision,
    matched,
  };
}
