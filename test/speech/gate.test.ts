// Speech gate on real synthesized speech (espeak-ng) versus silence, noise, tones and music.
import { describe, expect, it } from 'vitest';
import type { PcmAudio } from '../../service/media/types.js';
import { speechGate } from '../../service/speech/gate.js';
import { seededRandom } from '../../service/speech/dev-sets.js';
import { synthesize } from '../../service/speech/synth.js';

const RATE = 16000;

function signal(sec: number, f: (t: number, i: number) => number): PcmAudio {
  const n = Math.round(sec * RATE);
  const samples = new Int16Array(n);
  for (let i = 0; i < n; i++) samples[i] = Math.max(-32768, Math.min(32767, Math.round(f(i / RATE, i))));
  return { sampleRate: RATE, samples };
}

const rand = seededRandom(3);
const gauss = () => Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());

describe('speechGate', () => {
  it('refuses digital silence and near-silence', () => {
    expect(speechGate(signal(3, () => 0))).toMatchObject({ isSpeech: false, reason: 'silence' });
    expect(speechGate(signal(3, () => 3 * gauss()))).toMatchObject({ isSpeech: false });
  });

  it('refuses white noise at any level', () => {
    for (const amp of [300, 3000, 10000]) {
      const g = speechGate(signal(3, () => amp * gauss()));
      expect(g.isSpeech).toBe(false);
      expect(g.speechSec).toBeLessThan(0.3);
    }
  });

  it('refuses a steady tone and a melody of harmonic notes', () => {
    const tone = speechGate(signal(3, (t) => 12000 * Math.sin(2 * Math.PI * 440 * t)));
    expect(tone).toMatchObject({ isSpeech: false, reason: 'tonal' });
    const notes = [262, 330, 392, 523, 440, 349, 294, 247];
    const melody = speechGate(
      signal(4, (t) => {
        const f = notes[Math.floor(t / 0.5) % notes.length]!;
        const env = Math.exp(-3 * (t % 0.5));
        return (
          9000 *
          env *
          (Math.sin(2 * Math.PI * f * t) +
            0.5 * Math.sin(4 * Math.PI * f * t) +
            0.25 * Math.sin(6 * Math.PI * f * t))
        );
      }),
    );
    expect(melody.isSpeech).toBe(false);
  });

  it('accepts spoken digits in both languages, also over moderate noise', () => {
    for (const lang of ['fr', 'en'] as const) {
      const speech = synthesize(lang, lang === 'fr' ? 'quatre, sept, un' : 'four, seven, one', {
        speed: 140,
      });
      const g = speechGate(speech);
      expect(g.isSpeech).toBe(true);
      expect(g.speechSec).toBeGreaterThan(0.3);
      expect(g.snrDb).toBeGreaterThan(20);
      const noisy = {
        ...speech,
        samples: speech.samples.map((v) => Math.max(-32768, Math.min(32767, v + 300 * gauss()))),
      };
      expect(speechGate(noisy).isSpeech).toBe(true);
    }
  });

  it('returns a speech region around the words', () => {
    const speech = synthesize('en', 'nine, two, five', { speed: 150 });
    const padded = new Int16Array(speech.samples.length + 2 * RATE);
    padded.set(speech.samples, RATE);
    const g = speechGate({ sampleRate: RATE, samples: padded });
    expect(g.regionSec[0]).toBeGreaterThan(0.5);
    expect(g.regionSec[1]).toBeLessThan(padded.length / RATE - 0.5);
  });
});
