// The card in real generated videos: found when held up the usual way or upside down, and CARD_NOT_IN_VIDEO only
// when it was never shown (the no-card fixture). Real engine, real fixtures (face-api sample faces).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFaceEngine, type FaceAnalysis, type FaceEngine } from '../../service/face/index.js';
import type { CardHold } from '../../service/fixtures/selfie-video.js';
import { decodeImage, sampleFrames } from '../../service/media/index.js';
import { fixtureCase } from '../helpers/fixtures.js';

let engine: FaceEngine;

beforeAll(async () => {
  engine = createFaceEngine({ workers: 2 });
  await engine.ready();
});

afterAll(async () => {
  await engine?.close();
});

/**
 * The face stage's view of a generated case: 8 frames at 640 px, as the pipeline samples them. The date and the
 * voice are pinned: the case (its card's dates, its speech and so its mouth) must not change with the day or with
 * the recorded voices a machine has installed.
 */
async function analyse(
  o: { attack?: 'no-card'; cardHold?: CardHold; seed: number; distance?: 'far' },
  fullMaxSide?: number,
): Promise<FaceAnalysis> {
  const c = await fixtureCase({ formats: ['webm'], today: '2026-12-07', voice: 'espeak', ...o });
  const [frames, document] = await Promise.all([
    sampleFrames(c.webm!, { count: 8, maxSide: 640, ...(fullMaxSide ? { fullMaxSide } : {}) }),
    decodeImage(c.front),
  ]);
  return engine.analyze({ document, frames });
}

describe('the card in the video', () => {
  it('finds a card held upside down and compares its portrait seen upright', async () => {
    const r = await analyse({ seed: 11, cardHold: 'upside-down' });
    expect(r.cardInVideo.found).toBe(true);
    // The card shows the uploaded portrait: described upright, it matches it (seeds 1–12 upside down measured
    // 0.999–1.0; the detector often takes an upside-down portrait as it is, which described so gave 0.30–0.60).
    expect(r.cardInVideo.similarity!).toBeGreaterThan(0.9);
    expect(r.signals.cardNotSeen).toBe(false);
    expect(r.crops.cardFrame).toBeInstanceOf(Buffer);
  });

  it('raises CARD_NOT_IN_VIDEO (a resubmission) when the card is never shown, and it is not mistaken for a static video', async () => {
    const r = await analyse({ seed: 11, attack: 'no-card' });
    expect(r.cardInVideo).toEqual({ found: false, similarity: null, frameIndex: null });
    expect(r.signals.cardNotSeen).toBe(true);
    expect(r.signals.staticVideo).toBe(false);
    // It was searched for (tiles), not assumed absent.
    expect(r.timingsMs.cpu.card).toBeGreaterThan(0);
  });

  it('describes a far, small card and the live face from the full-resolution frame, the analysed frame unchanged', async () => {
    const o = { seed: 5, cardHold: 'small' as const, distance: 'far' as const };
    const [half, full] = [await analyse(o), await analyse(o, 1280)];
    // Detection, motion and the static cue run on the same 640 px frames either way.
    expect(full.motion).toEqual(half.motion);
    expect(full.signals.staticVideo).toBe(half.signals.staticVideo);
    expect(full.live.framesWithFace).toBe(half.live.framesWithFace);
    // The card portrait (~10 px at 640, ~20 px in the full frame) is found and matches the uploaded portrait
    // (0.994 measured here; the bound is cardRefineBelow, as in the upside-down test above).
    expect(full.cardInVideo.found).toBe(true);
    expect(full.cardInVideo.similarity!).toBeGreaterThan(0.9);
    expect(full.live.distance).not.toBeNull();
  });
});
