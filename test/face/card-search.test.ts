// Card-portrait search planning (pure): which frames are searched first, which tiles, how tile hits merge.
import { describe, expect, it } from 'vitest';
import { DEFAULT_ANALYSIS, type ClassifiedFrame } from '../../service/face/analysis.js';
import { mergeTileFaces, planCardSearch, planCardTiles } from '../../service/face/card.js';
import type { FaceObservation } from '../../service/face/types.js';

const obs = (x: number, y: number, w: number, score = 0.9): FaceObservation => ({
  box: { x, y, width: w, height: w },
  score,
  landmarks: [],
  descriptor: [],
  sharpness: 100,
});

const frame = (index: number, live: FaceObservation | null): ClassifiedFrame => ({
  index,
  timeSec: index,
  live,
  others: [],
  cards: [],
  quality: 0.8,
});

describe('card search plan', () => {
  it('searches the middle of the video first, then frames farther out, at most cardSearchFrames', () => {
    const frames = Array.from({ length: 8 }, (_, i) => frame(i, obs(200, 80, 180)));
    const order = planCardSearch(frames, DEFAULT_ANALYSIS).map((f) => f.index);
    expect(order).toHaveLength(DEFAULT_ANALYSIS.cardSearchFrames);
    expect(order[0]).toBe(4);
    expect(new Set(order).size).toBe(order.length);
    // Frames without a live face are never searched.
    expect(planCardSearch([frame(0, null), frame(1, null)], DEFAULT_ANALYSIS)).toEqual([]);
  });

  it('leaves out the frames it is told to', () => {
    const frames = Array.from({ length: 8 }, (_, i) => frame(i, obs(200, 80, 180)));
    const order = planCardSearch(frames, DEFAULT_ANALYSIS, new Set([4])).map((f) => f.index);
    expect(order).toHaveLength(DEFAULT_ANALYSIS.cardSearchFrames);
    expect(order).not.toContain(4);
  });

  it('covers the frame with overlapping tiles except the live face', () => {
    const live = { x: 230, y: 60, width: 180, height: 200 };
    const tiles = planCardTiles(640, 360, live, DEFAULT_ANALYSIS);
    const side = Math.round(360 * DEFAULT_ANALYSIS.cardTileFraction);
    expect(tiles.length).toBeGreaterThan(3);
    for (const t of tiles) {
      expect(t.width).toBe(side);
      expect(t.x).toBeGreaterThanOrEqual(0);
      expect(t.y + t.height).toBeLessThanOrEqual(360);
      expect(t.x + t.width).toBeLessThanOrEqual(640);
    }
    // No tile sits on the face; a 40 px face anywhere left or right of it lies whole inside some tile.
    const centre = { x: live.x + live.width / 2, y: live.y + live.height / 2 };
    expect(
      tiles.some(
        (t) => t.x < centre.x && centre.x < t.x + t.width && t.y < centre.y && centre.y < t.y + t.height,
      ),
    ).toBe(false);
    for (const [fx, fy] of [
      [20, 20],
      [560, 300],
      [480, 150],
      [40, 250],
    ] as const) {
      const inside = tiles.some(
        (t) => fx >= t.x && fy >= t.y && fx + 40 <= t.x + t.width && fy + 40 <= t.y + t.height,
      );
      expect(inside, `face at ${fx},${fy}`).toBe(true);
    }
  });

  it('merges the same face found on two overlapping tiles, keeping the better score', () => {
    const merged = mergeTileFaces([obs(500, 100, 30, 0.5), obs(502, 101, 30, 0.8), obs(100, 100, 30, 0.6)]);
    expect(merged).toHaveLength(2);
    expect(merged.find((m) => m.box.x > 400)!.score).toBe(0.8);
  });
});
