// Card-portrait search (pure): which frames are searched first, which tiles, how tile hits merge, turned tiles and
// their faces back in frame pixels, and when a candidate counts as the card.
import { describe, expect, it } from 'vitest';
import { DEFAULT_ANALYSIS, type ClassifiedFrame } from '../../service/face/analysis.js';
import {
  cardLikeness,
  cardSubTiles,
  cardResult,
  halfTurned,
  isCardPortrait,
  mergeTileFaces,
  planCardRefine,
  planCardSearch,
  planCardTiles,
  refineTile,
  searchCard,
  turnPoint,
  turnRgb,
  unturnFace,
  unturnPoint,
  uprightCardView,
} from '../../service/face/card.js';
import type { FaceObservation, RgbImage } from '../../service/face/types.js';

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

describe('turned tiles', () => {
  const img = (w: number, h: number): RgbImage => {
    const data = Buffer.alloc(w * h * 3);
    for (let i = 0; i < w * h; i++) data[i * 3] = i % 251;
    return { width: w, height: h, data };
  };

  it('turns an image by quarter turns exactly, and points back', () => {
    const a = img(7, 4);
    for (const turn of [0, 90, 180, 270] as const) {
      const t = turnRgb(a, turn);
      expect([t.width, t.height]).toEqual(turn % 180 ? [4, 7] : [7, 4]);
      for (const [x, y] of [
        [0, 0],
        [6, 3],
        [2, 1],
      ] as const) {
        const [u, v] = turnPoint(x, y, 7, 4, turn);
        expect(t.data[(v * t.width + u) * 3]).toBe(a.data[(y * 7 + x) * 3]);
        expect(unturnPoint(u, v, 7, 4, turn)).toEqual([x, y]);
      }
    }
    // Four quarter turns are the identity.
    expect(turnRgb(turnRgb(turnRgb(turnRgb(a, 90), 90), 90), 90).data.equals(a.data)).toBe(true);
  });

  it('maps a face found on a tile turned upside down back to frame pixels, and views it upright again', () => {
    const tile = { x: 400, y: 100, width: 180, height: 180 };
    // On the turned tile, near its top-left corner: in the frame, near the tile's bottom-right corner.
    const back = unturnFace(obs(10, 20, 30), tile, 180, 180, 180);
    expect(back.turn).toBe(180);
    expect(back.box.x).toBeCloseTo(400 + 179 - 40, 0);
    expect(back.box.y).toBeCloseTo(100 + 179 - 50, 0);
    expect(back.box.width).toBeCloseTo(30, 5);
    const frame = img(640, 360);
    const view = uprightCardView(frame, back);
    // A crop around the card, turned: the box keeps its size and lies inside the view.
    expect(view.box.width).toBeCloseTo(30, 5);
    expect(view.box.x).toBeGreaterThanOrEqual(0);
    expect(view.box.x + view.box.width).toBeLessThanOrEqual(view.image.width);
    // An upright card is described on the frame itself.
    expect(uprightCardView(frame, obs(10, 20, 30)).image).toBe(frame);
  });

  it('ranks a tile with printed edges above a flat one', () => {
    const frame = img(200, 100);
    frame.data.fill(128);
    // Text-like stripes in the right half.
    for (let y = 0; y < 100; y++)
      for (let x = 100; x < 200; x++) if (x % 4 < 2) frame.data[(y * 200 + x) * 3 + 1] = 250;
    const flat = cardLikeness(frame, { x: 0, y: 0, width: 90, height: 100 });
    const printed = cardLikeness(frame, { x: 100, y: 0, width: 100, height: 100 });
    expect(flat).toBe(0);
    expect(printed).toBeGreaterThan(0.3);
  });
});

describe('card confirmation', () => {
  const unit = (i: number): number[] => Array.from({ length: 128 }, (_, k) => (k === i ? 1 : 0));
  const described = (descriptor: number[], index = 2) => ({
    index,
    timeSec: index,
    quality: 0.8,
    descriptor,
  });

  it('counts a candidate as the card only when its portrait is close to the uploaded one', () => {
    const portrait = unit(0);
    expect(isCardPortrait(described(unit(0)), portrait, DEFAULT_ANALYSIS)).toBe(true);
    // A face-like pattern or another picture: far from the portrait.
    expect(isCardPortrait(described(unit(1)), portrait, DEFAULT_ANALYSIS)).toBe(false);
    expect(isCardPortrait(described([]), portrait, DEFAULT_ANALYSIS)).toBe(false);
    // Nothing to compare with: any described face counts.
    expect(isCardPortrait(described(unit(1)), null, DEFAULT_ANALYSIS)).toBe(true);
    expect(cardResult([described(unit(1), 3)], portrait)).toEqual({
      found: false,
      similarity: null,
      frameIndex: null,
    });
    const r = cardResult([described(unit(1), 3), described(unit(0), 5)], portrait);
    expect(r.found).toBe(true);
    expect(r.frameIndex).toBe(5);
    expect(r.similarity!).toBeGreaterThan(0.99);
  });
});

describe('small-card crops', () => {
  it('picks the most card-like half-side crops around the tiles, inside the frame, reaching past a tile edge', () => {
    const frame: RgbImage = { width: 640, height: 360, data: Buffer.alloc(640 * 360 * 3, 128) };
    // A small "card" with printed lines straddling the left edge of the tile at x = 405.
    for (let y = 200; y < 240; y++)
      for (let x = 385; x < 450; x++)
        if (y % 3 === 0) frame.data.fill(250, (y * 640 + x) * 3, (y * 640 + x) * 3 + 3);
    const tiles = [{ x: 405, y: 135, width: 180, height: 180 }];
    const subs = cardSubTiles(frame, tiles, 2);
    expect(subs).toHaveLength(2);
    for (const r of subs) {
      expect(r.width).toBe(90);
      expect(r.x).toBeGreaterThanOrEqual(0);
      expect(r.x + r.width).toBeLessThanOrEqual(640);
      expect(r.y + r.height).toBeLessThanOrEqual(360);
      // Each covers the printed area.
      expect(r.x).toBeLessThan(450);
      expect(r.x + r.width).toBeGreaterThan(385);
      expect(r.y).toBeLessThan(240);
      expect(r.y + r.height).toBeGreaterThan(200);
    }
    // The best one starts left of the tile: the card's edge was the tile's edge.
    expect(subs[0]!.x).toBeLessThan(405);
  });
});

describe('a second look at a confirmed card', () => {
  it('looks in the frames nearest in time to the confirmed one, at most cardRefineFrames, skipping those told', () => {
    const frames = Array.from({ length: 8 }, (_, i) => frame(i, i === 6 ? null : obs(200, 80, 180)));
    const order = planCardRefine(frames, frames[5]!, DEFAULT_ANALYSIS, new Set([4])).map((f) => f.index);
    expect(order).toHaveLength(DEFAULT_ANALYSIS.cardRefineFrames);
    // Neither the confirmed frame, nor a frame without a live face (6), nor an excluded one (4).
    expect(order).toEqual([3, 7, 2]);
    expect(planCardRefine(frames, frames[5]!, { ...DEFAULT_ANALYSIS, cardRefineFrames: 0 })).toEqual([]);
  });

  it('searches a search-tile-sized square centred on the confirmed portrait, inside the frame', () => {
    const side = Math.round(360 * DEFAULT_ANALYSIS.cardTileFraction);
    expect(refineTile(640, 360, { x: 100, y: 200, width: 40, height: 40 })).toEqual({
      x: 120 - side / 2,
      y: 220 - side / 2,
      width: side,
      height: side,
    });
    // Near a corner it is pushed back inside.
    expect(refineTile(640, 360, { x: 610, y: 330, width: 30, height: 30 })).toEqual({
      x: 640 - side,
      y: 360 - side,
      width: side,
      height: side,
    });
  });

  it('turns the first candidate another half turn, keeping its box (an upside-down portrait found as it is)', () => {
    const f = { ...frame(3, obs(200, 80, 180)), cards: [obs(40, 200, 30), obs(500, 200, 25)] };
    const t = halfTurned(f);
    expect((t.cards[0] as { turn?: number }).turn).toBe(180);
    expect(t.cards[0]!.box).toEqual(f.cards[0]!.box);
    expect(t.cards[1]).toBe(f.cards[1]);
    expect((halfTurned(t).cards[0] as { turn?: number }).turn).toBe(0);
    // A frame without a candidate is left as it is.
    const bare = frame(1, obs(200, 80, 180));
    expect(halfTurned(bare)).toBe(bare);
  });
});

describe('a faint card portrait', () => {
  // Measured on a generated genuine case (normal distance, dim, card moving): Tiny scored the plainly visible ~40 px
  // card portrait 0.1–0.53 depending on the crop and input size, so at the tile search's former floor (0.35) the card
  // was reported unseen (CARD_NOT_IN_VIDEO); described, it matched the ID portrait at 0.97–0.99. The stand-in
  // detector below returns one portrait scored 0.25, as Tiny does, only to a caller asking for faces down to 0.25.
  it('is looked at when the detector scores it below 0.35, and counts once confirmed against the ID portrait', async () => {
    const img: RgbImage = { width: 640, height: 360, data: Buffer.alloc(640 * 360 * 3, 90) };
    const live = obs(200, 100, 150);
    const frames = [0, 1, 2, 3].map((i) => frame(i, live));
    const asked: number[] = [];
    const detect = async (image: RgbImage, o: { minScore: number }) => {
      asked.push(o.minScore);
      // A portrait in the tile that holds frame pixel (420, 230), i.e. right of the live face.
      const faces = o.minScore <= 0.25 && image.width >= 100 ? [obs(20, 40, 40, 0.25)] : [];
      return { faces, cpuMs: 1 };
    };
    const confirmed: number[] = [];
    const r = await searchCard(
      frames,
      () => img,
      DEFAULT_ANALYSIS,
      detect,
      async (f) => {
        confirmed.push(f.index);
        return f;
      },
    );
    expect(new Set(asked)).toEqual(new Set([DEFAULT_ANALYSIS.cardTileMinScore]));
    expect(DEFAULT_ANALYSIS.cardTileMinScore).toBeLessThanOrEqual(0.25);
    expect(r.confirmed).toBe(true);
    expect(r.at!.cards[0]!.score).toBe(0.25);
    // The first frame searched (the middle of the video) found it: no further frames.
    expect(confirmed).toHaveLength(1);
    // With the former floor nothing would have been handed on for confirmation.
    const strict = await searchCard(
      frames,
      () => img,
      { ...DEFAULT_ANALYSIS, cardTileMinScore: 0.35 },
      detect,
      async (f) => f,
    );
    expect(strict.confirmed).toBe(false);
  });
});
