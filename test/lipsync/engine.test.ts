// The lip-sync engine on generated selfie videos (real ffmpeg decoding, real landmark net, the shipped model):
// genuine cases are consistent, every dubbed case is a mismatch. Real talking faces when ../shared is present.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { extractAudio } from '../../service/media/audio.js';
import { createLipSyncEngine } from '../../service/lipsync/index.js';
import { sharedData } from '../helpers/env.js';
import { fixtureCase, type FixtureCase } from '../helpers/fixtures.js';

const engine = createLipSyncEngine();

const segments = (c: FixtureCase) =>
  c.truth.video.words.map((w) => ({ digit: w.digit, startSec: w.start, endSec: w.end }));

describe('lip-sync engine on generated cases', () => {
  it('genuine cases (both languages, both containers) are consistent', async () => {
    for (const [seed, lang, format] of [
      [31, 'en', 'webm'],
      [32, 'fr', 'mp4'],
    ] as const) {
      const c = await fixtureCase({ seed, lang, formats: [format] });
      const video = c[format]!;
      const r = await engine.analyze({ video, segments: segments(c) });
      expect(r.decision, `seed ${seed}`).toBe('consistent');
      expect(r.score).toBeGreaterThan(0.6);
      expect(Math.abs(r.lagSec)).toBeLessThanOrEqual(0.12);
      expect(r.segmentsFrom).toBe('speech');
      // Dense sampling inside the voiced windows: at least 12 frames a second.
      expect(r.framesUsed / r.windowsSec).toBeGreaterThanOrEqual(11);
      // Without the speech engine's segments, the voiced windows come from the audio itself.
      const vad = await engine.analyze({ video });
      expect(vad.segmentsFrom).toBe('audio');
      expect(vad.decision).toBe('consistent');
    }
  }, 240_000);

  it('dubbed cases (another take, a face that does not speak) are mismatches', async () => {
    for (const seed of [33, 34, 35, 36]) {
      const c = await fixtureCase({
        seed,
        lang: seed % 2 ? 'fr' : 'en',
        attack: 'dubbed',
        formats: ['webm'],
      });
      expect(c.truth.expectedReasons).toEqual(['LIPSYNC_MISMATCH']);
      expect(c.truth.dub).toBe(seed % 2 ? 'other-take' : 'silent-face');
      const r = await engine.analyze({ video: c.webm!, segments: segments(c) });
      expect(r.decision, `seed ${seed} (${c.truth.dub})`).toBe('mismatch');
      expect(r.score).toBeLessThan(0.4);
    }
  }, 240_000);
});

const talking = sharedData('talking-faces');
describe.runIf(talking)('lip-sync engine on real talking faces (../shared)', () => {
  it('a real clip with its own sound is consistent; with another clip’s sound, a mismatch', async () => {
    const own = join(talking!, 'deepavsr_1.mp4');
    const r = await engine.analyze({ video: own });
    expect(r.decision).toBe('consistent');
    const other = await extractAudio(join(talking!, 'pcavs_1.mp4'));
    const swapped = await engine.analyze({ video: own, audio: other });
    expect(swapped.decision).toBe('mismatch');
  }, 120_000);
});
