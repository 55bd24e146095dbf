// Synthetic spoken digits with espeak-ng (a Debian package of the project), for the benchmark and tests that must
// run without the development data. Not used by the service itself.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PcmAudio } from '../media/types.js';
import { LEXICON } from './lexicon.js';
import type { SpeechLang } from './types.js';
import { parseWav, resample } from './wav.js';

const ESPEAK_VOICE: Record<SpeechLang, string> = { fr: 'fr', en: 'en-us' };

/** The words espeak-ng should read for a digit string ("471" → "quatre sept un"). */
export function digitsToText(lang: SpeechLang, digits: string): string {
  return [...digits].map((d) => LEXICON[lang].find((w) => w.digit === d)!.word).join(', ');
}

export interface SynthOptions {
  /** Words per minute (espeak-ng default 175). */
  speed?: number;
  /** Pitch 0–99 (default 50). */
  pitch?: number;
  /** Voice variant, e.g. "+m3", "+f2". */
  variant?: string;
}

/** Speak `text` with espeak-ng and return 16 kHz mono PCM. */
export function synthesize(lang: SpeechLang, text: string, o: SynthOptions = {}): PcmAudio {
  const dir = mkdtempSync(join(tmpdir(), 'idv-tts-'));
  try {
    const file = join(dir, 'out.wav');
    const args = ['-v', `${ESPEAK_VOICE[lang]}${o.variant ?? ''}`, '-w', file];
    if (o.speed) args.push('-s', String(o.speed));
    if (o.pitch !== undefined) args.push('-p', String(o.pitch));
    execFileSync('espeak-ng', [...args, text], { stdio: ['ignore', 'ignore', 'pipe'] });
    return resample(parseWav(readFileSync(file)), 16000);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
