// Static-video signal thresholds against the motion figures measured on generated cases (8 frames, Tiny 416 px, service/face/analysis.ts).
import { describe, expect, it } from 'vitest';
import { signals, type ClassifiedFrame } from '../../service/face/analysis.js';

const live = {
  box: { x: 200, y: 80, width: 180, height: 200 },
  score: 0.9,
  landmarks: [],
  descriptor: [],
  sharpness: 100,
};
const frames: ClassifiedFrame[] = Array.from({ length: 8 }, (_, i) => ({
  index: i,
  timeSec: i,
  live,
  others: [],
  cards: [],
  quality: 0.8,
}));
const card = { found: true, similarity: 0.95, frameIndex: 3 };
const isStatic = (nonRigidMotion: number, mouthOpeningStd: number) =>
  signals(frames, { nonRigidMotion, mouthOpeningStd }, card).staticVideo;

describe('static-video signal', () => {
  it('flags the frozen photos of the static attack', () => {
    expect(isStatic(0.0063, 0.0047)).toBe(true);
    expect(isStatic(0.0075, 0.0024)).toBe(true);
    // A frozen photo whose landmark jitter passed each single threshold (it was auto-approved): both
    // cues weak at once.
    expect(isStatic(0.0089, 0.0047)).toBe(true);
  });

  it('does not flag a live applicant, even a silent one', () => {
    // no-audio case: the face moves, the mouth hardly does.
    expect(isStatic(0.0092, 0.0063)).toBe(false);
    // the genuine case with the least mouth movement measured.
    expect(isStatic(0.0164, 0.0062)).toBe(false);
    // the live faces nearest the joint zone (generated cases of two seeds): little motion but a moving
    // mouth, or a still mouth in a moving face.
    expect(isStatic(0.0093, 0.007)).toBe(false);
    expect(isStatic(0.0118, 0.0044)).toBe(false);
    expect(isStatic(0.0109, 0.0108)).toBe(false);
  });
});
